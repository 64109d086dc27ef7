package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;

/** {@link Norms}' layer and batch normalisation for float64 inputs: statistics and normalisation in double. */
final class DoubleNorms {
  private DoubleNorms() {}

  private static double[] doubles(NDArray a) { return a == null ? null : a.to(DType.FLOAT64).dense().doubles(); }

  static NDArray[] layerNorm(NDArray x, NDArray weightOrNull, NDArray biasOrNull, int cols, double eps, int[] statShape) {
    double[] xd = doubles(x), w = doubles(weightOrNull), b = doubles(biasOrNull);
    int rows = cols == 0 ? 0 : xd.length / cols;
    double[] y = new double[xd.length], mean = new double[rows], rstd = new double[rows];
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      double m = DoubleReduce.sum(xd, o, cols) / cols, v = 0;
      for (int j = 0; j < cols; j++) { double d = xd[o + j] - m; v += d * d; }
      double rs = 1.0 / Math.sqrt(v / cols + eps);
      mean[r] = m;
      rstd[r] = rs;
      double shift = -rs * m;
      for (int j = 0; j < cols; j++) {
        double n = xd[o + j] * rs + shift;
        if (w != null) n *= w[j];
        if (b != null) n += b[j];
        y[o + j] = n;
      }
    }
    return new NDArray[]{NDArray.wrap(y, x.shape()), NDArray.wrap(mean, statShape), NDArray.wrap(rstd, statShape)};
  }

  static NDArray[] batchNorm(NDArray x, NDArray weightOrNull, NDArray biasOrNull, NDArray runningMeanOrNull,
                             NDArray runningVarOrNull, boolean training, double momentum, double eps) {
    int[] s = x.shape();
    int n = s[0], c = s[1], inner = 1;
    for (int i = 2; i < s.length; i++) inner *= s[i];
    double[] xd = doubles(x), w = doubles(weightOrNull), b = doubles(biasOrNull);
    double[] rm = doubles(runningMeanOrNull), rv = doubles(runningVarOrNull);
    double[] y = new double[xd.length], mean = new double[c], invstd = new double[c];
    double[] newRm = rm == null ? null : new double[c], newRv = rv == null ? null : new double[c];
    long count = (long) n * inner;
    for (int ch = 0; ch < c; ch++) {
      double m, is;
      if (training) {
        double sum = 0;
        for (int i = 0; i < n; i++) for (int j = 0, o = (i * c + ch) * inner; j < inner; j++) sum += xd[o + j];
        m = sum / count;
        double varSum = 0;
        for (int i = 0; i < n; i++) for (int j = 0, o = (i * c + ch) * inner; j < inner; j++) { double d = xd[o + j] - m; varSum += d * d; }
        is = 1.0 / Math.sqrt(varSum / count + eps);
        mean[ch] = m;
        invstd[ch] = is;
        if (rm != null) newRm[ch] = momentum * m + (1 - momentum) * rm[ch];
        if (rv != null) newRv[ch] = momentum * (varSum / (count - 1)) + (1 - momentum) * rv[ch];
      } else {
        m = rm[ch];
        is = 1.0 / Math.sqrt(rv[ch] + eps);
      }
      double alpha = w == null ? is : is * w[ch];
      double beta = (b == null ? 0 : b[ch]) - m * alpha;
      for (int i = 0; i < n; i++) for (int j = 0, o = (i * c + ch) * inner; j < inner; j++) y[o + j] = xd[o + j] * alpha + beta;
    }
    NDArray out = NDArray.wrap(y, s);
    if (!training) return new NDArray[]{out, NDArray.empty(DType.FLOAT64, 0), NDArray.empty(DType.FLOAT64, 0)};
    NDArray ms = NDArray.wrap(mean, c), iss = NDArray.wrap(invstd, c);
    if (rm == null) return new NDArray[]{out, ms, iss};
    return new NDArray[]{out, ms, iss, NDArray.wrap(newRm, c), NDArray.wrap(newRv, c)};
  }
}
