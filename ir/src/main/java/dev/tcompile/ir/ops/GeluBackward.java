package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Algebra;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.PointwiseOps;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.DoublePointwise;
import dev.tcompile.runtime.kernels.Pointwise;
import java.util.List;

/**
 * {@code gelu_backward(grad, x)}: the exact (erf) GELU's derivative times the incoming gradient,
 * {@code grad * (cdf(x) + x * pdf(x))}, one op as in PyTorch (its node under create_graph is
 * GeluBackwardBackward0). float32 runs in one pass of the runtime's float lanes, alone or in a fused loop (the
 * {@link BinaryOp#GELU_BACKWARD} body); float64 is ATen's double formula. Its own derivative is derivatives.yaml's,
 * so double backward works: grad's is gelu_backward again, x's is PyTorch's gelu_double_backward.
 */
public final class GeluBackward {
  private GeluBackward() {}

  /** M_2_SQRTPI * M_SQRT1_2 * 0.5: the normal density's factor. */
  static final double K_BETA = 0.39894228040143267794;

  public static final OpDef GELU_BACKWARD = new OpDef("gelu_backward") {
    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }

    /** The broadcast shape of grad and x, in their promoted dtype, which must be floating point. */
    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      DType d = DType.promote(in[0].dtype(), in[1].dtype());
      if (!d.isFloatingPoint()) throw new TorchException("\"GeluBackwardKernelImpl\" not implemented for '" + d.legacyName() + "'");
      return Elementwise.one(TensorType.of(d, Shapes.broadcast(in[0].shape(), in[1].shape())));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      DType d = infer(a, TensorType.of(in[0].dtype(), in[0].shape()), TensorType.of(in[1].dtype(), in[1].shape()))[0].dtype();
      if (d == DType.FLOAT64) return Elementwise.one(DoublePointwise.geluBackward(in[0].to(d), in[1].to(d)));
      return Elementwise.one(Pointwise.geluBackward(in[0].to(d), in[1].to(d)));
    }

    @Override public boolean hasBody(Attrs a, TensorType... in) {
      return in.length == 2 && in[0].dtype() == DType.FLOAT32 && in[1].dtype() == DType.FLOAT32;
    }

    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, List<E> in) {
      return ops.binary(BinaryOp.GELU_BACKWARD, in.get(0), in.get(1));
    }

    /**
     * derivatives.yaml: grad_output's is {@code gelu_backward(gg, x)}; x's is gelu_double_backward,
     * {@code gg * g * (2 pdf - x^2 pdf)} with {@code pdf = kBeta * exp(-0.5 x^2)}, in PyTorch's order of operations.
     */
    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T gg = v.gradOut(0), g = v.input(0), x = v.input(1);
      if (v.needsGrad(0)) v.setGrad(0, A.sumTo(A.op(this, Attrs.EMPTY, gg, x), v.inShape(0)));
      if (v.needsGrad(1)) {
        T sq = A.mul(x, x);
        T pdf = A.mul(A.exp(A.mul(sq, -0.5)), K_BETA);
        T dgrad = A.sub(A.mul(pdf, 2), A.mul(sq, pdf));
        v.setGrad(1, A.sumTo(A.mul(A.mul(gg, g), dgrad), v.inShape(1)));
      }
    }
  };
}
