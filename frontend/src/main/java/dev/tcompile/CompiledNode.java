package dev.tcompile;

import dev.tcompile.ir.TensorType;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The autograd node of one call of a compiled function: runs the compiled backward graph on the activations
 * the compiled forward saved (PyTorch's CompiledFunctionBackward).
 */
final class CompiledNode extends GradFn {
  private final CompiledEntry entry;
  private NDArray[] saved;
  /** Per saved array: whether it goes back to the entry's {@link SavedBuffers} once the graph is freed. */
  private boolean[] recyclable;
  private final Tensor[] inputs;
  private final int[] versions;
  /** The types of the forward outputs, to make zero gradients for outputs no gradient reached. */
  private final List<TensorType> outputTypes;
  /** A speculative call's gradients under a unit seed (until its backward takes them), and the arrays it ran on. */
  private NDArray[] ahead;
  private final NDArray[] aheadArrays;
  /** Set once the graph is freed (a backward without retain_graph). */
  private boolean freed;
  /** Whether a backward has run (only the first one tells the speculation anything). */
  private boolean differentiated;

  CompiledNode(CompiledEntry entry, NDArray[] saved, boolean[] recyclable, Tensor[] inputs, List<TensorType> outputTypes) {
    this(entry, saved, recyclable, inputs, outputTypes, null, null);
  }

  private CompiledNode(CompiledEntry entry, NDArray[] saved, boolean[] recyclable, Tensor[] inputs, List<TensorType> outputTypes,
                       NDArray[] ahead, NDArray[] aheadArrays) {
    super(edges(entry, inputs));
    this.entry = entry;
    this.saved = saved;
    this.recyclable = recyclable;
    this.inputs = inputs;
    this.outputTypes = outputTypes;
    this.ahead = ahead;
    this.aheadArrays = aheadArrays;
    versions = new int[inputs.length];
    for (int i = 0; i < inputs.length; i++) versions[i] = inputs[i].versionCounter().get();
  }

  /** The node of a speculative call ({@link UnitSeedSpeculation}): {@code grads} are backward(1.0)'s results. */
  static CompiledNode ahead(CompiledEntry entry, NDArray[] grads, NDArray[] arrays, Tensor[] inputs, List<TensorType> outputTypes) {
    return new CompiledNode(entry, null, null, inputs, outputTypes, grads, arrays);
  }

  private static Edge[] edges(CompiledEntry entry, Tensor[] inputs) {
    Edge[] e = new Edge[inputs.length];
    for (int i = 0; i < inputs.length; i++) if (entry.wrt[i] && entry.split.inputHasGrad()[i]) e[i] = inputs[i].gradEdge();
    return e;
  }

  @Override public String name() { return "CompiledFunctionBackward"; }

  @Override int numOutputs() { return outputTypes.size(); }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    if (freed)
      throw new TorchException("Trying to backward through the graph a second time (or directly access saved tensors after they "
          + "have already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
          + "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you "
          + "need to access saved tensors after calling backward.");
    if (GradMode.isEnabled())
      throw new TorchException("double backward (create_graph=True) through a compiled function is not supported yet; "
          + "call the function eagerly to differentiate it twice");
    for (int i = 0; i < inputs.length; i++)
      if (inputs[i].versionCounter().get() != versions[i])
        throw new TorchException("one of the variables needed for gradient computation has been modified by an inplace operation: [torch."
            + inputs[i].dtype().legacyName() + "Tensor " + dev.tcompile.runtime.Shapes.str(inputs[i].shapeArray()) + "] is at version "
            + inputs[i].versionCounter().get() + "; expected version " + versions[i] + " instead (it is an input of a compiled function).");
    boolean first = !differentiated;
    differentiated = true;
    if (ahead != null) {
      NDArray[] grads = ahead;
      ahead = null;
      if (unitSeed(gradOutputs)) {
        entry.speculation.hit();
        return gradients(grads, java.util.Arrays.asList(aheadArrays));
      }
      entry.speculation.miss(gradOutputs.size() == 1 && gradOutputs.get(0) != null && gradOutputs.get(0).dim() == 0
          ? "a backward with seed " + gradOutputs.get(0).array().getDouble(0) : "a backward with a seed that is not 1");
    } else if (first && entry.speculation != null) entry.speculation.observed(unitSeed(gradOutputs));
    if (saved == null) {
      // a speculative call whose gradients did not fit this backward: the ordinary forward gives its saved values
      NDArray[] outs = entry.forward.run(aheadArrays, entry.forwardInto());
      int nOut = outs.length - entry.savedBuffers.size();
      saved = java.util.Arrays.copyOfRange(outs, nOut, outs.length);
      recyclable = SavedBuffers.unshared(outs, nOut, aheadArrays);
    }
    boolean[] takes = entry.split.outputTakesGrad();
    List<NDArray> in = new ArrayList<>(Arrays.asList(saved));
    for (int i = 0; i < takes.length; i++) {
      if (!takes[i]) continue;
      Tensor g = i < gradOutputs.size() ? gradOutputs.get(i) : null;
      TensorType t = outputTypes.get(i);
      in.add(g != null ? g.array() : NDArray.empty(t.dtype(), t.shape()));
    }
    NDArray[] grads = entry.backward.run(in.toArray(NDArray[]::new));
    // a gradient that is (a view of) a saved array leaves with the caller: that array must not be reused
    for (int s = 0; s < saved.length; s++)
      for (NDArray g : grads) if (g.sharesStorage(saved[s])) recyclable[s] = false;
    return gradients(grads, in);
  }

  /** Whether the seed of the (single, scalar) output is exactly one, as {@code loss.backward()} gives it. */
  private boolean unitSeed(List<Tensor> gradOutputs) {
    if (gradOutputs.size() != 1 || gradOutputs.get(0) == null) return false;
    NDArray g = gradOutputs.get(0).array();
    return g.dim() == 0 && g.dtype() == outputTypes.get(0).dtype() && g.getDouble(0) == 1.0;
  }

  /** The gradients as the engine takes them: one per input, null where it takes none. */
  private List<Tensor> gradients(NDArray[] grads, List<NDArray> programInputs) {
    List<Tensor> out = new ArrayList<>(inputs.length);
    int k = 0;
    for (int i = 0; i < inputs.length; i++) {
      boolean has = entry.wrt[i] && entry.split.inputHasGrad()[i];
      Tensor g = has ? Tensor.wrap(grads[k]) : null;
      if (has) g.exclusiveGrad = exclusive(grads, k++, programInputs);
      out.add(g);
    }
    return out;
  }

  /** Whether result {@code k} shares its array with no other result and no input of the backward program. */
  private static boolean exclusive(NDArray[] grads, int k, List<NDArray> inputs) {
    for (int j = 0; j < grads.length; j++) if (j != k && grads[j].sharesStorage(grads[k])) return false;
    for (NDArray a : inputs) if (a.sharesStorage(grads[k])) return false;
    return true;
  }

  @Override void release() {
    freed = true;
    ahead = null;
    if (saved == null) return;
    for (int s = 0; s < saved.length; s++) if (recyclable[s]) entry.savedBuffers.give(s, saved[s]);
    saved = null;
  }
}
