package dev.tcompile;

/**
 * A tensor a derivative will read, with the version it had when saved, so that an in-place write between
 * forward and backward is caught (PyTorch's SavedVariable).
 */
final class SavedTensor {
  private Tensor tensor;
  private final int version;

  SavedTensor(Tensor t) {
    tensor = t;
    version = t.versionCounter().get();
  }

  Tensor unpack() {
    if (tensor == null)
      throw new TorchException("Trying to backward through the graph a second time (or directly access saved tensors after they "
          + "have already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
          + "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you "
          + "need to access saved tensors after calling backward.");
    int now = tensor.versionCounter().get();
    if (now != version) {
      GradFn fn = tensor.gradFn();
      throw new TorchException("one of the variables needed for gradient computation has been modified by an inplace operation: [torch."
          + tensor.dtype().legacyName() + "Tensor " + dev.tcompile.runtime.Shapes.str(tensor.shapeArray()) + "]"
          + (fn != null ? ", which is output " + tensor.outputNr() + " of " + fn.name() + "," : "")
          + " is at version " + now + "; expected version " + version + " instead. Hint: enable anomaly detection to find the "
          + "operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).");
    }
    return tensor;
  }

  void release() { tensor = null; }
}
