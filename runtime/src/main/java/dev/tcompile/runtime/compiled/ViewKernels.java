package dev.tcompile.runtime.compiled;

import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.ViewMath;

/** The view ops' kernels, as static calls a generated program (and the ops' own eval) make. */
public final class ViewKernels {
  private ViewKernels() {}

  /** {@code x} seen with shape {@code s} (resolved, no -1): a view when the strides allow one, else a copy. */
  public static NDArray reshape(NDArray x, int[] s) {
    int[] st = ViewMath.computeStrides(x.shape(), x.strides(), s);
    if (st == null) { x = x.copy(); st = Shapes.contiguousStrides(s); }
    return x.view(s, st, x.offset());
  }

  /** {@code x} with its dims reordered by {@code dims} (each already wrapped, a permutation). */
  public static NDArray permute(NDArray x, int[] dims) {
    int[] s = new int[dims.length], st = new int[dims.length];
    for (int i = 0; i < dims.length; i++) { s[i] = x.shape()[dims[i]]; st[i] = x.strides()[dims[i]]; }
    return x.view(s, st, x.offset());
  }
}
