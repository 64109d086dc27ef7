package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;

/** {@link Losses}' nll_loss forward and backward for float64 inputs, computed in double. */
final class DoubleNll {
  private DoubleNll() {}

  /** Samples N (1 without a batch dim), classes C, positions S per sample. */
  private static int[] layout(int[] in) {
    if (in.length == 1) return new int[]{1, in[0], 1};
    int s = 1;
    for (int i = 2; i < in.length; i++) s *= in[i];
    return new int[]{in[0], in[1], s};
  }

  private static double[] weights(NDArray w, int c) {
    if (w == null) { double[] ones = new double[c]; java.util.Arrays.fill(ones, 1); return ones; }
    return w.to(DType.FLOAT64).dense().doubles();
  }

  private static int checkedTarget(long t, int c) {
    if (t < 0 || t >= c) throw new TorchException("Target " + t + " is out of bounds.");
    return (int) t;
  }

  static NDArray forward(NDArray x, NDArray target, NDArray weightOrNull, Losses.Reduction r, long ignoreIndex) {
    int[] l = layout(x.shape());
    int n = l[0], c = l[1], s = l[2];
    double[] xd = x.to(DType.FLOAT64).dense().doubles(), w = weights(weightOrNull, c);
    long[] t = target.toLongArray();
    double[] per = new double[n * s];
    double sum = 0, totalWeight = 0;
    for (int i = 0; i < n; i++)
      for (int p = 0; p < s; p++) {
        long ti = t[i * s + p];
        if (ti == ignoreIndex) continue;
        int k = checkedTarget(ti, c);
        double loss = -w[k] * xd[(i * c + k) * s + p];
        per[i * s + p] = loss;
        sum += loss;
        totalWeight += w[k];
      }
    if (r == Losses.Reduction.NONE) return NDArray.wrap(per, target.shape());
    return NDArray.scalar(DType.FLOAT64, r == Losses.Reduction.SUM ? sum : sum / totalWeight);
  }

  static NDArray backward(NDArray gradOut, NDArray target, NDArray weightOrNull, Losses.Reduction r, long ignoreIndex,
                          int[] inputShape) {
    int[] l = layout(inputShape);
    int n = l[0], c = l[1], s = l[2];
    double[] w = weights(weightOrNull, c);
    long[] t = target.toLongArray();
    double[] g = gradOut.to(DType.FLOAT64).dense().doubles();
    NDArray gi = NDArray.empty(DType.FLOAT64, inputShape);
    double[] gd = gi.doubles();
    double tw = 0;
    if (r == Losses.Reduction.MEAN) for (long ti : t) if (ti != ignoreIndex) tw += w[checkedTarget(ti, c)];
    for (int i = 0; i < n; i++)
      for (int p = 0; p < s; p++) {
        int j = i * s + p;
        if (t[j] == ignoreIndex) continue;
        int k = checkedTarget(t[j], c);
        double gv = r == Losses.Reduction.NONE ? g[j] : g[0];
        gd[(i * c + k) * s + p] = r == Losses.Reduction.MEAN ? -w[k] * gv / tw : -w[k] * gv;
      }
    return gi;
  }
}
