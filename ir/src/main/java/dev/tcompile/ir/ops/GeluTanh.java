package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.ir.Algebra;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.PointwiseOps;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.kernels.Pointwise;
import dev.tcompile.runtime.kernels.UnaryOp;

/**
 * {@code gelu(x, approximate='tanh')}: {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, one op with
 * PyTorch's node name (GeluBackward0) and its float arithmetic; the exact gelu is the unary op {@code gelu}.
 */
public final class GeluTanh {
  private GeluTanh() {}

  static final double BETA = Math.sqrt(2) * (2 / Math.sqrt(Math.PI)) * 0.5, KAPPA = 0.044715;

  public static final OpDef GELU_TANH = new OpDef("gelu_tanh") {
    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }
    @Override public String gradFnName(Attrs a) { return "GeluBackward0"; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      return Elementwise.one(in[0].withDType(in[0].dtype().floatResult()));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      if (in[0].dtype() == DType.FLOAT64)
        return Elementwise.one(dev.tcompile.runtime.kernels.DoublePointwise.map(in[0], x -> 0.5 * x * (1 + Math.tanh(BETA * (x + KAPPA * (x * x * x))))));
      float beta = (float) BETA, kappa = (float) KAPPA;
      // tanh through the runtime's vector tanh, as the fused body computes it: eager and fused give the same bits
      // (a 1-ulp difference in tanh grows to several ulps of the result where 1 + tanh cancels)
      NDArray t = Pointwise.unary(UnaryOp.TANH, Pointwise.map(in[0], x -> beta * (x + kappa * (x * x * x))));
      return Elementwise.one(Pointwise.zip(in[0], t, (x, tx) -> 0.5f * x * (1f + tx)));
    }

    @Override public boolean hasBody(Attrs a, TensorType... in) { return in.length == 1 && in[0].dtype() == DType.FLOAT32; }

    /** The kernel's float expression, operation for operation. */
    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, java.util.List<E> in) {
      E x = in.get(0);
      E cube = ops.mul(ops.mul(x, x), x);
      E inner = ops.mul(ops.f32((float) BETA), ops.add(x, ops.mul(ops.f32((float) KAPPA), cube)));
      E t = ops.unary(UnaryOp.TANH, inner);
      return ops.mul(ops.mul(ops.f32(0.5), x), ops.add(ops.f32(1), t));
    }

    /** {@code g * (0.5 (1 + t) + 0.5 x (1 - t^2) beta (1 + 3 kappa x^2))} with {@code t} the tanh above. */
    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T x = v.input(0), x2 = A.mul(x, x);
      T t = A.unary(UnaryOp.TANH, A.mul(A.add(x, A.mul(A.mul(x2, x), KAPPA)), BETA));
      T left = A.mul(A.add(t, 1), 0.5);
      T right = A.mul(A.mul(A.mul(x, 0.5), A.rsub(1, A.mul(t, t))), A.mul(A.add(A.mul(x2, 3 * KAPPA), 1), BETA));
      v.setGrad(0, A.mul(v.gradOut(0), A.add(left, right)));
    }
  };
}
