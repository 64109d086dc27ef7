package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;

/**
 * Layer and batch normalisation forward kernels on float32. Statistics accumulate in double; the
 * normalisation itself follows PyTorch's CPU kernels' float arithmetic ({@code x * scale + shift}).
 */
public final class Norms {
  private Norms() {}

  private static float[] floats(NDArray a) { return a == null ? null : a.to(DType.FLOAT32).dense().floats(); }

  /**
   * Normalises each of the {@code rows} contiguous rows of {@code cols} elements: returns {y, mean, rstd} with
   * mean and rstd of {@code statShape} (one value per row). Weight and bias ({@code cols} elements) may be null.
   */
  public static NDArray[] layerNorm(NDArray x, NDArray weightOrNull, NDArray biasOrNull, int cols, double eps, int[] statShape) {
    if (x.dtype() == DType.FLOAT64) return DoubleNorms.layerNorm(x, weightOrNull, biasOrNull, cols, eps, statShape);
    float[] xd = floats(x), w = floats(weightOrNull), b = floats(biasOrNull);
    int rows = cols == 0 ? 0 : xd.length / cols;
    float[] y = new float[xd.length], mean = new float[rows], rstd = new float[rows];
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      double s = 0;
      for (int j = 0; j < cols; j++) s += xd[o + j];
      double m = s / cols, v = 0;
      for (int j = 0; j < cols; j++) { double d = xd[o + j] - m; v += d * d; }
      float mf = (float) m, rs = (float) (1.0 / Math.sqrt(v / cols + eps));
      mean[r] = mf;
      rstd[r] = rs;
      float shift = -rs * mf;
      for (int j = 0; j < cols; j++) {
        float n = xd[o + j] * rs + shift;
        if (w != null) n *= w[j];
        if (b != null) n += b[j];
        y[o + j] = n;
      }
    }
    return new NDArray[]{NDArray.wrap(y, x.shape()), NDArray.wrap(mean, statShape), NDArray.wrap(rstd, statShape)};
  }

  /**
   * Batch normalisation of {@code x [N, C, *]} per channel. Training: batch statistics, returns {y, save_mean,
   * save_invstd, new_running_mean, new_running_var} (the last two only when running stats are given, updated as
   * {@code (1 - momentum) * running + momentum * batch}, with the unbiased batch variance). Evaluation: the
   * running statistics normalise, and save_mean/save_invstd are empty, as PyTorch returns them.
   */
  public static NDArray[] batchNorm(NDArray x, NDArray weightOrNull, NDArray biasOrNull, NDArray runningMeanOrNull,
                                    NDArray runningVarOrNull, boolean training, double momentum, double eps) {
    if (x.dtype() == DType.FLOAT64)
      return DoubleNorms.batchNorm(x, weightOrNull, biasOrNull, runningMeanOrNull, runningVarOrNull, training, momentum, eps);
    int[] s = x.shape();
    int n = s[0], c = s[1], inner = 1;
    for (int i = 2; i < s.length; i++) inner *= s[i];
    float[] xd = floats(x), w = floats(weightOrNull), b = floats(biasOrNull);
    float[] rm = floats(runningMeanOrNull), rv = floats(runningVarOrNull);
    float[] y = new float[xd.length], mean = new float[c], invstd = new float[c];
    float[] newRm = rm == null ? null : new float[c], newRv = rv == null ? null : new float[c];
    long count = (long) n * inner;
    for (int ch = 0; ch < c; ch++) {
      float mf, is;
      if (training) {
        double sum = 0;
        for (int i = 0; i < n; i++) for (int j = 0, o = (i * c + ch) * inner; j < inner; j++) sum += xd[o + j];
        mf = (float) (sum / count);
        double varSum = 0;
        for (int i = 0; i < n; i++) for (int j = 0, o = (i * c + ch) * inner; j < inner; j++) { double d = xd[o + j] - mf; varSum += d * d; }
        is = (float) (1.0 / Math.sqrt(varSum / count + eps));
        mean[ch] = mf;
        invstd[ch] = is;
        if (rm != null) newRm[ch] = (float) (momentum * mf + (1 - momentum) * rm[ch]);
        if (rv != null) newRv[ch] = (float) (momentum * (varSum / (count - 1)) + (1 - momentum) * rv[ch]);
      } else {
        mf = rm[ch];
        is = (float) (1.0 / Math.sqrt(rv[ch] + eps));
      }
      float alpha = w == null ? is : is * w[ch];
      float beta = (b == null ? 0f : b[ch]) - mf * alpha;
      for (int i = 0; i < n; i++) for (int j = 0, o = (i * c + ch) * inner; j < inner; j++) y[o + j] = xd[o + j] * alpha + beta;
    }
    NDArray out = NDArray.wrap(y, s);
    if (!training) return new NDArray[]{out, NDArray.empty(DType.FLOAT32, 0), NDArray.empty(DType.FLOAT32, 0)};
    NDArray m = NDArray.wrap(mean, c), is = NDArray.wrap(invstd, c);
    if (rm == null) return new NDArray[]{out, m, is};
    return new NDArray[]{out, m, is, NDArray.wrap(newRm, c), NDArray.wrap(newRv, c)};
  }
}
