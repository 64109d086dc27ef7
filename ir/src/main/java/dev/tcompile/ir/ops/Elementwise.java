package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Algebra;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.DoublePointwise;
import dev.tcompile.runtime.kernels.Pointwise;
import dev.tcompile.runtime.kernels.UnaryOp;
import dev.tcompile.ir.PointwiseOps;
import java.util.EnumMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Pointwise ops: unary functions, broadcasting binary arithmetic and comparisons, where, casts, clamp. */
public final class Elementwise {
  private Elementwise() {}

  private static final Map<UnaryOp, OpDef> UNARY = new EnumMap<>(UnaryOp.class);
  private static final Map<BinaryOp, OpDef> BINARY = new EnumMap<>(BinaryOp.class);

  static {
    for (UnaryOp k : UnaryOp.values()) UNARY.put(k, new Unary(k));
    for (BinaryOp k : BinaryOp.values()) BINARY.put(k, k == BinaryOp.GELU_BACKWARD ? GeluBackward.GELU_BACKWARD : new Binary(k));
  }

  public static OpDef unary(UnaryOp k) { return UNARY.get(k); }
  /** The op of binary function k; for {@link BinaryOp#GELU_BACKWARD}, {@link GeluBackward#GELU_BACKWARD}. */
  public static OpDef binary(BinaryOp k) { return BINARY.get(k); }

  public static final OpDef ADD = binary(BinaryOp.ADD), SUB = binary(BinaryOp.SUB), MUL = binary(BinaryOp.MUL),
      DIV = binary(BinaryOp.DIV), POW = binary(BinaryOp.POW);
  public static final OpDef POW_SCALAR = new PowScalar(), CLAMP = new Clamp(), WHERE = new Where(), CAST = new Cast(),
      LEAKY_RELU = new LeakyRelu();

  static TensorType[] one(TensorType t) { return new TensorType[]{t}; }

  /** True when every type is float32 or bool: the dtypes fused loops compute in. */
  public static boolean floatOrBool(TensorType... ts) {
    for (TensorType t : ts) if (t.dtype() != DType.FLOAT32 && t.dtype() != DType.BOOL) return false;
    return true;
  }

  static boolean isFloat(TensorType t) { return t.dtype() == DType.FLOAT32; }
  static NDArray[] one(NDArray a) { return new NDArray[]{a}; }

  // ---------------------------------------------------------------------------------------------------------
  static final class Unary extends OpDef {
    final UnaryOp k;

    Unary(UnaryOp k) { super(k.name().toLowerCase()); this.k = k; }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (in[0].dtype() == DType.BOOL) rejectBool(k);
      return one(in[0].withDType(Pointwise.unaryDType(k, in[0].dtype())));
    }

    /** PyTorch refuses bools for the integer-valued functions other than sign. */
    private static void rejectBool(UnaryOp k) {
      switch (k) {
        case NEG -> throw new TorchException("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            + "to invert a mask, use the `~` or `logical_not()` operator instead.");
        case ABS -> throw new TorchException("\"abs_cpu\" not implemented for 'Bool'");
        case RELU -> throw new TorchException("Boolean inputs not supported for relu");
        case FLOOR, CEIL, ROUND -> throw new TorchException("\"" + k.name().toLowerCase() + "_vml_cpu\" not implemented for 'Bool'");
        default -> { }
      }
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) { return one(Pointwise.unary(k, in[0])); }

    @Override public boolean hasBody(Attrs a, TensorType... in) { return in.length == 1 && isFloat(in[0]); }
    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, List<E> in) { return ops.unary(k, in.get(0)); }
    @Override public String gradFnName(Attrs a) { return k == UnaryOp.LOG1P ? "Log1PBackward0" : super.gradFnName(a); }

    @Override public boolean savesInput(Attrs a, int i) {
      return switch (k) { case ABS, LOG, SIN, COS, GELU, ERF, LOG1P, ONE_MINUS_SQUARE -> true; default -> false; };
    }

