package dev.tcompile;

import java.util.AbstractList;
import java.util.Arrays;

/** A tensor's shape, PyTorch's {@code torch.Size}: prints as {@code torch.Size([20, 33, 24, 49])}. */
public final class Size extends AbstractList<Integer> {
  private final int[] dims;

  public Size(int... dims) { this.dims = dims.clone(); }

  public static Size of(int... dims) { return new Size(dims); }

  @Override public Integer get(int i) { return dims[i]; }
  @Override public int size() { return dims.length; }

  /** The size of dim {@code i}; negative counts from the end. */
  public int dim(int i) { return dims[runtimeWrap(i)]; }

  private int runtimeWrap(int i) { return dev.tcompile.runtime.Shapes.wrapDim(i, dims.length); }

  public int[] dims() { return dims.clone(); }
  public long numel() { return dev.tcompile.runtime.Shapes.numel(dims); }

  @Override public boolean equals(Object o) {
    if (o instanceof Size s) return Arrays.equals(dims, s.dims);
    return super.equals(o);
  }

  @Override public int hashCode() { return super.hashCode(); }

  @Override public String toString() { return dev.tcompile.format.TensorFormatter.formatSize(dims); }
}
