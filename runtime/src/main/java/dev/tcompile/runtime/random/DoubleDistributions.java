package dev.tcompile.runtime.random;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;

/**
 * PyTorch 1.13's CPU uniform and normal kernels for float64 outputs, consuming the {@link Generator} as
 * {@code aten/src/ATen/native/cpu/DistributionTemplates.h} does for {@code double}: uniforms are 53-bit
 * {@code uniform_real_distribution<double>} draws (one 64-bit draw each), and a contiguous normal fill of 16 or
 * more elements runs the generic {@code normal_fill} (Box-Muller in double over chunks of 16), otherwise the
 * scalar {@code normal_distribution<double>} per element.
 */
final class DoubleDistributions {
  private DoubleDistributions() {}

  /** {@code uniform_(from, to)} on a float64 output: {@code x * (to - from) + from}, x in [0, 1) from 53 bits. */
  static NDArray uniform(NDArray out, double from, double to, Generator g) {
    double max = Double.MAX_VALUE;
    if (from < -max || from > max) throw new TorchException("from is out of bounds for double");
    if (to < -max || to > max) throw new TorchException("to is out of bounds for double");
    if (!(from <= to))
      throw new TorchException("uniform_ expects to return a [from, to) range, but found from=" + from + " > to=" + to);
    int n = out.numel();
    if (n == 0) return out;
    double range = to - from;
    double[] d = out.doubles();
    int[] ord = order(out);
    int base = out.offset();
    g.mutex().lock();
    try {
      for (int i = 0; i < n; i++) d[ord == null ? base + i : ord[i]] = Math.fma(g.nextDouble01(), range, from);
    } finally {
      g.mutex().unlock();
    }
    return out;
  }

  /** {@code normal_(mean, std)} on a float64 output. */
  static NDArray normal(NDArray out, double mean, double std, Generator g) {
    int n = out.numel();
    if (n == 0) return out;
    double[] d = out.doubles();
    if (n >= 16 && out.isContiguous()) {
      normalFill(d, out.offset(), n, mean, std, g);
      return out;
    }
    int[] ord = order(out);
    int base = out.offset();
    g.mutex().lock();
    try {
      for (int i = 0; i < n; i++) d[ord == null ? base + i : ord[i]] = Distributions.normalDouble(g, mean, std);
    } finally {
      g.mutex().unlock();
    }
    return out;
  }

  private static void normalFill(double[] d, int off, int n, double mean, double std, Generator g) {
    g.mutex().lock();
    try {
      for (int i = 0; i < n; i++) d[off + i] = g.nextDouble01();
      for (int i = 0; i < n - 15; i += 16) fill16(d, off + i, mean, std);
      if (n % 16 != 0) {
        int tail = off + n - 16;
        for (int i = 0; i < 16; i++) d[tail + i] = g.nextDouble01();
        fill16(d, tail, mean, std);
      }
    } finally {
      g.mutex().unlock();
    }
  }

  /**
   * {@code normal_fill_16<double>}: lanes j and j + 8 pair up. PyTorch calls glibc's log/cos/sin here (correctly
   * rounded in nearly all cases); Java's Math functions are within 1 ulp of those, so an element can differ from
   * PyTorch's in its last bit (measured: 1 of the 354 golden randn values), while the uniforms and their order are exact.
   */
  private static void fill16(double[] d, int at, double mean, double std) {
    for (int j = 0; j < 8; j++) {
      double u1 = 1 - d[at + j];
      double u2 = d[at + j + 8];
      double radius = Math.sqrt(-2 * Math.log(u1));
      double theta = 2.0 * Math.PI * u2;
      d[at + j] = Math.fma(radius * Math.cos(theta), std, mean);
      d[at + j + 8] = Math.fma(radius * Math.sin(theta), std, mean);
    }
  }

  private static int[] order(NDArray out) {
    if (out.isContiguous()) return null;
    IterOrder.checkNoInternalOverlap(out);
    return IterOrder.offsets(out.shape(), new int[][]{out.strides()}, new int[]{out.offset()})[0];
  }

  static boolean handles(NDArray out) { return out.dtype() == DType.FLOAT64; }
}
