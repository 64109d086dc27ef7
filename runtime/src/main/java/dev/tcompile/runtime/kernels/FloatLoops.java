package dev.tcompile.runtime.kernels;

/**
 * Innermost float loops with the op switch hoisted out of the loop, so each loop body is one operation
 * the JIT can unroll and auto-vectorise. The SIMD kernels replace the hot ones.
 */
final class FloatLoops {
  private FloatLoops() {}

  static void unary(UnaryOp op, float[] x, int xo, float[] d, int dO, int n) {
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
