package dev.tcompile.runtime.kernels;

/**
 * Elementwise binary functions, with PyTorch's semantics per dtype. Comparisons produce bool. GELU_BACKWARD is
 * the exact GELU's derivative times a gradient, {@code (grad, x)}: a floating-point function only, here so that
 * fused loops can run it as one operation.
 */
public enum BinaryOp {
  ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQ, NE, GT, GE, LT, LE, LOGICAL_AND, LOGICAL_OR, REMAINDER, GELU_BACKWARD;

  public boolean isComparison() {
    return switch (this) { case EQ, NE, GT, GE, LT, LE -> true; default -> false; };
  }

  public boolean isLogical() { return this == LOGICAL_AND || this == LOGICAL_OR; }

  public float apply(float a, float b) {
    return switch (this) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case POW -> pow(a, b);
      case MAXIMUM -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.max(a, b);
      case MINIMUM -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.min(a, b);
      case REMAINDER -> { float r = a % b; yield (r != 0 && ((r < 0) != (b < 0))) ? r + b : r; }
      case GELU_BACKWARD -> GeluBackwardLanes.one(a, b);
      default -> throw new IllegalStateException(this + " is not arithmetic");
    };
  }

  /** float pow with the exact fast cases PyTorch's kernel takes (x*x for 2, sqrt for 0.5, ...). */
  public static float pow(float a, float b) {
    if (b == 2f) return a * a;
    if (b == 1f) return a;
    if (b == 3f) return a * a * a;
    if (b == 0.5f) return (float) Math.sqrt(a);
    if (b == -1f) return 1f / a;
    if (b == -2f) return 1f / (a * a);
    return (float) Math.pow(a, b);
  }

  public long apply(long a, long b) {
    return switch (this) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case POW -> ipow(a, b);
      case MAXIMUM -> Math.max(a, b);
      case MINIMUM -> Math.min(a, b);
      case REMAINDER -> Math.floorMod(a, b);
      case DIV -> throw new IllegalStateException("integer div is computed in float");
      default -> throw new IllegalStateException(this + " is not arithmetic");
    };
  }

  private static long ipow(long a, long b) {
    if (b < 0) return a == 1 ? 1 : (a == -1 ? ((b & 1) == 0 ? 1 : -1) : 0);
    long r = 1;
    while (b > 0) { if ((b & 1) != 0) r *= a; a *= a; b >>= 1; }
    return r;
  }

  public boolean test(double a, double b) {
    return switch (this) {
      case EQ -> a == b;
      case NE -> a != b;
      case GT -> a > b;
      case GE -> a >= b;
      case LT -> a < b;
      case LE -> a <= b;
      case LOGICAL_AND -> a != 0 && b != 0;
      case LOGICAL_OR -> a != 0 || b != 0;
      default -> throw new IllegalStateException(this + " is not a predicate");
    };
  }

  public boolean test(long a, long b) {
    return switch (this) {
      case EQ -> a == b;
      case NE -> a != b;
      case GT -> a > b;
      case GE -> a >= b;
      case LT -> a < b;
      case LE -> a <= b;
      case LOGICAL_AND -> a != 0 && b != 0;
      case LOGICAL_OR -> a != 0 || b != 0;
      default -> throw new IllegalStateException(this + " is not a predicate");
    };
  }
}
