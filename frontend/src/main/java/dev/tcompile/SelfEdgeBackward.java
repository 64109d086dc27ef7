package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.ops.LossFunctions;
import dev.tcompile.ir.ops.Padding;
import dev.tcompile.ir.ops.Pooling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A first derivative that is linear in the incoming gradient (nll_loss's, the poolings', reflection and replication
 * padding's) as PyTorch records it under create_graph: one node named after the op's backward
 * ({@code NllLossBackwardBackward0}, {@code AvgPool2DBackwardBackward0}, ...) with an edge to the incoming gradient and
 * one to the forward input ({@code self}), whose derivative is {@code zeros_like} (derivatives.yaml). The value and the
 * gradient-side derivative are the op's rule's (its backward op's node, kept inside); the self edge is why
 * differentiating such a gradient again with respect to the input gives zeros in PyTorch instead of "does not require
 * grad".
 */
final class SelfEdgeBackward extends GradFn {
  private final String name;
  private final GradFn inner;
  private final DType selfDType;
  private final int[] selfShape;

  private SelfEdgeBackward(String name, GradFn inner, Edge self, DType selfDType, int[] selfShape) {
    super(edges(inner, self));
    this.name = name;
    this.inner = inner;
    this.selfDType = selfDType;
    this.selfShape = selfShape;
  }

  private static Edge[] edges(GradFn inner, Edge self) {
    Edge[] in = inner == null ? new Edge[1] : inner.next;
    Edge[] out = Arrays.copyOf(in, in.length + 1);
    out[in.length] = self;
    return out;
  }

  /** The node name for op's first derivative when it is one of these, else null. */
  static String nameFor(OpDef op, Attrs attrs, String forwardName) {
    boolean linear = op == LossFunctions.NLL_LOSS || op == Pooling.AVG_POOL2D || op == Pooling.MAX_POOL2D
        || op == Pooling.ADAPTIVE_AVG_POOL2D
        || op == Padding.PAD && !attrs.getString("mode").equals("constant") && !attrs.getString("mode").equals("circular");
    if (!linear || !forwardName.endsWith("Backward0")) return null;
    return forwardName.substring(0, forwardName.length() - "0".length()) + "Backward0";
  }

  /** Gives {@code grad} (the rule's gradient of the forward input of type selfType) this node as its history. */
  static void attach(String name, Tensor grad, Edge self, dev.tcompile.ir.TensorType selfType) {
    if (grad == null || grad.gradFn() == null && self == null) return;
    grad.setHistory(new SelfEdgeBackward(name, grad.gradFn(), self, selfType.dtype(), selfType.shape()), 0);
  }

  @Override public String name() { return name; }

  @Override public List<Edge> nextEdges() {
    Edge g = inner == null ? new Edge(null, 0) : inner.nextEdges().get(0);
    Edge self = next[next.length - 1];
    return List.of(g, self == null ? new Edge(null, 0) : self);
  }

  @Override int numOutputs() { return 1; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    Tensor gg = gradOutputs.get(0);
    int n = next.length;
    List<Tensor> out = new ArrayList<>(n);
    if (inner == null || gg == null) {
      for (int i = 0; i < n - 1; i++) out.add(null);
    } else {
      out.addAll(inner.apply(gradOutputs, Arrays.copyOf(needed, n - 1)));
    }
    out.add(gg != null && needed[n - 1] ? Tensor.wrap(dev.tcompile.runtime.NDArray.full(selfDType, 0, selfShape)) : null);
    return out;
  }

  @Override void release() { if (inner != null) inner.release(); }
}
