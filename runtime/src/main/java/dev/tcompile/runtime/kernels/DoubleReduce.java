package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/**
 * {@link Reduce}'s reductions for float64 inputs: the input laid out as (kept dims, reduced dims), each output
 * element reducing one contiguous block in double. Sums are pairwise (blocks of 8 accumulated in turn, then the
 * halves combined) so the rounding error grows like PyTorch's cascade sum, not like a running total.
 */
final class DoubleReduce {
  private DoubleReduce() {}

  static NDArray reduce(Reduce.Kind kind, NDArray x, boolean[] mask, boolean keepdim) {
    NDArray out = NDArray.empty(DType.FLOAT64, Shapes.reducedShape(x.shape(), mask, keepdim));
    int r = Reduce.blockSize(x.shape(), mask), nOut = out.numel();
    double[] src = Reduce.blocks(x.to(DType.FLOAT64), mask).doubles(), dst = out.doubles();
    for (int o = 0; o < nOut; o++) dst[o] = reduceBlock(kind, src, o * r, r);
    return out;
  }

  private static double reduceBlock(Reduce.Kind kind, double[] a, int from, int n) {
    switch (kind) {
      case SUM -> { return sum(a, from, n); }
      case MEAN -> { return sum(a, from, n) / n; }
      case PROD -> {
        double p = 1;
        for (int i = from, e = from + n; i < e; i++) p *= a[i];
        return p;
      }
      case AMAX, AMIN -> {
        double m = a[from];
        for (int i = from + 1, e = from + n; i < e; i++) {
          double v = a[i];
          if (Double.isNaN(v)) return v;
          if (kind == Reduce.Kind.AMAX ? v > m : v < m) m = v;
        }
        return m;
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  /** Pairwise sum: runs of up to 64 summed left to right, combined as a balanced tree. */
  static double sum(double[] a, int from, int n) {
    if (n <= 64) {
      double s = 0;
      for (int i = from, e = from + n; i < e; i++) s += a[i];
      return s;
    }
    int half = (n / 2 + 63) / 64 * 64;
    return sum(a, from, half) + sum(a, from + half, n - half);
  }

  /** Variance with {@code correction}, two-pass in double. */
  static NDArray var(NDArray x, boolean[] mask, double correction, boolean keepdim, boolean std) {
    NDArray out = NDArray.empty(DType.FLOAT64, Shapes.reducedShape(x.shape(), mask, keepdim));
    int r = Reduce.blockSize(x.shape(), mask), nOut = out.numel();
    double[] src = Reduce.blocks(x.to(DType.FLOAT64), mask).doubles(), dst = out.doubles();
    for (int o = 0; o < nOut; o++) {
      double mean = sum(src, o * r, r) / r;
      double ss = 0;
      for (int i = o * r, e = i + r; i < e; i++) { double d = src[i] - mean; ss += d * d; }
      double v = ss / Math.max(r - correction, 0);
      dst[o] = std ? Math.sqrt(v) : v;
    }
    return out;
  }

  /** Values and int64 indices of the max (or min) along one dim; the first index wins ties, NaN wins all. */
  static NDArray[] maxAlong(NDArray x, boolean[] mask, int[] outShape, boolean min) {
    NDArray vals = NDArray.empty(DType.FLOAT64, outShape), idx = NDArray.empty(DType.INT64, outShape);
    int r = Reduce.blockSize(x.shape(), mask), nOut = vals.numel();
    long[] id = idx.longs();
    double[] src = Reduce.blocks(x, mask).doubles(), vd = vals.doubles();
    for (int o = 0; o < nOut; o++) {
      int base = o * r, best = 0;
      double m = src[base];
      for (int i = 1; i < r && !Double.isNaN(m); i++) {
        double v = src[base + i];
        if (Double.isNaN(v) || (min ? v < m : v > m)) { m = v; best = i; }
      }
      vd[o] = m; id[o] = best;
    }
    return new NDArray[]{vals, idx};
  }
}
