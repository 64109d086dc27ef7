package dev.tcompile;

import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.runtime.kernels.BinaryOp;
import java.util.ArrayList;
import java.util.List;

/**
 * leaky_relu's first derivative as PyTorch records it under create_graph: one {@code LeakyReluBackwardBackward0} node
 * with edges to the incoming gradient and to the input, whose own derivatives are derivatives.yaml's
 * ({@code grad_output: leaky_relu_backward(grad, self, negative_slope)}, {@code self: zeros_like(grad)}). Written as
 * the rule's {@code where}, the gradient would depend on the input only through a comparison and come out with no
 * history, so differentiating it again raised "does not require grad" where PyTorch gives zeros.
 */
final class LeakyReluBackward extends GradFn {
  private final SavedTensor input;
  private final double slope;

  private LeakyReluBackward(Tensor g, Tensor x, double slope) {
    super(new Edge[]{g.gradEdge(), x.gradEdge()});
    this.input = new SavedTensor(x);
    this.slope = slope;
  }

  static boolean isLeakyRelu(dev.tcompile.ir.OpDef op) { return op == Elementwise.LEAKY_RELU; }

  /** {@code leaky_relu_backward(g, x, slope)}: g where x > 0, else g * slope; recorded as one node when grad mode is on. */
  static Tensor apply(Tensor g, Tensor x, double slope) {
    Tensor r;
    try (GradGuard off = Torch.noGrad()) {
      EagerAlgebra a = EagerAlgebra.INSTANCE;
      r = a.where(a.compare(BinaryOp.GT, x, a.scalarLike(0, x)), g, a.mul(g, slope));
    }
    if (GradMode.isEnabled() && (g.requiresGrad() || x.requiresGrad())) r.setHistory(new LeakyReluBackward(g, x, slope), 0);
    return r;
  }

  @Override public String name() { return "LeakyReluBackwardBackward0"; }

  @Override int numOutputs() { return 1; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    Tensor gg = gradOutputs.get(0);
    List<Tensor> out = new ArrayList<>(2);
    Tensor x = input.unpack();
    out.add(gg != null && needed[0] ? apply(gg, x, slope) : null);
    out.add(gg != null && needed[1] ? Torch.zerosLike(gg) : null);
    return out;
  }

  @Override void release() { input.release(); }
}
