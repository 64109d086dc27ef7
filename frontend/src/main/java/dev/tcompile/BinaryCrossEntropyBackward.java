package dev.tcompile;

import java.util.ArrayList;
import java.util.List;

/**
 * binary_cross_entropy's input derivative as PyTorch records it under create_graph: one
 * {@code BinaryCrossEntropyBackwardBackward0} node, {@code binary_cross_entropy_backward(grad, self, target, weight)},
 * with edges to the incoming gradient, the input and the target (the weight is no differentiable argument). Its own
 * derivatives are FunctionsManual's binary_cross_entropy double backwards, with their eps of 1e-12:
 * grad_output: {@code w (x - t) / ((x + eps)(1 - x + eps)) gg} (summed, and over the count for mean, when reduced);
 * self: {@code w (x^2 - 2 x t + t) / ((x + eps)^2 (1 - x + eps)^2) gg grad}; target: {@code -w gg grad / ((x + eps)(1 - x
 * + eps))} (both over the count for mean). The first derivative's value is the rule's (LossFunctions' bce vjp).
 */
final class BinaryCrossEntropyBackward extends GradFn {
  private static final double EPS = 1e-12;

  private final SavedTensor grad, input, target, weight;
  private final String reduction;

  private BinaryCrossEntropyBackward(Tensor grad, Tensor input, Tensor target, Tensor weight, String reduction) {
    super(new Edge[]{grad.gradEdge(), input.gradEdge(), target.gradEdge()});
    this.grad = new SavedTensor(grad);
    this.input = new SavedTensor(input);
    this.target = new SavedTensor(target);
    this.weight = weight == null ? null : new SavedTensor(weight);
    this.reduction = reduction;
  }

  /** Gives {@code value} (the rule's input gradient) this node as its history when one of its inputs needs it. */
  static Tensor attach(Tensor value, Tensor grad, Tensor input, Tensor target, Tensor weight, String reduction) {
    if (value != null && (grad.requiresGrad() || input.requiresGrad() || target.requiresGrad()))
      value.setHistory(new BinaryCrossEntropyBackward(grad, input, target, weight, reduction), 0);
    return value;
  }

  @Override public String name() { return "BinaryCrossEntropyBackwardBackward0"; }

  @Override int numOutputs() { return 1; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    Tensor gg = gradOutputs.get(0);
    List<Tensor> out = new ArrayList<>(3);
    if (gg == null) {
      for (int i = 0; i < 3; i++) out.add(null);
      return out;
    }
    Tensor g = grad.unpack(), x = input.unpack(), t = target.unpack(), w = weight == null ? null : weight.unpack();
    Tensor xEps = x.add(EPS), oneMinusXEps = x.rsub(1L).add(EPS);
    Tensor dg = null, dx = null, dt = null;
    if (needed[0]) {
      dg = x.sub(t).div(xEps.mul(oneMinusXEps)).mul(gg);
      if (w != null) dg = dg.mul(w);
      if (!reduction.equals("none")) dg = dg.sum();
      if (reduction.equals("mean")) dg = dg.div(x.numel());
    }
    if (needed[1]) {
      dx = x.mul(x).sub(x.mul(t).mul(2L)).add(t).div(xEps.pow(2L).mul(oneMinusXEps.pow(2L))).mul(gg.mul(g));
      dx = weightedMean(dx, w, x);
    }
    if (needed[2]) dt = weightedMean(gg.mul(g).neg().div(xEps.mul(oneMinusXEps)), w, x);
    out.add(dg);
    out.add(dx);
    out.add(dt);
    return out;
  }

  private Tensor weightedMean(Tensor r, Tensor w, Tensor like) {
    if (w != null) r = r.mul(w);
    return reduction.equals("mean") ? r.div(like.numel()) : r;
  }

  @Override void release() {
    grad.release();
    input.release();
    target.release();
    if (weight != null) weight.release();
  }
}
