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
import dev.tcompile.runtime.kernels.Softmax;

/** softmax / log_softmax along a dim, and their backward ops (which are differentiable again). */
public final class Activations {
  private Activations() {}

  public static final OpDef SOFTMAX = new Forward("softmax", false), LOG_SOFTMAX = new Forward("log_softmax", true),
      SOFTMAX_BACKWARD = new Backward("softmax_backward", false), LOG_SOFTMAX_BACKWARD = new Backward("log_softmax_backward", true);

  /** The softmax dim; a 0-d tensor accepts 0 and -1, like any dim argument. */
  static int dim(Attrs a, int nd) { return Shapes.wrapDim(a.getInt("dim"), nd); }

  static final class Forward extends OpDef {
    final boolean log;

    Forward(String name, boolean log) { super(name); this.log = log; }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesOutput(Attrs a, int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      dim(a, in[0].dim());
      if (!in[0].dtype().isFloatingPoint())
        throw new TorchException("\"" + (log ? "log_softmax_lastdim_kernel_impl" : "softmax_lastdim_kernel_impl") + "\" not implemented for '" + in[0].dtype().legacyName() + "'");
      return Elementwise.one(in[0]);
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(Softmax.forward(in[0], dim(a, in[0].dim()), log));
    }

    @Override public boolean writesInto() { return true; }

    @Override public NDArray[] evalInto(Attrs a, NDArray[] out, NDArray... in) {
      return Elementwise.one(Softmax.forward(in[0], dim(a, in[0].dim()), log, out[0]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      v.setGrad(0, v.alg().op(log ? LOG_SOFTMAX_BACKWARD : SOFTMAX_BACKWARD, v.attrs(), v.gradOut(0), v.output(0)));
    }
  }

  /** Inputs (g, y): the incoming gradient and the forward output. */
  static final class Backward extends OpDef {
    final boolean log;

    Backward(String name, boolean log) { super(name); this.log = log; }

    /** PyTorch's names: the ops are {@code _softmax_backward_data} and {@code _log_softmax_backward_data}. */
    @Override public String gradFnName(Attrs a) { return log ? "LogSoftmaxBackwardDataBackward0" : "SoftmaxBackwardDataBackward0"; }

    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      return Elementwise.one(in[1]);
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(Softmax.backward(in[0], in[1], dim(a, in[1].dim()), log));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      // written in primitives, so higher derivatives need no further backward op
      Algebra<T> A = v.alg();
      int d = dim(v.attrs(), v.inType(1).dim());
      T g = v.input(0), y = v.input(1), gg = v.gradOut(0);
      int[] dims = {d};
      if (log) {
        T e = A.exp(y);
        T sg = A.sum(g, dims, true);
        if (v.needsGrad(0)) v.setGrad(0, A.sub(gg, A.sum(A.mul(gg, e), dims, true)));
        if (v.needsGrad(1)) v.setGrad(1, A.neg(A.mul(A.mul(gg, e), sg)));
      } else {
        T gy = A.sum(A.mul(g, y), dims, true);
        T ggy = A.sum(A.mul(gg, y), dims, true);
        if (v.needsGrad(0)) v.setGrad(0, A.mul(y, A.sub(gg, ggy)));
        if (v.needsGrad(1)) v.setGrad(1, A.sub(A.mul(gg, A.sub(g, gy)), A.mul(g, ggy)));
      }
    }
  }
}
