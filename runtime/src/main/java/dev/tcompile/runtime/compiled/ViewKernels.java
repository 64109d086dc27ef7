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

  /**
   * A generated program's view node remembers its last input and view: programs run on the same arrays call after
   * call (parameters, planned buffers), and a view of the same array object is the same view (NDArrays never change
   * their shape, strides or offset), so the node hands back the one it made. Only views are kept, never a reshape's
   * copy (its values would go stale). One entry, replaced whole: calls from several threads at most miss.
   */
  public static final class Cache {
    private record Entry(NDArray in, NDArray view) {}

    private Entry last;
  }

  /** {@link #reshape(NDArray, int[])} through the node's cache. */
  public static NDArray reshape(Cache c, NDArray x, int[] s) {
    Cache.Entry e = c.last;
    if (e != null && e.in() == x) return e.view();
    NDArray v = reshape(x, s);
    if (v.data() == x.data()) c.last = new Cache.Entry(x, v);
    return v;
  }

  /** {@link #permute(NDArray, int[])} through the node's cache. */
  public static NDArray permute(Cache c, NDArray x, int[] dims) {
    Cache.Entry e = c.last;
    if (e != null && e.in() == x) return e.view();
    NDArray v = permute(x, dims);
    c.last = new Cache.Entry(x, v);
    return v;
  }

  /** {@code x} with its dims reordered by {@code dims} (each already wrapped, a permutation). */
  public static NDArray permute(NDArray x, int[] dims) {
    int[] s = new int[dims.length], st = new int[dims.length];
    for (int i = 0; i < dims.length; i++) { s[i] = x.shape()[dims[i]]; st[i] = x.strides()[dims[i]]; }
    return x.view(s, st, x.offset());
  }
}
