package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.kernels.Losses;
import dev.tcompile.runtime.kernels.NllLogSoftmaxBackward;

/** Loss kernels the compiler forms from several ops after autodiff; they have no derivative of their own. */
public final class FusedLosses {
  private FusedLosses() {}

  /**
   * {@code nll_log_softmax_backward(g, target, logp) {reduction, ignore_index}}: what
   * {@code log_softmax_backward(nll_loss_backward(g, target), logp)} computes, in one pass, bit for bit.
   */
  public static final OpDef NLL_LOG_SOFTMAX_BACKWARD = new NllLogSoftmaxBackwardOp();

  static final class NllLogSoftmaxBackwardOp extends OpDef {
    NllLogSoftmaxBackwardOp() { super("nll_log_softmax_backward"); }

    @Override public int arity() { return 3; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      Losses.Reduction r = LossFunctions.reduction(a);
      if (r == Losses.Reduction.NONE || in[0].numel() != 1 || in[0].dtype() != DType.FLOAT32 || in[1].dtype() != DType.INT64
          || in[1].dim() != 1 || in[2].dim() != 2 || in[2].dtype() != DType.FLOAT32 || in[1].size(0) != in[2].size(0))
        throw new TorchException("nll_log_softmax_backward: expected a 0-d float gradient, [N] int64 targets and [N, C] float"
            + " log-probabilities with mean or sum reduction, got " + in[0] + ", " + in[1] + ", " + in[2]);
      a.getLong("ignore_index");
      return Elementwise.one(in[2]);
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) { return evalInto(a, new NDArray[1], in); }

    @Override public boolean writesInto() { return true; }

    @Override public NDArray[] evalInto(Attrs a, NDArray[] out, NDArray... in) {
      return Elementwise.one(NllLogSoftmaxBackward.run(in[0], in[1], in[2], LossFunctions.reduction(a), a.getLong("ignore_index"), out[0]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      throw new TorchException("nll_log_softmax_backward has no derivative: it is formed after autodiff (shapes "
          + Shapes.str(v.inShape(2)) + ")");
    }
  }
}
