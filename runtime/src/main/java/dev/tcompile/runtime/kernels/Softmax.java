package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;

/**
 * softmax / log_softmax along one dim and their backward passes. The array is viewed as
 * (outer, size, inner); each (outer, inner) line is reduced with the max subtracted first.
 */
public final class Softmax {
  private Softmax() {}

  private static int outer(int[] s, int d) { int n = 1; for (int i = 0; i < d; i++) n *= s[i]; return n; }
  private static int inner(int[] s, int d) { int n = 1; for (int i = d + 1; i < s.length; i++) n *= s[i]; return n; }

  public static NDArray forward(NDArray x, int dim, boolean log) {
    NDArray xd = x.to(DType.FLOAT32).dense();
    int[] s = xd.shape();
    NDArray out = NDArray.empty(DType.FLOAT32, s);
    if (xd.numel() == 0) return out;
    int size = s.length == 0 ? 1 : s[dim], outer = s.length == 0 ? 1 : outer(s, dim), inner = s.length == 0 ? 1 : inner(s, dim);
    float[] a = xd.floats(), o = out.floats();
    for (int p = 0; p < outer; p++) {
      for (int q = 0; q < inner; q++) {
        int base = p * size * inner + q;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) max = Math.max(max, a[base + i * inner]);
        if (Float.isInfinite(max) && max < 0) max = 0;
        double sum = 0;
        for (int i = 0; i < size; i++) {
          float e = (float) Math.exp(a[base + i * inner] - max);
          sum += e;
          if (!log) o[base + i * inner] = e;
        }
        if (log) {
          float lse = (float) Math.log(sum);
          for (int i = 0; i < size; i++) o[base + i * inner] = a[base + i * inner] - max - lse;
        } else {
          float inv = (float) (1.0 / sum);
          for (int i = 0; i < size; i++) o[base + i * inner] *= inv;
        }
      }
    }
    return out;
  }

  /** softmax: gx = y * (g - sum(g * y)); log_softmax: gx = g - exp(y) * sum(g). */
  public static NDArray backward(NDArray g, NDArray y, int dim, boolean log) {
    NDArray gd = g.to(DType.FLOAT32).dense(), yd = y.dense();
    int[] s = yd.shape();
    NDArray out = NDArray.empty(DType.FLOAT32, s);
    if (yd.numel() == 0) return out;
    int size = s.length == 0 ? 1 : s[dim], outer = s.length == 0 ? 1 : outer(s, dim), inner = s.length == 0 ? 1 : inner(s, dim);
    float[] ga = gd.floats(), ya = yd.floats(), o = out.floats();
    for (int p = 0; p < outer; p++) {
      for (int q = 0; q < inner; q++) {
        int base = p * size * inner + q;
        double dot = 0;
        for (int i = 0; i < size; i++) {
          int k = base + i * inner;
          dot += log ? ga[k] : ga[k] * ya[k];
        }
        float d = (float) dot;
        for (int i = 0; i < size; i++) {
          int k = base + i * inner;
          o[k] = log ? ga[k] - (float) Math.exp(ya[k]) * d : ya[k] * (ga[k] - d);
        }
      }
    }
    return out;
  }
}
