package dev.tcompile;

import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.ops.GeluTanh;
import java.util.ArrayList;
import java.util.List;

/**
 * gelu(approximate='tanh')'s first derivative as PyTorch records it under create_graph: one {@code GeluBackwardBackward0}
 * node, {@code gelu_backward(grad, self, 'tanh')}, with edges to the incoming gradient and the input. Its derivatives
 * (derivatives.yaml): grad_output {@code gelu_backward(grad, self)} again, self {@code grad * grad_output * gelu''(self)}
 * with gelu'' = (1 - t^2) (u' + x (u'' - 2 t u'^2) / 2), t = tanh(u), u = beta (x + kappa x^3). The first derivative's
 * value is the rule's (GeluTanh's vjp), computed op for op the same way.
 */
final class GeluTanhBackward extends GradFn {
  private static final double BETA = Math.sqrt(2) * (2 / Math.sqrt(Math.PI)) * 0.5, KAPPA = 0.044715;

  private final SavedTensor grad, input;

  private GeluTanhBackward(Tensor grad, Tensor input) {
    super(new Edge[]{grad.gradEdge(), input.gradEdge()});
    this.grad = new SavedTensor(grad);
    this.input = new SavedTensor(input);
  }

  static boolean isGeluTanh(OpDef op) { return op == GeluTanh.GELU_TANH; }

  /** Gives {@code value} (the rule's gelu_backward(grad, x)) this node as its history when grad or x needs it. */
  static Tensor attach(Tensor value, Tensor grad, Tensor x) {
    if (value != null && (grad.requiresGrad() || x.requiresGrad())) value.setHistory(new GeluTanhBackward(grad, x), 0);
    return value;
  }

  /** {@code gelu_backward(g, x, 'tanh')} as GeluTanh's rule computes it, recorded as this node when grad mode is on. */
  static Tensor apply(Tensor g, Tensor x) {
    Tensor r;
    try (GradGuard off = Torch.noGrad()) {
      Tensor x2 = x.mul(x);
      Tensor t = x.add(x2.mul(x).mul(KAPPA)).mul(BETA).tanh();
      Tensor left = t.add(1.0).mul(0.5);
      Tensor right = x.mul(0.5).mul(t.mul(t).rsub(1.0)).mul(x2.mul(3 * KAPPA).add(1.0).mul(BETA));
      r = g.mul(left.add(right));
    }
    return GradMode.isEnabled() ? attach(r, g, x) : r;
  }

  @Override public String name() { return "GeluBackwardBackward0"; }

  @Override int numOutputs() { return 1; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    Tensor gg = gradOutputs.get(0);
    List<Tensor> out = new ArrayList<>(2);
    if (gg == null) {
      out.add(null);
      out.add(null);
      return out;
    }
    Tensor g = grad.unpack(), x = input.unpack();
    out.add(needed[0] ? apply(gg, x) : null);
    Tensor dx = null;
    if (needed[1]) {
      Tensor x2 = x.mul(x);
      Tensor t = x.add(x2.mul(x).mul(KAPPA)).mul(BETA).tanh();
      Tensor du = x2.mul(3 * KAPPA).add(1.0).mul(BETA);      // u'
      Tensor ddu = x.mul(6 * KAPPA * BETA);                   // u''
      Tensor second = t.mul(t).rsub(1.0).mul(du.add(x.mul(0.5).mul(ddu.sub(t.mul(du.mul(du)).mul(2L)))));
      dx = gg.mul(g).mul(second);
    }
    out.add(dx);
    return out;
  }

  @Override void release() {
    grad.release();
    input.release();
  }
}
