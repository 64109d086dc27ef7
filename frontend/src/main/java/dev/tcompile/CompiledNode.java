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
  private final boolean[] recyclable;
  private final Tensor[] inputs;
  private final int[] versions;
  /** The types of the forward outputs, to make zero gradients for outputs no gradient reached. */
  private final List<TensorType> outputTypes;

  CompiledNode(CompiledEntry entry, NDArray[] saved, boolean[] recyclable, Tensor[] inputs, List<TensorType> outputTypes) {
    super(edges(entry, inputs));
    this.entry = entry;
    this.saved = saved;
    this.recyclable = recyclable;
    this.inputs = inputs;
    this.outputTypes = outputTypes;
    versions = new int[inputs.length];
    for (int i = 0; i < inputs.length; i++) versions[i] = inputs[i].versionCounter().get();
  }

  private static Edge[] edges(CompiledEntry entry, Tensor[] inputs) {
    Edge[] e = new Edge[inputs.length];
    for (int i = 0; i < inputs.length; i++) if (entry.wrt[i] && entry.split.inputHasGrad()[i]) e[i] = inputs[i].gradEdge();
    return e;
  }

  @Override public String name() { return "CompiledFunctionBackward"; }

  @Override int numOutputs() { return outputTypes.size(); }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    if (saved == null)
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
    List<Tensor> out = new ArrayList<>(inputs.length);
    int k = 0;
    for (int i = 0; i < inputs.length; i++) {
      boolean has = entry.wrt[i] && entry.split.inputHasGrad()[i];
      Tensor g = has ? Tensor.wrap(grads[k]) : null;
      if (has) g.exclusiveGrad = exclusive(grads, k++, in);
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
    if (saved == null) return;
    for (int s = 0; s < saved.length; s++) if (recyclable[s]) entry.savedBuffers.give(s, saved[s]);
    saved = null;
  }
}
