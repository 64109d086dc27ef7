package dev.tcompile.data;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;

/** {@code TensorDataset(x, y, ...)}: item i is {@code [x[i], y[i], ...]}, slices along the first dimension. */
public final class TensorDataset implements Dataset<Tensor[]> {
  private final Tensor[] tensors;

  public TensorDataset(Tensor... tensors) {
    if (tensors.length == 0) throw new TorchException("TensorDataset needs at least one tensor");
    for (Tensor t : tensors) {
      if (t.dim() == 0) throw new TorchException("TensorDataset: tensors need a first dimension, got a 0-d tensor");
      if (t.size(0) != tensors[0].size(0)) throw new TorchException("Size mismatch between tensors");
    }
    this.tensors = tensors.clone();
  }

  @Override public int size() { return tensors[0].size(0); }

  @Override public Tensor[] get(int index) {
    int n = size();
    if (index < -n || index >= n)
      throw new TorchException("index " + index + " is out of bounds for dimension 0 with size " + n);
    Tensor[] item = new Tensor[tensors.length];
    for (int i = 0; i < item.length; i++) item[i] = tensors[i].select(0, index);
    return item;
  }
}