    @Override public boolean savesOutput(Attrs a, int i) {
      return switch (k) { case EXP, SQRT, RSQRT, TANH, SIGMOID, RELU, RECIPROCAL, EXPM1 -> true; default -> false; };
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T g = v.gradOut(0);
      T r = switch (k) {
        case NEG -> A.neg(g);
        case ABS -> A.mul(g, A.sign(v.input(0)));
        case EXP -> A.mul(g, v.output(0));
        case LOG -> A.div(g, v.input(0));
        case SQRT -> A.div(g, A.mul(v.output(0), 2));
        case RSQRT -> A.mul(A.mul(g, -0.5), A.pow(v.output(0), 3));     // PyTorch's -0.5 * grad * result.pow(3)
        case SIN -> A.mul(g, A.unary(UnaryOp.COS, v.input(0)));
        case COS -> A.mul(g, A.neg(A.unary(UnaryOp.SIN, v.input(0))));
        // PyTorch's kernels: tanh_backward g * (1 - y*y) with 1 - y*y rounded once; sigmoid_backward (g * (1 - y)) * y
        case TANH -> A.mul(g, A.unary(UnaryOp.ONE_MINUS_SQUARE, v.output(0)));
        case SIGMOID -> { T y = v.output(0); yield A.mul(A.mul(g, A.rsub(1, y)), y); }
        case RELU -> A.maskedKeep(A.compare(BinaryOp.GT, v.output(0), A.scalarLike(0, g)), g);
        case RECIPROCAL -> { T y = v.output(0); yield A.mul(A.neg(g), A.mul(y, y)); }
        case SIGN, FLOOR, CEIL, ROUND -> A.zeros(v.inType(0));
        case GELU -> A.op(GeluBackward.GELU_BACKWARD, Attrs.EMPTY, g, v.input(0));   // one op, as PyTorch's
        case ERF -> { T x = v.input(0); yield A.mul(A.mul(A.exp(A.neg(A.mul(x, x))), 1.12837916709551257390), g); }
        case LOG1P -> A.div(g, A.add(v.input(0), 1));
        case EXPM1 -> A.mul(g, A.add(v.output(0), 1));
        case ONE_MINUS_SQUARE -> A.mul(g, A.mul(v.input(0), -2));
      };
      v.setGrad(0, r);
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  static final class Binary extends OpDef {
    final BinaryOp k;

    Binary(BinaryOp k) { super(k.name().toLowerCase()); this.k = k; }

    @Override public int arity() { return 2; }

    @Override public boolean differentiable(int i) { return !(k.isComparison() || k.isLogical()); }

    /** The dtype the kernel computes in, from the operands' dtypes and whether each is zero-dim. */
    static DType computeType(BinaryOp k, DType a, boolean a0, DType b, boolean b0) {
      DType p = DType.resultType(a, a0, b, b0);
      if (k == BinaryOp.DIV && !p.isFloatingPoint()) return DType.FLOAT32;
      if (k.isLogical()) return DType.BOOL;
      return p;
    }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      int[] shape = Shapes.broadcast(in[0].shape(), in[1].shape());
      DType c = computeType(k, in[0].dtype(), in[0].dim() == 0, in[1].dtype(), in[1].dim() == 0);
      boolean bool0 = in[0].dtype() == DType.BOOL, bool1 = in[1].dtype() == DType.BOOL;
      if (k == BinaryOp.SUB && bool0 && bool1)
        throw new TorchException("Subtraction, the `-` operator, with two bool tensors is not supported. "
            + "Use the `^` or `logical_xor()` operator instead.");
      if (k == BinaryOp.SUB && (bool0 || bool1))
        throw new TorchException("Subtraction, the `-` operator, with a bool tensor is not supported. "
            + "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
      if (k == BinaryOp.POW && bool0 && bool1) throw new TorchException("\"pow\" not implemented for 'Bool'");
      if (a.has("alpha") && !c.isFloatingPoint() && a.getDouble("alpha") != Math.rint(a.getDouble("alpha")))
        throw new TorchException("For integral input tensors, argument alpha must not be a floating point number.");
      boolean pred = k.isComparison() || k.isLogical();
      return one(TensorType.of(pred ? DType.BOOL : c, shape));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      DType c = computeType(k, in[0].dtype(), in[0].dim() == 0, in[1].dtype(), in[1].dim() == 0);
      NDArray other = in[1];
      if (a.has("alpha") && c == DType.FLOAT64)
        return one(DoublePointwise.addAlpha(in[0], in[1], k == BinaryOp.SUB ? -a.getDouble("alpha") : a.getDouble("alpha")));
      if (a.has("alpha") && c == DType.FLOAT32) return one(fusedAlpha(in[0], in[1], (float) (k == BinaryOp.SUB ? -a.getDouble("alpha") : a.getDouble("alpha"))));
      // integral add/sub with alpha: other * alpha first (in the compute dtype), then the op
      if (a.has("alpha")) other = Pointwise.binary(BinaryOp.MUL, other, NDArray.scalar(c, a.getDouble("alpha")), c);
      return one(Pointwise.binary(k, in[0], other, c));
    }

    /**
     * float32 {@code self + alpha * other} (sub: {@code -alpha}) rounded once, as PyTorch's CPU add kernel
     * ({@code vec::fmadd(other, alpha, self)}, and its scalar tail contracted into the same FMA).
     */
    private static NDArray fusedAlpha(NDArray self, NDArray other, float alpha) {
      int[] shape = Shapes.broadcast(self.shape(), other.shape());
      NDArray x = self.to(DType.FLOAT32), y = other.to(DType.FLOAT32);
      if (x.isContiguous() && y.isContiguous() && Arrays.equals(x.shape(), shape) && Arrays.equals(y.shape(), shape)) {
        // the common case (an optimiser's p.add_(d, alpha=-lr)): straight over the arrays
        NDArray out = NDArray.empty(DType.FLOAT32, shape);
        float[] o = out.floats(), xs = x.floats(), ys = y.floats();
        int xo = x.offset(), yo = y.offset();
        for (int i = 0; i < o.length; i++) o[i] = Math.fma(ys[yo + i], alpha, xs[xo + i]);
        return out;
      }
      x = x.view(shape, Shapes.broadcastStrides(x.shape(), x.strides(), shape), x.offset());
      y = y.view(shape, Shapes.broadcastStrides(y.shape(), y.strides(), shape), y.offset());
      NDArray out = NDArray.empty(DType.FLOAT32, shape);
      float[] o = out.floats();
      for (int i = 0; i < o.length; i++) o[i] = Math.fma((float) y.getDouble(i), alpha, (float) x.getDouble(i));
      return out;
    }

    @Override public boolean hasBody(Attrs a, TensorType... in) {
      if (in.length != 2 || !floatOrBool(in)) return false;
      if (a.has("alpha")) return false; // the fused multiply-add runs in eval, so compiled code rounds as eager does
      if (k.isLogical()) return in[0].dtype() == DType.BOOL && in[1].dtype() == DType.BOOL;
      return computeType(k, in[0].dtype(), in[0].dim() == 0, in[1].dtype(), in[1].dim() == 0) == DType.FLOAT32;
    }

    /** As the kernel (never called with {@code alpha}: see {@link #hasBody}). */
    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, List<E> in) {
      DType c = k.isLogical() ? DType.BOOL : DType.FLOAT32;
      E other = ops.castTo(in.get(1), c);
      if (a.has("alpha")) other = ops.mul(other, ops.f32(a.getDouble("alpha")));
      return ops.binary(k, ops.castTo(in.get(0), c), other);
    }

    /** The alpha of {@code add(other, alpha=...)}; 1 when absent. */
    static double alpha(Attrs a) { return a.getDouble("alpha", 1.0); }

    @Override public boolean savesInput(Attrs a, int i) {
      return switch (k) { case MUL, DIV, POW, MAXIMUM, MINIMUM -> true; default -> false; };
    }

    @Override public boolean savesOutput(Attrs a, int i) { return k == BinaryOp.POW; }

    @Override public String gradFnName(Attrs a) {
      return switch (k) {
        case POW -> "PowBackward1";
        default -> super.gradFnName(a);
      };
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T g = v.gradOut(0);
      int[] s0 = v.inShape(0), s1 = v.inShape(1);
      switch (k) {
        case ADD -> {
          v.setGrad(0, A.sumTo(g, s0));
          if (v.needsGrad(1)) v.setGrad(1, A.sumTo(alpha(v.attrs()) == 1 ? g : A.mul(g, alpha(v.attrs())), s1));
        }
        case SUB -> {
          v.setGrad(0, A.sumTo(g, s0));
          if (v.needsGrad(1)) v.setGrad(1, A.sumTo(alpha(v.attrs()) == 1 ? A.neg(g) : A.mul(A.neg(g), alpha(v.attrs())), s1));
        }
        case MUL -> {
          if (v.needsGrad(0)) v.setGrad(0, A.sumTo(A.mul(g, v.input(1)), s0));
          if (v.needsGrad(1)) v.setGrad(1, A.sumTo(A.mul(g, v.input(0)), s1));
        }
        case DIV -> {
          T b = v.input(1);
          if (v.needsGrad(0)) v.setGrad(0, A.sumTo(A.div(g, b), s0));
          // PyTorch's div_tensor_other_backward: -grad * ((self / other) / other)
          if (v.needsGrad(1)) v.setGrad(1, A.sumTo(A.mul(A.neg(g), A.div(A.div(v.input(0), b), b)), s1));
        }
        case POW -> {
          T x = v.input(0), e = v.input(1);
          T zero = A.scalarLike(0, g);
          if (v.needsGrad(0)) {
            T d = A.mul(A.mul(g, e), A.op(this, Attrs.EMPTY, x, A.sub(e, A.scalarLike(1, e))));
            v.setGrad(0, A.sumTo(A.where(A.compare(BinaryOp.EQ, e, zero), zero, d), s0));
          }
          if (v.needsGrad(1)) {
            T mask = A.op(binary(BinaryOp.LOGICAL_AND), Attrs.EMPTY, A.compare(BinaryOp.EQ, x, zero), A.compare(BinaryOp.GE, e, zero));
            T d = A.mul(g, A.where(mask, zero, A.mul(v.output(0), A.log(x))));
            v.setGrad(1, A.sumTo(d, s1));
          }
        }
        case MAXIMUM, MINIMUM -> {
          // PyTorch's where(self == other, grad / 2, grad).masked_fill_(self < other, 0) for maximum's self (> for
          // other, the reverse for minimum): a NaN on either side sends the gradient to both
          T x = v.input(0), y = v.input(1);
          T shared = A.where(A.compare(BinaryOp.EQ, x, y), A.div(g, A.scalarLike(2, g)), g);
          BinaryOp xLoses = k == BinaryOp.MAXIMUM ? BinaryOp.LT : BinaryOp.GT, yLoses = k == BinaryOp.MAXIMUM ? BinaryOp.GT : BinaryOp.LT;
          if (v.needsGrad(0)) v.setGrad(0, A.sumTo(A.where(A.compare(xLoses, x, y), A.scalarLike(0, g), shared), s0));
          if (v.needsGrad(1)) v.setGrad(1, A.sumTo(A.where(A.compare(yLoses, x, y), A.scalarLike(0, g), shared), s1));
        }
        case REMAINDER -> {
          v.setGrad(0, A.sumTo(g, s0));
          if (v.needsGrad(1)) throw new TorchException("the derivative for 'other' of remainder is not implemented");
        }
        default -> throw new TorchException(name() + " is not differentiable");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  /** True when a scalar attribute came from an integer (a Python int), not a float. */
  static boolean isIntegral(Attrs a, String name) {
    Object v = a.asMap().get(name);
    return v instanceof Long || v instanceof Integer;
  }

  /**
   * x ** p for a scalar p (PowBackward0). An integer p keeps an integer tensor's dtype (bool becomes int64);
   * a float p makes the result float32, as Python scalars promote in PyTorch.
   */
  static final class PowScalar extends OpDef {
    PowScalar() { super("pow_scalar"); }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }
    @Override public String gradFnName(Attrs a) { return "PowBackward0"; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      DType d = in[0].dtype();
      if (d.isFloatingPoint() || !isIntegral(a, "exponent")) return one(in[0].withDType(d.floatResult()));
      if (a.getLong("exponent") < 0) throw new TorchException("Integers to negative integer powers are not allowed.");
      return one(in[0].withDType(DType.INT64));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      TensorType t = infer(a, TensorType.of(in[0].dtype(), in[0].shape()))[0];
      if (t.dtype() == DType.INT64)
        return one(Pointwise.binary(BinaryOp.POW, in[0], NDArray.scalar(DType.INT64, a.getLong("exponent")), DType.INT64));
      if (t.dtype() == DType.FLOAT64) {
        double p = a.getDouble("exponent");
        return one(DoublePointwise.map(in[0], x -> DoublePointwise.pow(x, p)));
      }
      float pf = (float) a.getDouble("exponent");
      return one(Pointwise.map(in[0], x -> BinaryOp.pow(x, pf)));
    }

    @Override public boolean hasBody(Attrs a, TensorType... in) { return in.length == 1 && isFloat(in[0]); }

    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, List<E> in) {
      return ops.binary(BinaryOp.POW, in.get(0), ops.f32(a.getDouble("exponent")));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      double p = v.attrs().getDouble("exponent");
      if (p == 0) { v.setGrad(0, A.zeros(v.inType(0))); return; }
      T x = v.input(0);
      T d = p == 1 ? v.gradOut(0) : A.mul(v.gradOut(0), A.mul(A.pow(x, p - 1), p)); // PyTorch's grad * (p * x^(p-1))
      v.setGrad(0, d);
    }
  }

  /**
   * clamp(x, min, max) with scalar bounds, either of which may be absent (ClampBackward1). Integer bounds keep
   * an integer tensor integral (bool becomes int64); float bounds make it float32, as PyTorch promotes.
   */
  static final class Clamp extends OpDef {
    Clamp() { super("clamp"); }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }
    @Override public String gradFnName(Attrs a) { return "ClampBackward1"; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (!a.has("min") && !a.has("max")) throw new TorchException("torch.clamp: At least one of 'min' or 'max' must not be None");
      DType d = in[0].dtype();
      boolean floatBound = (a.has("min") && !isIntegral(a, "min")) || (a.has("max") && !isIntegral(a, "max"));
      return one(in[0].withDType(d.isFloatingPoint() || floatBound ? d.floatResult() : DType.INT64));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      DType out = infer(a, TensorType.of(in[0].dtype(), in[0].shape()))[0].dtype();
      if (out == DType.INT64) {
        NDArray x = in[0].to(DType.INT64);
        if (a.has("min")) x = Pointwise.binary(BinaryOp.MAXIMUM, x, NDArray.scalar(DType.INT64, a.getLong("min")), DType.INT64);
        if (a.has("max")) x = Pointwise.binary(BinaryOp.MINIMUM, x, NDArray.scalar(DType.INT64, a.getLong("max")), DType.INT64);
        return one(x == in[0] ? x.copy() : x);
      }
      if (out == DType.FLOAT64) {
        double lo = a.has("min") ? a.getDouble("min") : Double.NEGATIVE_INFINITY;
        double hi = a.has("max") ? a.getDouble("max") : Double.POSITIVE_INFINITY;
        return one(DoublePointwise.map(in[0], x -> {
          double y = x < lo ? lo : x;
          return y > hi ? hi : y;
        }));
      }
      float lo = a.has("min") ? (float) a.getDouble("min") : Float.NEGATIVE_INFINITY;
      float hi = a.has("max") ? (float) a.getDouble("max") : Float.POSITIVE_INFINITY;
      // comparisons, not Math.max/min: NaN and -0.0 pass through as in ATen; min > max gives max everywhere
      return one(Pointwise.map(in[0], x -> {
        float y = x < lo ? lo : x;
        return y > hi ? hi : y;
      }));
    }

    @Override public boolean hasBody(Attrs a, TensorType... in) { return in.length == 1 && isFloat(in[0]); }

    /** The kernel's comparisons, in its order: NaN passes through, min > max gives max. */
    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, List<E> in) {
      E y = in.get(0);
      if (a.has("min")) { E lo = ops.f32(a.getDouble("min")); y = ops.where(ops.binary(BinaryOp.LT, y, lo), lo, y); }
      if (a.has("max")) { E hi = ops.f32(a.getDouble("max")); y = ops.where(ops.binary(BinaryOp.GT, y, hi), hi, y); }
      return y;
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T x = v.input(0), g = v.gradOut(0);
      Attrs a = v.attrs();
      // PyTorch's clamp_backward: one where over (x >= min) and (x <= max)
      T keep = a.has("min") ? A.compare(BinaryOp.GE, x, A.scalarLike(a.getDouble("min"), x)) : null;
      if (a.has("max")) {
        T le = A.compare(BinaryOp.LE, x, A.scalarLike(a.getDouble("max"), x));
        keep = keep == null ? le : A.op(binary(BinaryOp.LOGICAL_AND), Attrs.EMPTY, keep, le);
      }
      v.setGrad(0, A.maskedKeep(keep, g));
    }
  }

  /** where(cond, a, b); cond is bool (WhereBackward0). */
  static final class Where extends OpDef {
    Where() { super("where"); }

    @Override public int arity() { return 3; }
    @Override public boolean differentiable(int i) { return i > 0; }
    @Override public boolean savesInput(Attrs a, int i) { return i == 0; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (in[0].dtype() != DType.BOOL)
        throw new TorchException("where expected condition to be a boolean tensor, but got a tensor with dtype " + in[0].dtype().legacyName());
      int[] shape = Shapes.broadcast(in[0].shape(), in[1].shape(), in[2].shape());
      return one(TensorType.of(DType.resultType(in[1].dtype(), in[1].dim() == 0, in[2].dtype(), in[2].dim() == 0), shape));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return one(Pointwise.where(in[0], in[1], in[2], DType.resultType(in[1].dtype(), in[1].dim() == 0, in[2].dtype(), in[2].dim() == 0)));
    }

    @Override public boolean hasBody(Attrs a, TensorType... in) {
      return in.length == 3 && in[0].dtype() == DType.BOOL && floatOrBool(in);
    }

    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, List<E> in) {
      DType d = DType.promote(ops.dtype(in.get(1)), ops.dtype(in.get(2)));
      return ops.where(in.get(0), ops.castTo(in.get(1), d), ops.castTo(in.get(2), d));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T c = v.input(0), g = v.gradOut(0), zero = A.scalarLike(0, g);
      if (v.needsGrad(1)) v.setGrad(1, A.sumTo(A.where(c, g, zero), v.inShape(1)));
      if (v.needsGrad(2)) v.setGrad(2, A.sumTo(A.where(c, zero, g), v.inShape(2)));
    }
  }

  /** Conversion to another dtype (ToCopyBackward0). */
  static final class Cast extends OpDef {
    Cast() { super("cast"); }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public String gradFnName(Attrs a) { return "ToCopyBackward0"; }
    @Override public TensorType[] infer(Attrs a, TensorType... in) { checkArity(in); return one(in[0].withDType(a.getDType("dtype"))); }
    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      NDArray r = in[0].to(a.getDType("dtype"));
      return one(r == in[0] ? r.copy() : r);
    }

    @Override public boolean hasBody(Attrs a, TensorType... in) {
      return in.length == 1 && floatOrBool(in[0], in[0].withDType(a.getDType("dtype")));
    }

    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, List<E> in) { return ops.castTo(in.get(0), a.getDType("dtype")); }

    @Override public <T> void vjp(Vjp<T> v) {
      if (v.inType(0).dtype().isFloatingPoint()) v.setGrad(0, v.alg().cast(v.gradOut(0), v.inType(0).dtype()));
    }
  }

  /** leaky_relu(x, negative_slope) (LeakyReluBackward0). */
  static final class LeakyRelu extends OpDef {
    LeakyRelu() { super("leaky_relu"); }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }
    @Override public TensorType[] infer(Attrs a, TensorType... in) { checkArity(in); return one(in[0].withDType(in[0].dtype().floatResult())); }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      if (in[0].dtype() == DType.FLOAT64) {
        double d = a.getDouble("negative_slope");
        return one(DoublePointwise.map(in[0], x -> x > 0 ? x : x * d));
      }
      float s = (float) a.getDouble("negative_slope");
      return one(Pointwise.map(in[0], x -> x > 0 ? x : x * s));
    }

    @Override public boolean hasBody(Attrs a, TensorType... in) { return in.length == 1 && isFloat(in[0]); }

    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, List<E> in) {
      E x = in.get(0);
      return ops.where(ops.binary(BinaryOp.GT, x, ops.f32(0)), x, ops.mul(x, ops.f32(a.getDouble("negative_slope"))));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T x = v.input(0), g = v.gradOut(0);
      v.setGrad(0, A.where(A.compare(BinaryOp.GT, x, A.scalarLike(0, x)), g, A.mul(g, v.attrs().getDouble("negative_slope"))));
    }
  }
}
