package dev.tcompile;

import java.util.ArrayList;
import java.util.List;

/**
 * mse_loss's first derivative as PyTorch records it under create_graph: one {@code MseLossBackwardBackward0} node
 * {@code mse_loss_backward(grad, a, b)} = {@code 2 (a - b) grad} (over the element count for mean) with edges to the
 * incoming gradient, a and b. The input's gradient is {@code mse_loss_backward(grad, self, target)}, the target's
 * {@code mse_loss_backward(grad, target, self)} (derivatives.yaml). The node's own derivatives are FunctionsManual's
 * {@code mse_loss_double_backward_grad_output} and {@code mse_loss_double_backward}. Values come from the rule
 * (LossFunctions' mse vjp), computed the same way as without create_graph.
 */
final class MseLossBackward extends GradFn {
  private final SavedTensor grad, a, b;
  private final String reduction;

  private MseLossBackward(Tensor grad, Tensor a, Tensor b, String reduction) {
    super(new Edge[]{grad.gradEdge(), a.gradEdge(), b.gradEdge()});
    this.grad = new SavedTensor(grad);
    this.a = new SavedTensor(a);
    this.b = new SavedTensor(b);
    this.reduction = reduction;
  }

  /** Gives {@code value} (the rule's mse_loss_backward(grad, a, b)) this node as its history when one input needs it. */
  static Tensor attach(Tensor value, Tensor grad, Tensor a, Tensor b, String reduction) {
    if (value != null && (grad.requiresGrad() || a.requiresGrad() || b.requiresGrad()))
      value.setHistory(new MseLossBackward(grad, a, b, reduction), 0);
    return value;
  }

  /** {@code mse_loss_backward(grad, a, b, reduction)}, recorded as this node when grad mode is on. */
  static Tensor apply(Tensor grad, Tensor a, Tensor b, String reduction) {
    Tensor r;
    try (GradGuard off = Torch.noGrad()) {
      r = a.sub(b).mul(2.0).mul(spread(grad, a, reduction));
    }
    return GradMode.isEnabled() ? attach(r, grad, a, b, reduction) : r;
  }

  /** The loss's gradient over the elements: itself for none, expanded (and over the count for mean) otherwise. */
  private static Tensor spread(Tensor grad, Tensor like, String reduction) {
    return switch (reduction) {
      case "none" -> grad;
      case "sum" -> grad.expand(like.shapeArray());
      default -> grad.mul(1.0 / like.numel()).expand(like.shapeArray());
    };
  }

  @Override public String name() { return "MseLossBackwardBackward0"; }

  @Override int numOutputs() { return 1; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    Tensor gg = gradOutputs.get(0);
    List<Tensor> out = new ArrayList<>(3);
    if (gg == null) {
      for (int i = 0; i < 3; i++) out.add(null);
      return out;
    }
    Tensor g = grad.unpack(), x = a.unpack(), t = b.unpack();
    // mse_loss_double_backward_grad_output: the backward again for none, else (backward of ones * gg).sum()
    out.add(!needed[0] ? null : reduction.equals("none") ? apply(gg, x, t, reduction)
        : apply(Torch.onesLike(g), x, t, reduction).mul(gg).sum());
    // mse_loss_double_backward(gg * grad, a): 2 gg grad, over the count for mean; b's is its negation
    Tensor d = needed[1] || needed[2] ? doubleBackward(gg.mul(g), x) : null;
    out.add(needed[1] ? d : null);
    out.add(needed[2] ? d.neg() : null);
    return out;
  }

  private Tensor doubleBackward(Tensor gradTimesGrad, Tensor like) {
    Tensor r = gradTimesGrad.mul(2L);
    return reduction.equals("mean") ? r.div(like.numel()) : r;
  }

  @Override void release() {
    grad.release();
    a.release();
    b.release();
  }
}
