package dev.tcompile;

import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.util.ArrayList;
import java.util.List;

/**
 * The first derivatives of tanh, sigmoid and relu as PyTorch records them under create_graph: one node each
 * ({@code TanhBackwardBackward0}, {@code SigmoidBackwardBackward0}, {@code ThresholdBackwardBackward0}, PyTorch's
 * {@code tanh_backward}, {@code sigmoid_backward}, {@code threshold_backward} kernels) instead of the composite of
 * muls and subs the op's derivative rule is written in. Values are the rule's, computed the same way; the
 * node's own derivatives are derivatives.yaml's. Only eager autograd goes through here; compiled graphs keep the
 * rule's ops. (The exact GELU's derivative needs no such node: it is an IR op of its own, gelu_backward, recorded
 * as GeluBackwardBackward0 like any op, eagerly and in compiled graphs.)
 */
final class ActivationBackward extends GradFn {
  enum Kind {
    TANH("TanhBackwardBackward0"), SIGMOID("SigmoidBackwardBackward0"), RELU("ThresholdBackwardBackward0");

    final String nodeName;

    Kind(String nodeName) { this.nodeName = nodeName; }
  }

  private final Kind kind;
  private final SavedTensor grad, output;

  private ActivationBackward(Kind kind, Tensor grad, Tensor output) {
    super(new Edge[]{grad.gradEdge(), output.gradEdge()});
    this.kind = kind;
    this.grad = new SavedTensor(grad);
    this.output = new SavedTensor(output);
  }

  /** The kind for {@code op}'s derivative, or null when op is none of these. */
  static Kind kindOf(OpDef op) {
    if (op == Elementwise.unary(UnaryOp.TANH)) return Kind.TANH;
    if (op == Elementwise.unary(UnaryOp.SIGMOID)) return Kind.SIGMOID;
    if (op == Elementwise.unary(UnaryOp.RELU)) return Kind.RELU;
    return null;
  }

  /** {@code kind}'s backward of gradient g given the forward output y; recorded as one node when grad mode is on. */
  static Tensor apply(Kind kind, Tensor g, Tensor y) {
    Tensor r;
    try (GradGuard off = Torch.noGrad()) {
      r = value(kind, g, y);
    }
    if (GradMode.isEnabled() && (g.requiresGrad() || y.requiresGrad())) r.setHistory(new ActivationBackward(kind, g, y), 0);
    return r;
  }

  /**
   * PyTorch's CPU kernels' arithmetic: {@code tanh_backward} is {@code g * (1 - y * y)} with {@code 1 - y * y}
   * contracted into one FMA, {@code sigmoid_backward} is {@code (g * (1 - y)) * y} (both checked bit for bit
   * against PyTorch 1.13); relu's {@code threshold_backward} keeps g where y > 0. Elementwise's derivative rule,
   * which runs without create_graph and in compiled graphs, computes the same (one_minus_square is the FMA).
   */
  private static Tensor value(Kind kind, Tensor g, Tensor y) {
    if (kind == Kind.RELU || g.dtype() != DType.FLOAT32 || y.dtype() != DType.FLOAT32
        || !java.util.Arrays.equals(g.shapeArray(), y.shapeArray())) {
      EagerAlgebra a = EagerAlgebra.INSTANCE;
      return switch (kind) {
        case TANH -> a.mul(g, a.unary(UnaryOp.ONE_MINUS_SQUARE, y));
        case SIGMOID -> a.mul(a.mul(g, a.rsub(1, y)), y);
        case RELU -> a.maskedKeep(a.compare(BinaryOp.GT, y, a.scalarLike(0, g)), g);
      };
    }
    float[] gv = g.array().toFloatArray(), yv = y.array().toFloatArray(), out = new float[gv.length];
    for (int i = 0; i < out.length; i++)
      out[i] = kind == Kind.TANH ? gv[i] * Math.fma(-yv[i], yv[i], 1f) : gv[i] * (1f - yv[i]) * yv[i];
    return new Tensor(dev.tcompile.runtime.NDArray.wrap(out, g.shapeArray()));
  }

  @Override public String name() { return kind.nodeName; }

  @Override int numOutputs() { return 1; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    Tensor gg = gradOutputs.get(0);
    List<Tensor> out = new ArrayList<>(2);
    if (gg == null) {
      out.add(null);
      out.add(null);
      return out;
    }
    Tensor g = grad.unpack(), y = output.unpack();
    out.add(needed[0] ? apply(kind, gg, y) : null);
    Tensor dy = null;
    if (needed[1]) {
      dy = switch (kind) {
        case TANH -> gg.mul(y.mul(-2L).mul(g));                    // grad * (-2 * output * grad_output)
        case SIGMOID -> gg.mul(g).mul(y.mul(-2L).add(1L));         // grad * grad_output * (-2 * output + 1)
        case RELU -> Torch.zerosLike(gg);                          // zeros_like(grad)
      };
    }
    out.add(dy);
    return out;
  }

  @Override void release() {
    grad.release();
    output.release();
  }
}
