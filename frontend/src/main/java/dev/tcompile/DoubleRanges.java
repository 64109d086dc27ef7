package dev.tcompile;

import dev.tcompile.runtime.NDArray;

/**
 * {@code torch.arange} and {@code torch.linspace} with {@code dtype=torch.float64}, as PyTorch's CPU kernels
 * compute them: 4-lane vector blocks (AVX2 {@code Vectorized<double>}) start from their first index's value and add
 * {@code j * step}; the remainder is computed element by element. Which products are fused into one rounding was
 * read off PyTorch 1.13's results (tools/goldens/float64.py): arange fuses the lanes too, linspace does not.
 */
final class DoubleRanges {
  private DoubleRanges() {}

  private static final int LANES = 4;

  /** {@code start + i * step}: blocks of lanes from {@code fma(step, i0, start)}, then {@code fma(j, step, base)}. */
  static NDArray arange(double start, double step, int n) {
    double[] d = new double[n];
    int vectorEnd = n / (2 * LANES) * (2 * LANES); // two vectors per round, as the float32 kernel
    for (int i = 0; i < vectorEnd; i += LANES) {
      double base = Math.fma(step, i, start);
      for (int j = 0; j < LANES; j++) d[i + j] = Math.fma(j, step, base);
    }
    for (int i = vectorEnd; i < n; i++) d[i] = Math.fma(step, i, start);
    return NDArray.wrap(d, n);
  }

  /** The first half counts up from start, the second half down from end; step computed in double. */
  static NDArray linspace(double start, double end, int steps) {
    double[] d = new double[steps];
    if (steps == 1) d[0] = start;
    if (steps > 1) {
      double step = (end - start) / (steps - 1);
      int half = steps / 2, vectorEnd = steps / (2 * LANES) * (2 * LANES);
      for (int i = 0; i < vectorEnd; i += LANES) {
        double base = i < half ? Math.fma(step, i, start) : Math.fma(-step, steps - i - 1, end);
        for (int j = 0; j < LANES; j++) d[i + j] = base + j * step;
      }
      for (int i = vectorEnd; i < steps; i++) d[i] = i < half ? Math.fma(step, i, start) : Math.fma(-step, steps - i - 1, end);
    }
    return NDArray.wrap(d, steps);
  }
}
