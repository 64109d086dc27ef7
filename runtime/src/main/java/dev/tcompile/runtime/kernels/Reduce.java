package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/**
 * Reductions over a set of dims. Float sum/mean over adjacent dims of a contiguous array go to
 * {@link FloatSums} (vectorised, fixed order, parallel); everything else lays the input out as (kept dims,
 * reduced dims) so that every output element reduces one contiguous block, accumulating in double.
 */
public final class Reduce {
  private Reduce() {}

  public enum Kind { SUM, MEAN, AMAX, AMIN, PROD, ALL, ANY }

  /** Output dtype PyTorch gives: sums of integers/bools are int64, all/any bool, others keep the dtype. */
  public static DType outType(Kind kind, DType in) {
    return switch (kind) {
      case SUM, PROD -> in.isFloatingPoint() ? in : DType.INT64;
      case ALL, ANY -> DType.BOOL;
      default -> in;
    };
  }

  /** The input permuted to (kept..., reduced...) and made contiguous; returns it with the block size. */
  static NDArray blocks(NDArray x, boolean[] mask) {
    int nd = x.dim();
    int[] perm = new int[nd];
    int j = 0;
    for (int i = 0; i < nd; i++) if (!mask[i]) perm[j++] = i;
    for (int i = 0; i < nd; i++) if (mask[i]) perm[j++] = i;
    int[] shape = new int[nd], strides = new int[nd];
    for (int i = 0; i < nd; i++) { shape[i] = x.shape()[perm[i]]; strides[i] = x.strides()[perm[i]]; }
    return x.view(shape, strides, x.offset()).dense();
  }

  static int blockSize(int[] shape, boolean[] mask) {
    int r = 1;
    for (int i = 0; i < shape.length; i++) if (mask[i]) r *= shape[i];
    return r;
  }

  public static NDArray reduce(Kind kind, NDArray x, boolean[] mask, boolean keepdim) {
    return reduce(kind, x, mask, keepdim, null);
  }

  /**
   * {@link #reduce} into a given dense buffer of the result's dtype and shape (null: a new array); a float32 sum or
   * mean over adjacent dims of a contiguous input into a given buffer allocates nothing.
   */
  public static NDArray reduce(Kind kind, NDArray x, boolean[] mask, boolean keepdim, NDArray outOrNull) {
    if (x.dtype() == DType.FLOAT64 && kind != Kind.ALL && kind != Kind.ANY) {
      NDArray r = DoubleReduce.reduce(kind, x, mask, keepdim);
      if (outOrNull == null) return r;
      NDArray out = OutputBuffer.of(outOrNull, r.dtype(), r.shape(), "reduce");
      out.copyFrom(r);
      return out;
    }
    DType ot = outType(kind, x.dtype());
    NDArray out = output(outOrNull, ot, x.shape(), mask, keepdim);
    int r = blockSize(x.shape(), mask), nOut = out.numel();
    if (kind == Kind.ALL || kind == Kind.ANY) {
      boolean[] src = blocks(x.to(DType.BOOL), mask).bools(), dst = out.bools();
      for (int o = 0; o < nOut; o++) {
        boolean acc = kind == Kind.ALL;
        for (int i = o * r, e = i + r; i < e; i++) acc = kind == Kind.ALL ? acc && src[i] : acc || src[i];
        dst[o] = acc;
      }
      return out;
    }
    if ((kind == Kind.SUM || kind == Kind.MEAN) && x.dtype() == DType.FLOAT32 && x.isContiguous() && nOut > 0) {
      int[] shape = x.shape();
      int first = firstReduced(shape, mask), last = lastReduced(shape, mask);
      if (first >= 0 && onlyReducedBetween(shape, mask, first, last)) {
        // a contiguous array of P blocks of R x Q, summed over R
        FloatSums.sum(x.floats(), x.offset(), product(shape, 0, first), product(shape, first, last + 1),
            product(shape, last + 1, shape.length), kind == Kind.MEAN, out.floats());
        return out;
      }
    }
    if (ot == DType.FLOAT32) {
      float[] src = blocks(x.to(DType.FLOAT32), mask).floats(), dst = out.floats();
      for (int o = 0; o < nOut; o++) dst[o] = reduceFloat(kind, src, o * r, r);
    } else {
      // int64 and bool (max/min of bools) reduce in int64
      NDArray wide = ot == DType.INT64 ? out : NDArray.empty(DType.INT64, out.shape());
      long[] src = blocks(x.to(DType.INT64), mask).longs(), dst = wide.longs();
      for (int o = 0; o < nOut; o++) dst[o] = reduceLong(kind, src, o * r, r);
      if (wide != out) out.copyFrom(wide);
    }
    return out;
  }

  /** The given buffer checked against the reduction's result shape (built only on a mismatch), or a new array. */
  private static NDArray output(NDArray buffer, DType dtype, int[] xs, boolean[] mask, boolean keepdim) {
    if (buffer == null) return NDArray.empty(dtype, Shapes.reducedShape(xs, mask, keepdim));
    int[] bs = buffer.shape();
    int j = 0;
    boolean same = true;
    for (int i = 0; i < xs.length && same; i++) {
      if (mask[i] && !keepdim) continue;
      same = j < bs.length && bs[j++] == (mask[i] ? 1 : xs[i]);
    }
    same &= j == bs.length;
    return OutputBuffer.of(buffer, dtype, same ? bs : Shapes.reducedShape(xs, mask, keepdim), "reduce");
  }

