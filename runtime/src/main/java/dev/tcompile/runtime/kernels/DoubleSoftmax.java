package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;

/**
 * {@link Softmax}'s forward and backward in float64: each (outer, inner) line along the dim reduced in order
 * with the max subtracted first, as ATen's double kernels (log_softmax: {@code (x - max) - log(sum)}).
 */
final class DoubleSoftmax {
  private DoubleSoftmax() {}

  private static int outer(int[] s, int d) { int n = 1; for (int i = 0; i < d; i++) n *= s[i]; return n; }
  private static int inner(int[] s, int d) { int n = 1; for (int i = d + 1; i < s.length; i++) n *= s[i]; return n; }

  static NDArray forward(NDArray x, int dim, boolean log) {
    NDArray xd = x.to(DType.FLOAT64).dense();
    int[] s = xd.shape();
    NDArray out = NDArray.empty(DType.FLOAT64, s);
    if (xd.numel() == 0) return out;
    int size = s.length == 0 ? 1 : s[dim], outer = s.length == 0 ? 1 : outer(s, dim), inner = s.length == 0 ? 1 : inner(s, dim);
    double[] a = xd.doubles(), o = out.doubles();
    for (int p = 0; p < outer; p++) {
      for (int q = 0; q < inner; q++) {
        int base = p * size * inner + q;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
          double v = a[base + i * inner];
          max = Double.isNaN(v) || Double.isNaN(max) ? Double.NaN : Math.max(max, v);
        }
        if (Double.isInfinite(max) && max < 0) max = 0;
        double sum = 0;
        for (int i = 0; i < size; i++) {
          double e = Math.exp(a[base + i * inner] - max);
          sum += e;
          if (!log) o[base + i * inner] = e;
        }
        if (log) {
          double lse = Math.log(sum);
          for (int i = 0; i < size; i++) o[base + i * inner] = (a[base + i * inner] - max) - lse;
        } else {
          double inv = 1 / sum;
          for (int i = 0; i < size; i++) o[base + i * inner] *= inv;
        }
      }
    }
    return out;
  }

  /** softmax: gx = y * (g - sum(g * y)); log_softmax: gx = g - exp(y) * sum(g). */
  static NDArray backward(NDArray g, NDArray y, int dim, boolean log) {
    NDArray gd = g.to(DType.FLOAT64).dense(), yd = y.to(DType.FLOAT64).dense();
    int[] s = yd.shape();
    NDArray out = NDArray.empty(DType.FLOAT64, s);
    if (yd.numel() == 0) return out;
    int size = s.length == 0 ? 1 : s[dim], outer = s.length == 0 ? 1 : outer(s, dim), inner = s.length == 0 ? 1 : inner(s, dim);
    double[] ga = gd.doubles(), ya = yd.doubles(), o = out.doubles();
    for (int p = 0; p < outer; p++) {
      for (int q = 0; q < inner; q++) {
        int base = p * size * inner + q;
        double d = 0;
        for (int i = 0; i < size; i++) {
          int k = base + i * inner;
          d += log ? ga[k] : ga[k] * ya[k];
        }
        for (int i = 0; i < size; i++) {
          int k = base + i * inner;
          o[k] = log ? ga[k] - Math.exp(ya[k]) * d : ya[k] * (ga[k] - d);
        }
      }
    }
    return out;
  }
}
