package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Elementwise kernels in float64 (PyTorch's {@code double} CPU kernels): plain scalar loops over
 * {@link ParallelRows}' runs, each element computed in double and rounded once, as ATen's double kernels do.
 */
public final class DoublePointwise {
  private DoublePointwise() {}

  /** {@code op(x)} in double. */
  public static double apply(UnaryOp op, double x) {
    return switch (op) {
      case NEG -> -x;
      case ABS -> Math.abs(x);
      case EXP -> Math.exp(x);
      case LOG -> Math.log(x);
      case SQRT -> Math.sqrt(x);
      case RSQRT -> 1.0 / Math.sqrt(x);
      case SIN -> Math.sin(x);
      case COS -> Math.cos(x);
      case TANH -> Math.tanh(x);
      case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
      case RELU -> x < 0 ? 0d : x; // keeps NaN and -0.0, as ATen's clamp_min(x, 0)
      case RECIPROCAL -> 1d / x;
      case SIGN -> x > 0 ? 1d : x < 0 ? -1d : 0d;
      case GELU -> x * 0.5 * (1 + MathFns.erf(x * 0.70710678118654752440)); // ATen's double gelu
      case ERF -> MathFns.erf(x);
      case LOG1P -> Math.log1p(x);
      case EXPM1 -> Math.expm1(x);
      case FLOOR -> Math.floor(x);
      case CEIL -> Math.ceil(x);
      case ROUND -> Math.rint(x);
      case ONE_MINUS_SQUARE -> Math.fma(-x, x, 1.0); // tanh_backward's 1 - y*y, contracted as ATen's kernel is
    };
  }

  /** {@code op(a, b)} in double (arithmetic ops only). */
  public static double apply(BinaryOp op, double a, double b) {
    return switch (op) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case POW -> pow(a, b);
      case MAXIMUM -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
      case MINIMUM -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
      case REMAINDER -> { double r = a % b; yield (r != 0 && ((r < 0) != (b < 0))) ? r + b : r; }
      case GELU_BACKWARD -> geluBackward(a, b);
      default -> throw new IllegalStateException(op + " is not arithmetic");
    };
  }

  /**
   * The exact GELU's backward in double, ATen's GeluBackwardKernelImpl: {@code dy * (cdf + x * pdf)} with
   * {@code cdf = 0.5 * (1 + erf(x * M_SQRT1_2))}, {@code pdf = M_2_SQRTPI * M_SQRT1_2 * 0.5 * exp(x * x * -0.5)}.
   */
  public static double geluBackward(double dy, double x) {
    double cdf = 0.5 * (1 + MathFns.erf(x * 0.70710678118654752440));
    double pdf = 0.39894228040143267794 * Math.exp(x * x * -0.5);
    return dy * (cdf + x * pdf);
  }

  /** {@link #geluBackward(double, double)} of two broadcast operands. */
  public static NDArray geluBackward(NDArray g, NDArray x) { return zip(g, x, DoublePointwise::geluBackward); }

  /** double pow with the exact fast cases PyTorch's kernel takes (x*x for 2, sqrt for 0.5, ...). */
  public static double pow(double a, double b) {
    if (b == 2) return a * a;
    if (b == 1) return a;
    if (b == 3) return a * a * a;
    if (b == 0.5) return Math.sqrt(a);
    if (b == -1) return 1 / a;
    if (b == -2) return 1 / (a * a);
    return Math.pow(a, b);
  }

  public static NDArray unary(UnaryOp op, NDArray x) { return map(x, v -> apply(op, v)); }

  /** {@code f(x)} elementwise into a new float64 array (x converted to float64 first). */
  public static NDArray map(NDArray x, DoubleUnaryOperator f) {
    NDArray xd = x.to(DType.FLOAT64);
    NDArray out = NDArray.empty(DType.FLOAT64, x.shape());
    double[] src = xd.doubles(), dst = out.doubles();
    ParallelRows.Layout l = ParallelRows.of(x.shape(), xd.strides(), out.strides());
    int st = l.inner(0);
    l.rows(new int[]{xd.offset(), 0}, (o, len) -> {
      for (int i = 0; i < len; i++) dst[o[1] + i] = f.applyAsDouble(src[o[0] + i * st]);
    });
    return out;
  }

  /** {@code f(a, b)} of two broadcast operands into a new float64 array. */
  public static NDArray zip(NDArray a, NDArray b, DoubleBinaryOperator f) {
    int[] shape = Shapes.broadcast(a.shape(), b.shape());
    NDArray ad = a.to(DType.FLOAT64), bd = b.to(DType.FLOAT64);
    NDArray out = NDArray.empty(DType.FLOAT64, shape);
    double[] x = ad.doubles(), y = bd.doubles(), d = out.doubles();
    int[] sa = Shapes.broadcastStrides(ad.shape(), ad.strides(), shape), sb = Shapes.broadcastStrides(bd.shape(), bd.strides(), shape);
    ParallelRows.Layout l = ParallelRows.of(shape, sa, sb, out.strides());
    int la = l.inner(0), lb = l.inner(1);
    l.rows(new int[]{ad.offset(), bd.offset(), 0}, (o, len) -> {
      for (int i = 0; i < len; i++) d[o[2] + i] = f.applyAsDouble(x[o[0] + i * la], y[o[1] + i * lb]);
    });
    return out;
  }

  /** {@code op(a, b)} computed in float64; comparisons and logical ops give bool. */
  public static NDArray binary(BinaryOp op, NDArray a, NDArray b) {
    if (!op.isComparison() && !op.isLogical()) return zip(a, b, (x, y) -> apply(op, x, y));
    int[] shape = Shapes.broadcast(a.shape(), b.shape());
    NDArray ad = a.to(DType.FLOAT64), bd = b.to(DType.FLOAT64);
    NDArray out = NDArray.empty(DType.BOOL, shape);
    double[] x = ad.doubles(), y = bd.doubles();
    boolean[] d = out.bools();
    int[] sa = Shapes.broadcastStrides(ad.shape(), ad.strides(), shape), sb = Shapes.broadcastStrides(bd.shape(), bd.strides(), shape);
    ParallelRows.Layout l = ParallelRows.of(shape, sa, sb, out.strides());
    int la = l.inner(0), lb = l.inner(1);
    l.rows(new int[]{ad.offset(), bd.offset(), 0}, (o, len) -> {
      for (int i = 0; i < len; i++) d[o[2] + i] = op.test(x[o[0] + i * la], y[o[1] + i * lb]);
    });
    return out;
  }

  /** {@code a * b + c} rounded once, broadcasting all three (addcmul's contracted double kernel). */
  public static NDArray fma(NDArray a, NDArray b, NDArray c) {
    int[] shape = Shapes.broadcast(Shapes.broadcast(a.shape(), b.shape()), c.shape());
    NDArray x = spread(a, shape), y = spread(b, shape), z = spread(c, shape);
    NDArray out = NDArray.empty(DType.FLOAT64, shape);
    double[] o = out.doubles(), xs = x.doubles(), ys = y.doubles(), zs = z.doubles();
    for (int i = 0; i < o.length; i++) o[i] = Math.fma(xs[i], ys[i], zs[i]);
    return out;
  }

  /** A dense float64 copy of {@code t} broadcast to {@code shape}. */
  private static NDArray spread(NDArray t, int[] shape) {
    NDArray out = NDArray.empty(DType.FLOAT64, shape);
    out.copyFrom(t);
    return out;
  }

  /** {@code self + alpha * other} rounded once, as ATen's double add kernel ({@code vec::fmadd}). */
  public static NDArray addAlpha(NDArray self, NDArray other, double alpha) {
    return zip(self, other, (x, y) -> Math.fma(y, alpha, x));
  }
}