  /** The first (last) reduced dim of size > 1, or -1 when there is none. */
  private static int firstReduced(int[] shape, boolean[] mask) {
    for (int d = 0; d < shape.length; d++) if (mask[d] && shape[d] != 1) return d;
    return -1;
  }

  private static int lastReduced(int[] shape, boolean[] mask) {
    for (int d = shape.length - 1; d >= 0; d--) if (mask[d] && shape[d] != 1) return d;
    return -1;
  }

  /** True when every dim in [first, last] is reduced or of size 1 (kept dims of size > 1 only outside). */
  private static boolean onlyReducedBetween(int[] shape, boolean[] mask, int first, int last) {
    for (int d = first; d <= last; d++) if (!mask[d] && shape[d] != 1) return false;
    return true;
  }

  private static int product(int[] shape, int from, int to) {
    int p = 1;
    for (int d = from; d < to; d++) p *= shape[d];
    return p;
  }

  private static float reduceFloat(Kind kind, float[] a, int from, int n) {
    switch (kind) {
      case SUM, MEAN -> {
        double s = 0;
        for (int i = from, e = from + n; i < e; i++) s += a[i];
        return (float) (kind == Kind.MEAN ? s / n : s);
      }
      case PROD -> {
        double p = 1;
        for (int i = from, e = from + n; i < e; i++) p *= a[i];
        return (float) p;
      }
      case AMAX, AMIN -> {
        float m = a[from];
        for (int i = from + 1, e = from + n; i < e; i++) {
          float v = a[i];
          if (Float.isNaN(v)) return v;
          if (kind == Kind.AMAX ? v > m : v < m) m = v;
        }
        return m;
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  private static long reduceLong(Kind kind, long[] a, int from, int n) {
    long acc = switch (kind) { case PROD -> 1; case AMAX, AMIN -> a[from]; default -> 0; };
    for (int i = from, e = from + n; i < e; i++) {
      acc = switch (kind) {
        case SUM -> acc + a[i];
        case PROD -> acc * a[i];
        case AMAX -> Math.max(acc, a[i]);
        case AMIN -> Math.min(acc, a[i]);
        default -> throw new IllegalStateException(kind.toString());
      };
    }
    return acc;
  }

  /** Variance with Bessel-style {@code correction} (1 = unbiased), two-pass in double. */
  public static NDArray var(NDArray x, boolean[] mask, double correction, boolean keepdim, boolean std) {
    if (x.dtype() == DType.FLOAT64) return DoubleReduce.var(x, mask, correction, keepdim, std);
    int[] outShape = Shapes.reducedShape(x.shape(), mask, keepdim);
    NDArray out = NDArray.empty(DType.FLOAT32, outShape);
    int r = blockSize(x.shape(), mask), nOut = out.numel();
    float[] src = blocks(x.to(DType.FLOAT32), mask).floats(), dst = out.floats();
    for (int o = 0; o < nOut; o++) {
      double mean = 0;
      for (int i = o * r, e = i + r; i < e; i++) mean += src[i];
      mean /= r;
      double ss = 0;
      for (int i = o * r, e = i + r; i < e; i++) { double d = src[i] - mean; ss += d * d; }
      double v = ss / Math.max(r - correction, 0);
      dst[o] = (float) (std ? Math.sqrt(v) : v);
    }
    return out;
  }

  /** Values and int64 indices of the max (or min) along one dim; the first index wins ties, NaN wins all. */
  public static NDArray[] maxAlong(NDArray x, int dim, boolean keepdim, boolean min) {
    boolean[] mask = new boolean[x.dim()];
    if (x.dim() > 0) mask[dim] = true;
    int[] outShape = Shapes.reducedShape(x.shape(), mask, keepdim);
    if (x.dtype() == DType.FLOAT64) return DoubleReduce.maxAlong(x, mask, outShape, min);
    NDArray vals = NDArray.empty(x.dtype(), outShape), idx = NDArray.empty(DType.INT64, outShape);
    int r = blockSize(x.shape(), mask), nOut = vals.numel();
    long[] id = idx.longs();
    if (x.dtype() == DType.FLOAT32) {
      float[] src = blocks(x, mask).floats(), vd = vals.floats();
      for (int o = 0; o < nOut; o++) {
        int base = o * r, best = 0;
        float m = src[base];
        for (int i = 1; i < r && !Float.isNaN(m); i++) {
          float v = src[base + i];
          if (Float.isNaN(v) || (min ? v < m : v > m)) { m = v; best = i; }
        }
        vd[o] = m; id[o] = best;
      }
    } else {
      NDArray xl = x.to(DType.INT64);
      long[] src = blocks(xl, mask).longs();
      NDArray vl = NDArray.empty(DType.INT64, outShape);
      long[] vd = vl.longs();
      for (int o = 0; o < nOut; o++) {
        int base = o * r, best = 0;
        long m = src[base];
        for (int i = 1; i < r; i++) { long v = src[base + i]; if (min ? v < m : v > m) { m = v; best = i; } }
        vd[o] = m; id[o] = best;
      }
      vals = vl.to(x.dtype());
    }
    return new NDArray[]{vals, idx};
  }
}
