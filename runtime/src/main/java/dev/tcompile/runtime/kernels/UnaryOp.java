package dev.tcompile.runtime.kernels;

/**
 * Elementwise float functions without parameters. Scalar reference semantics; {@link Pointwise} runs them.
 * {@code ONE_MINUS_SQUARE} is {@code 1 - x*x} rounded once ({@code fma(-x, x, 1)}): tanh's derivative from its
 * output, as PyTorch's tanh_backward kernel computes it (its compiler contracts {@code 1 - b * b} into one fused
 * multiply-add), so gradients through tanh have PyTorch's bits.
 */
public enum UnaryOp {
  NEG, ABS, EXP, LOG, SQRT, RSQRT, SIN, COS, TANH, SIGMOID, RELU, RECIPROCAL, SIGN, GELU, ERF, LOG1P, EXPM1, FLOOR, CEIL, ROUND,
  ONE_MINUS_SQUARE;

  public float apply(float x) {
    return switch (this) {
      case NEG -> -x;
      case ABS -> Math.abs(x);
      case EXP -> (float) Math.exp(x);
      case LOG -> (float) Math.log(x);
      case SQRT -> (float) Math.sqrt(x);
      case RSQRT -> (float) (1.0 / Math.sqrt(x));
      case SIN -> (float) Math.sin(x);
      case COS -> (float) Math.cos(x);
      case TANH -> (float) Math.tanh(x);
      case SIGMOID -> VectorFns.sigmoidScalar(x);
      case RELU -> x < 0 ? 0f : x; // keeps NaN and -0.0, as ATen's clamp_min(x, 0)
      case RECIPROCAL -> 1f / x;
      case SIGN -> x > 0 ? 1f : x < 0 ? -1f : 0f; // PyTorch: sign(-0.) and sign(nan) are 0.
      case GELU -> (float) (x * MathFns.normalCdf(x)); // x * Phi(x); erfc keeps the negative tail accurate
      case ERF -> (float) MathFns.erf(x);
      case LOG1P -> (float) Math.log1p(x);
      case EXPM1 -> (float) Math.expm1(x);
      case FLOOR -> (float) Math.floor(x);
      case CEIL -> (float) Math.ceil(x);
      case ROUND -> (float) Math.rint(x);
      case ONE_MINUS_SQUARE -> Math.fma(-x, x, 1f);
    };
  }

  /** Integer semantics where PyTorch keeps int64 (neg, abs, sign, relu); others promote to float first. */
  public boolean keepsInteger() {
    return this == NEG || this == ABS || this == SIGN || this == RELU || this == FLOOR || this == CEIL || this == ROUND;
  }

  public long apply(long x) {
    return switch (this) {
      case NEG -> -x;
      case ABS -> Math.abs(x);
      case SIGN -> Long.signum(x);
      case RELU -> Math.max(x, 0);
      case FLOOR, CEIL, ROUND -> x;
      default -> throw new IllegalStateException(this + " on int64");
    };
  }
}
