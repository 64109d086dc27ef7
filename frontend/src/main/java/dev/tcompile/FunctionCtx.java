package dev.tcompile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code ctx} of a {@link CustomFunction}: tensors saved for backward (version-checked, as PyTorch's
 * saved tensors are), which inputs need a gradient, dirty and non-differentiable outputs, and free-form values.
 */
public final class FunctionCtx {
  private final boolean[] needsInputGrad;
  private List<Tensor> toSave = List.of();
  private SavedTensor[] saved;
  private int[][] inputShapes;
  private boolean frozen;
  private dev.tcompile.ir.TensorType[] outputTypes;
  private boolean released;
  final Set<Tensor> dirty = Collections.newSetFromMap(new IdentityHashMap<>());
  final Set<Tensor> nonDifferentiable = Collections.newSetFromMap(new IdentityHashMap<>());
  boolean materializeGrads = true;
  private final Map<String, Object> values = new HashMap<>();

  FunctionCtx(boolean[] needsInputGrad) { this.needsInputGrad = needsInputGrad; }

  /** {@code ctx.needs_input_grad[i]}. */
  public boolean needsInputGrad(int i) { return needsInputGrad[i]; }

  /** {@code ctx.save_for_backward(...)}: call once, in forward, with inputs or outputs (or null). */
  public void saveForBackward(Tensor... tensors) {
    if (frozen) throw new TorchException("save_for_backward can only be called from forward");
    toSave = new ArrayList<>(java.util.Arrays.asList(tensors));
  }

  /** {@code ctx.saved_tensors}: raises if one was modified in place since, or after the graph was freed. */
  public List<Tensor> savedTensors() {
    if (saved == null) return Collections.unmodifiableList(toSave);
    if (released)
      throw new TorchException("Trying to backward through the graph a second time (or directly access saved tensors after they "
          + "have already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
          + "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you "
          + "need to access saved tensors after calling backward.");
    List<Tensor> out = new ArrayList<>(saved.length);
    for (SavedTensor s : saved) out.add(s == null ? null : s.unpack());
    return Collections.unmodifiableList(out);
  }

  /** {@code ctx.mark_dirty(...)}: inputs the forward modified in place (and returns). */
  public void markDirty(Tensor... tensors) { Collections.addAll(dirty, tensors); }

  /** {@code ctx.mark_non_differentiable(...)}: outputs that never require grad (indices, masks). */
  public void markNonDifferentiable(Tensor... tensors) { Collections.addAll(nonDifferentiable, tensors); }

  /** {@code ctx.set_materialize_grads(False)}: backward then sees null for outputs no gradient reached. */
  public void setMaterializeGrads(boolean on) { materializeGrads = on; }

  /** Any other value forward wants backward to see ({@code ctx.constant = ...}). */
  public void put(String key, Object value) { values.put(key, value); }

  @SuppressWarnings("unchecked")
  public <T> T get(String key) { return (T) values.get(key); }

  /** After forward: saved tensors take their versions (outputs with the node's history). */
  void freeze(Tensor[] outs, GradFn node) {
    frozen = true;
    outputTypes = new dev.tcompile.ir.TensorType[outs.length];
    for (int i = 0; i < outs.length; i++) outputTypes[i] = outs[i].type();
    Map<Tensor, Integer> outIndex = CustomFunction.indexOf(outs);
    saved = new SavedTensor[toSave.size()];
    for (int i = 0; i < saved.length; i++) {
      Tensor t = toSave.get(i);
      if (t == null) continue;
      saved[i] = outIndex.containsKey(t) && node != null ? new SavedTensor(t, node) : new SavedTensor(t);
    }
    toSave = List.of();
  }

  void recordInputShapes(Tensor[] inputs) {
    inputShapes = new int[inputs.length][];
    for (int i = 0; i < inputs.length; i++) inputShapes[i] = inputs[i].shapeArray();
  }

  int[] inputShape(int i) { return inputShapes[i]; }

  /** Zeros shaped like output i: the gradient backward sees where none flowed. */
  Tensor zerosForOutput(int i) { return Torch.zeros(outputTypes[i].dtype(), outputTypes[i].shape()); }

  void release() {
    released = true;
    if (saved != null) for (SavedTensor s : saved) if (s != null) s.release();
  }
}
