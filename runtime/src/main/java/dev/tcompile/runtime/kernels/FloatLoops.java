package dev.tcompile.runtime.kernels;

import dev.tcompile.runtime.Parallel;

/**
 * Innermost float loops with the op switch hoisted out of the loop, so each loop body is one operation
 * the JIT can unroll and auto-vectorise. exp, log, tanh, sqrt, sigmoid and gelu go to {@link VectorMath}
 * (Vector API), split over the thread pool for long runs.
 */
final class FloatLoops {
  private FloatLoops() {}

  /** Runs of at least this many elements are split over {@link Parallel#threads()} for the vectorised functions. */
  static final int PARALLEL_MIN = 1 << 16;

  static void unary(UnaryOp op, float[] x, int xo, float[] d, int dO, int n) {
    if (VectorMath.supports(op)) {
      if (n >= PARALLEL_MIN && Parallel.threads() > 1)
        Parallel.forRange(n, 8192, (from, to) -> VectorMath.apply(op, x, xo + from, d, dO + from, to - from));
      else VectorMath.apply(op, x, xo, d, dO, n);
      return;
    }
    switch (op) {
      case NEG -> { for (int i = 0; i < n; i++) d[dO + i] = -x[xo + i]; }
      case ABS -> { for (int i = 0; i < n; i++) d[dO + i] = Math.abs(x[xo + i]); }
      case RELU -> { for (int i = 0; i < n; i++) { float v = x[xo + i]; d[dO + i] = v < 0 ? 0f : v; } }
      default -> { for (int i = 0; i < n; i++) d[dO + i] = op.apply(x[xo + i]); }
    }
  }

  static void binary(BinaryOp op, float[] x, int xo, int xs, float[] y, int yo, int ys, float[] d, int dO, int n) {
    if (xs == 1 && ys == 1) {
      switch (op) {
        case ADD -> { for (int i = 0; i < n; i++) d[dO + i] = x[xo + i] + y[yo + i]; return; }
        case SUB -> { for (int i = 0; i < n; i++) d[dO + i] = x[xo + i] - y[yo + i]; return; }
        case MUL -> { for (int i = 0; i < n; i++) d[dO + i] = x[xo + i] * y[yo + i]; return; }
        case DIV -> { for (int i = 0; i < n; i++) d[dO + i] = x[xo + i] / y[yo + i]; return; }
        default -> { }
      }
    } else if (xs == 1 && ys == 0) {
      float b = y[yo];
      switch (op) {
        case ADD -> { for (int i = 0; i < n; i++) d[dO + i] = x[xo + i] + b; return; }
        case SUB -> { for (int i = 0; i < n; i++) d[dO + i] = x[xo + i] - b; return; }
        case MUL -> { for (int i = 0; i < n; i++) d[dO + i] = x[xo + i] * b; return; }
        case DIV -> { for (int i = 0; i < n; i++) d[dO + i] = x[xo + i] / b; return; }
        default -> { }
      }
    }
    for (int i = 0; i < n; i++) d[dO + i] = op.apply(x[xo + i * xs], y[yo + i * ys]);
  }
}
