package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/** {@link Indexing}'s accumulating scatters (the backward of index_select, gather and max along a dim) in float64. */
final class DoubleScatter {
  private DoubleScatter() {}

  static NDArray indexAdd(int[] shape, int dim, NDArray idx, NDArray src) {
    NDArray out = NDArray.empty(DType.FLOAT64, shape);
    double[] d = out.doubles(), sv = src.to(DType.FLOAT64).dense().doubles();
    long[] ix = idx.toLongArray();
    int size = shape.length == 0 ? 1 : shape[dim];
    int outer = shape.length == 0 ? 1 : Indexing.outer(shape, dim), inner = shape.length == 0 ? 1 : Indexing.inner(shape, dim);
    for (int o = 0; o < outer; o++)
      for (int j = 0; j < ix.length; j++) {
        int so = (o * ix.length + j) * inner, dof = (o * size + (int) ix[j]) * inner;
        for (int i = 0; i < inner; i++) d[dof + i] += sv[so + i];
      }
    return out;
  }

  /** Called after {@link Indexing}'s shape checks. */
  static NDArray scatterAdd(int[] shape, int dim, NDArray idx, NDArray src) {
    NDArray out = NDArray.empty(DType.FLOAT64, shape);
    double[] d = out.doubles();
    NDArray sd = src.to(DType.FLOAT64);
    double[] sv = sd.doubles();
    long[] ix = idx.toLongArray();
    int[] is = idx.shape();
    int size = shape.length == 0 ? 1 : shape[dim];
    int[] os = Shapes.contiguousStrides(shape);
    int nd = is.length;
    int[] pos = new int[nd];
    for (int n = 0; n < ix.length; n++) {
      long k = ix[n];
      if (k < 0 || k >= size) throw new TorchException("index " + k + " is out of bounds for dimension " + dim + " with size " + size);
      int off = 0, soff = sd.offset();
      for (int dd = 0; dd < nd; dd++) { off += (dd == dim ? (int) k : pos[dd]) * os[dd]; soff += pos[dd] * sd.strides()[dd]; }
      d[off] += sv[soff];
      for (int dd = nd - 1; dd >= 0; dd--) { if (++pos[dd] < is[dd]) break; pos[dd] = 0; }
    }
    return out;
  }
}
