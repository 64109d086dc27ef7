package dev.tcompile;

/**
 * A tensor a derivative will read, with the version it had when saved, so that an in-place write between
 * forward and backward is caught (PyTorch's SavedVariable).
 */
final class SavedTensor {
  private Tensor tensor;
  private final int version;
  /** For an output saved by its own node: that node and the slot (an in-place op may rebase the tensor later). */
  private final GradFn savedFor;
  private final int outputNr;

  /** Saves an input of a node: messages name the tensor's node at unpack time, as PyTorch's do. */
  SavedTensor(Tensor t) { this(t, null); }

  /** Saves {@code t}; {@code savedFor} is the node when t is one of that node's own outputs, else null. */
  SavedTensor(Tensor t, GradFn savedFor) {
    tensor = t;
    version = t.versionCounter().get();
    this.savedFor = savedFor;
    outputNr = t.outputNr();
  }

  Tensor unpack() {
    if (tensor == null)
      throw new TorchException("Trying to backward through the graph a second time (or directly access saved tensors after they "
          + "have already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
          + "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you "
          + "need to access saved tensors after calling backward.");
    int now = tensor.versionCounter().get();
    if (now != version) {
      GradFn fn = savedFor != null ? savedFor : tensor.gradFn();
      int nr = savedFor != null ? outputNr : tensor.outputNr();
      throw new TorchException("one of the variables needed for gradient computation has been modified by an inplace operation: [torch."
          + tensor.dtype().legacyName() + "Tensor " + dev.tcompile.runtime.Shapes.str(tensor.shapeArray()) + "]"
          + (fn != null ? ", which is output " + nr + " of " + fn.name() + "," : "")
          + " is at version " + now + "; expected version " + version + " instead. Hint: enable anomaly detection to find the "
          + "operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).");
    }
    return tensor;
  }

  void release() { tensor = null; }
}
