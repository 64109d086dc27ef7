package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;

/** {@link Losses}' elementwise binary cross entropies for float64 inputs, with the same clamps, in double. */
final class DoubleBce {
  private DoubleBce() {}

  private static double[] spread(NDArray a, int[] shape) {
    if (a == null) return null;
    NDArray out = NDArray.empty(DType.FLOAT64, shape);
    out.copyFrom(a);
    return out.doubles();
  }

  static NDArray binaryCrossEntropy(NDArray x, NDArray target, NDArray weightOrNull) {
    int[] shape = x.shape();
    double[] xd = spread(x, shape), t = spread(target, shape), w = spread(weightOrNull, shape);
    double[] out = new double[xd.length];
    for (int i = 0; i < xd.length; i++) {
      double xi = xd[i];
      if (!(xi >= 0 && xi <= 1)) throw new TorchException("all elements of input should be between 0 and 1");
      double logX = Math.max(Math.log(xi), -100), log1mX = Math.max(Math.log1p(-xi), -100);
      double l = (t[i] - 1) * log1mX - t[i] * logX;
      out[i] = w == null ? l : l * w[i];
    }
    return NDArray.wrap(out, shape);
  }

  static NDArray binaryCrossEntropyWithLogits(NDArray x, NDArray target, NDArray weightOrNull, NDArray posWeightOrNull) {
    int[] shape = x.shape();
    double[] xd = spread(x, shape), t = spread(target, shape), w = spread(weightOrNull, shape), pw = spread(posWeightOrNull, shape);
    double[] out = new double[xd.length];
    for (int i = 0; i < xd.length; i++) {
      double xi = xd[i], ti = t[i];
      double m = Math.max(-xi, 0);
      double softplus = Math.log(Math.exp(-m) + Math.exp(-xi - m)) + m;
      double lw = pw == null ? 1 : (pw[i] - 1) * ti + 1;
      double l = (1 - ti) * xi + lw * softplus;
      out[i] = w == null ? l : l * w[i];
    }
    return NDArray.wrap(out, shape);
  }
}
