package dev.tcompile.ir;

import dev.tcompile.DType;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.ir.ops.LinearAlgebra;
import dev.tcompile.ir.ops.Reductions;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.util.Arrays;
import java.util.List;

/**
 * What a derivative rule may do to values: apply ops. Two implementations exist — eager tensors (the
 * autograd engine) and IR graph builders (the autodiff pass) — so every rule is written once (JAX's way).
 * The helpers below are shorthand for {@link #apply}; none computes anything itself.
 */
public abstract class Algebra<T> {

  /** Applies {@code op} to {@code inputs}, returning its outputs. */
  public abstract List<T> apply(OpDef op, Attrs attrs, List<T> inputs);

  /** The static type of a value. */
  public abstract TensorType type(T x);

  /**
   * Whether {@code x}, a matrix, is stored column-major (PyTorch's test {@code strides[0] == 1 && strides[1] ==
   * sizes[0]}), as far as this algebra knows its layout: the matrix products' backward computes such an input's
   * gradient transposed, as PyTorch's mm_mat1_backward / mm_mat2_backward do. Unknown layouts answer false.
   */
  public boolean columnMajor(T x) { return false; }

  /** Whether {@code strides} of a matrix of {@code shape} are column-major by PyTorch's test. */
  public static boolean columnMajor(int[] shape, int[] strides) {
    return shape.length == 2 && strides != null && strides[0] == 1 && strides[1] == shape[0];
  }

  /** A constant holding {@code data}. */
  public abstract T constant(dev.tcompile.runtime.NDArray data);

  /** A 0-d constant. */
  public T scalar(double v, DType dtype) { return constant(dev.tcompile.runtime.NDArray.scalar(dtype, v)); }

  @SafeVarargs
  public final T op(OpDef op, Attrs attrs, T... in) { return apply(op, attrs, Arrays.asList(in)).get(0); }

  public final int[] shape(T x) { return type(x).shape(); }

  public final T scalarLike(double v, T like) { return scalar(v, type(like).dtype()); }

  public final T zeros(TensorType t) { return full(0, t); }

  public final T full(double v, TensorType t) {
    return op(dev.tcompile.ir.ops.Creation.FULL, Attrs.of("shape", t.shape(), "value", v, "dtype", t.dtype()));
  }

  // ---- elementwise ----
  public final T add(T a, T b) { return op(Elementwise.binary(BinaryOp.ADD), Attrs.EMPTY, a, b); }
  public final T sub(T a, T b) { return op(Elementwise.binary(BinaryOp.SUB), Attrs.EMPTY, a, b); }
  public final T mul(T a, T b) { return op(Elementwise.binary(BinaryOp.MUL), Attrs.EMPTY, a, b); }
  public final T div(T a, T b) { return op(Elementwise.binary(BinaryOp.DIV), Attrs.EMPTY, a, b); }
  public final T add(T a, double b) { return add(a, scalarLike(b, a)); }
  public final T mul(T a, double b) { return mul(a, scalarLike(b, a)); }
  public final T rsub(double a, T b) { return sub(scalarLike(a, b), b); }
  public final T pow(T a, double p) { return op(Elementwise.POW_SCALAR, Attrs.of("exponent", p), a); }
  public final T unary(UnaryOp k, T a) { return op(Elementwise.unary(k), Attrs.EMPTY, a); }
  public final T neg(T a) { return unary(UnaryOp.NEG, a); }
  public final T exp(T a) { return unary(UnaryOp.EXP, a); }
  public final T log(T a) { return unary(UnaryOp.LOG, a); }
  public final T sign(T a) { return unary(UnaryOp.SIGN, a); }
  public final T abs(T a) { return unary(UnaryOp.ABS, a); }
  public final T compare(BinaryOp k, T a, T b) { return op(Elementwise.binary(k), Attrs.EMPTY, a, b); }
  public final T where(T cond, T a, T b) { return op(Elementwise.WHERE, Attrs.EMPTY, cond, a, b); }
  public final T cast(T a, DType d) { return type(a).dtype() == d ? a : op(Elementwise.CAST, Attrs.of("dtype", d), a); }

  /** {@code g} where {@code mask} holds, else 0. */
  public final T maskedKeep(T mask, T g) { return where(mask, g, scalarLike(0, g)); }

  // ---- shapes ----
  public final T reshape(T a, int... shape) {
    return Arrays.equals(shape(a), shape) ? a : op(Views.RESHAPE, Attrs.of("shape", shape), a);
  }

  public final T expand(T a, int... shape) {
    return Arrays.equals(shape(a), shape) ? a : op(Views.EXPAND, Attrs.of("shape", shape), a);
  }

  public final T permute(T a, int... dims) { return op(Views.PERMUTE, Attrs.of("dims", dims), a); }

  /** Swaps the last two dims. */
  public final T mT(T a) {
    int n = shape(a).length;
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    p[n - 1] = n - 2;
    p[n - 2] = n - 1;
    return permute(a, p);
  }

  public final T sum(T a, int[] dims, boolean keepdim) {
    return op(Reductions.SUM, Attrs.of("dims", dims, "keepdim", keepdim), a);
  }

  /** Sums a broadcast gradient back down to {@code shape} (the reverse of broadcasting). */
  public final T sumTo(T g, int[] shape) {
    int[] gs = shape(g);
    if (Arrays.equals(gs, shape)) return g;
    int lead = gs.length - shape.length;
    int n = 0;
    int[] dims = new int[gs.length];
    for (int i = 0; i < gs.length; i++) {
      if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) dims[n++] = i;
    }
    T s = n == 0 ? g : sum(g, Arrays.copyOf(dims, n), true);
    return reshape(s, shape);
  }

  /**
   * A reduced gradient brought back to the input's shape: re-insert reduced dims, then expand. A 0-d gradient (a
   * full reduction) expands directly, as PyTorch's {@code grad.expand(sizes)} does.
   */
  public final T unreduce(T g, int[] inShape, boolean[] reducedMask, boolean keepdim) {
    if (!keepdim && shape(g).length > 0) {
      int[] kept = new int[inShape.length];
      for (int i = 0; i < inShape.length; i++) kept[i] = reducedMask[i] ? 1 : inShape[i];
      g = reshape(g, kept);
    }
    return expand(g, inShape);
  }

  public final T mm(T a, T b) { return op(LinearAlgebra.MM, Attrs.EMPTY, a, b); }
  public final T bmm(T a, T b) { return op(LinearAlgebra.BMM, Attrs.EMPTY, a, b); }
}
