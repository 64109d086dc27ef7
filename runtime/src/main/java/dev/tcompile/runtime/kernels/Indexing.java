package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/** Gathers and scatters along one dim, and concatenation. Inputs are read dense; indices are int64. */
public final class Indexing {
  private Indexing() {}

  static int outer(int[] s, int dim) { int n = 1; for (int i = 0; i < dim; i++) n *= s[i]; return n; }
  static int inner(int[] s, int dim) { int n = 1; for (int i = dim + 1; i < s.length; i++) n *= s[i]; return n; }

  /** out = x.index_select(dim, idx): whole slices of x picked by a 1-D index. */
  public static NDArray indexSelect(NDArray x, int dim, NDArray idx) {
    NDArray xd = x.dense();
    long[] ix = idx.toLongArray();
    int[] s = x.shape().clone();
    int size = x.dim() == 0 ? 1 : s[dim];
    if (x.dim() > 0) s[dim] = ix.length;
    NDArray out = NDArray.empty(x.dtype(), s);
    int outer = x.dim() == 0 ? 1 : outer(x.shape(), dim), inner = x.dim() == 0 ? 1 : inner(x.shape(), dim);
    Object src = xd.data(), dst = out.data();
    for (int j = 0; j < ix.length; j++) {
      if (ix[j] < 0 || ix[j] >= size) throw new TorchException("index out of range in self");
    }
    for (int o = 0; o < outer; o++)
      for (int j = 0; j < ix.length; j++)
        System.arraycopy(src, (o * size + (int) ix[j]) * inner, dst, (o * ix.length + j) * inner, inner);
    return out;
  }

  /** zeros(shape).index_add_(dim, idx, src): the backward of index_select (repeated indices accumulate). */
  public static NDArray indexAdd(int[] shape, int dim, NDArray idx, NDArray src) {
    if (src.dtype() == DType.FLOAT64) return DoubleScatter.indexAdd(shape, dim, idx, src);
    NDArray out = NDArray.empty(DType.FLOAT32, shape);
    float[] d = out.floats(), sv = src.to(DType.FLOAT32).dense().floats();
    long[] ix = idx.toLongArray();
    int size = shape.length == 0 ? 1 : shape[dim];
    int outer = shape.length == 0 ? 1 : outer(shape, dim), inner = shape.length == 0 ? 1 : inner(shape, dim);
    for (int o = 0; o < outer; o++)
      for (int j = 0; j < ix.length; j++) {
        int so = (o * ix.length + j) * inner, dof = (o * size + (int) ix[j]) * inner;
        for (int i = 0; i < inner; i++) d[dof + i] += sv[so + i];
      }
    return out;
  }

  /** out[..i..] = x[..idx[..i..]..] along dim; out has idx's shape. */
  public static NDArray gather(NDArray x, int dim, NDArray idx) {
    checkGather("gather", x.shape(), dim, idx.shape());
    NDArray xd = x.dense();
    long[] ix = idx.toLongArray();
    int[] is = idx.shape();
    NDArray out = NDArray.empty(x.dtype(), is);
    int size = x.dim() == 0 ? 1 : x.shape()[dim];
    int[] xs = Shapes.contiguousStrides(x.shape());
    int nd = is.length;
    int[] pos = new int[nd];
    for (int n = 0; n < ix.length; n++) {
      long k = ix[n];
      if (k < 0 || k >= size) throw new TorchException("index " + k + " is out of bounds for dimension " + dim + " with size " + size);
      int off = 0;
      for (int d = 0; d < nd; d++) off += (d == dim ? (int) k : pos[d]) * xs[d];
      copyElem(xd, off, out, n);
      for (int d = nd - 1; d >= 0; d--) { if (++pos[d] < is[d]) break; pos[d] = 0; }
    }
    return out;
  }

  /** zeros(shape).scatter_add_(dim, idx, src) in float32: the backward of gather and of max/min along a dim. */
  public static NDArray scatterAdd(int[] shape, int dim, NDArray idx, NDArray src) {
    checkGather("scatter_add", shape, dim, idx.shape());
    if (src.dtype() == DType.FLOAT64) return DoubleScatter.scatterAdd(shape, dim, idx, src);
    NDArray out = NDArray.empty(DType.FLOAT32, shape);
    float[] d = out.floats();
    NDArray sd = src.to(DType.FLOAT32);
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
      d[off] += sd.floats()[soff];
      for (int dd = nd - 1; dd >= 0; dd--) { if (++pos[dd] < is[dd]) break; pos[dd] = 0; }
    }
    return out;
  }

  private static void checkGather(String op, int[] shape, int dim, int[] idxShape) {
    if (idxShape.length != shape.length && !(shape.length == 0 && idxShape.length <= 1))
      throw new TorchException("Index tensor must have the same number of dimensions as " + (op.equals("gather") ? "input" : "self") + " tensor");
    for (int d = 0; d < idxShape.length && d < shape.length; d++)
      if (d != dim && idxShape[d] > shape[d])
        throw new TorchException("Size does not match at dimension " + d + " expected index " + Shapes.str(idxShape)
            + " to be smaller than self " + Shapes.str(shape) + " apart from dimension " + dim);
  }

  private static void copyElem(NDArray src, int si, NDArray dst, int di) {
    switch (src.dtype()) {
      case FLOAT32 -> dst.floats()[di] = src.floats()[si];
      case FLOAT64 -> dst.doubles()[di] = src.doubles()[si];
      case INT64 -> dst.longs()[di] = src.longs()[si];
      case BOOL -> dst.bools()[di] = src.bools()[si];
    }
  }

  /** Concatenation along dim of arrays already converted to the result dtype and checked for shape. */
  public static NDArray cat(int dim, DType dtype, int[] outShape, NDArray... xs) {
    NDArray out = NDArray.empty(dtype, outShape);
    int outer = outer(outShape, dim), inner = inner(outShape, dim), total = outShape[dim];
    int at = 0;
    for (NDArray x : xs) {
      if (x.numel() == 0) continue;
      NDArray xd = x.to(dtype).dense();
      int len = x.shape()[dim];
      for (int o = 0; o < outer; o++)
        System.arraycopy(xd.data(), o * len * inner, out.data(), (o * total + at) * inner, len * inner);
      at += len;
    }
    return out;
  }
}
