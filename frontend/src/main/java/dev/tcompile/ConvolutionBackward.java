package dev.tcompile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * conv2d's first derivatives as PyTorch records them under create_graph: one {@code ConvolutionBackwardBackward0} node
 * whose outputs are the input's, the weight's and the bias's gradients, with edges to the incoming gradient, the input
 * and the weight. tcompile computes them with its rule (conv2d_backward_input(g, w), conv2d_backward_weight(g, x), a
 * sum of g); their nodes are kept inside and this node routes each output's gradient through them, so values and
 * higher derivatives are the rule's.
 */
final class ConvolutionBackward extends GradFn {
  /** The rule's node per output (input, weight, bias gradient), null where that gradient has none. */
  private final GradFn[] inner;

  private ConvolutionBackward(Edge g, Edge x, Edge w, GradFn[] inner) {
    super(new Edge[]{g, x, w});
    this.inner = inner;
  }

  /** Gives each of {@code grads} (input, weight[, bias]) this node as its history. */
  static void attach(Tensor g, Edge x, Edge w, List<Tensor> grads) {
    Edge ge = g == null ? null : g.gradEdge();
    if (ge == null && x == null && w == null) return;
    GradFn[] inner = new GradFn[grads.size()];
    for (int i = 0; i < inner.length; i++) inner[i] = grads.get(i) == null ? null : grads.get(i).gradFn();
    ConvolutionBackward node = new ConvolutionBackward(ge, x, w, inner);
    for (int i = 0; i < inner.length; i++) if (grads.get(i) != null) grads.get(i).setHistory(node, i);
  }

  @Override public String name() { return "ConvolutionBackwardBackward0"; }

  @Override int numOutputs() { return inner.length; }

  /**
   * The input gradient's node has inputs (g, w), the weight gradient's (g, x), the bias gradient's (g): each
   * output's gradient goes through its node and lands on this node's edges (g, x, w).
   */
  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    Tensor[] out = new Tensor[3];
    int[][] edgeOfInput = {{0, 2}, {0, 1}, {0}};
    for (int o = 0; o < inner.length; o++) {
      Tensor gg = gradOutputs.get(o);
      if (gg == null || inner[o] == null) continue;
      int[] to = edgeOfInput[o];
      boolean[] need = new boolean[to.length];
      for (int i = 0; i < to.length; i++) need[i] = needed[to[i]];
      List<Tensor> r = inner[o].apply(Arrays.asList(gg), need);
      for (int i = 0; i < to.length; i++) {
        Tensor d = r.get(i);
        if (d != null && needed[to[i]]) out[to[i]] = out[to[i]] == null ? d : out[to[i]].add(d);
      }
    }
    return new ArrayList<>(Arrays.asList(out));
  }

  @Override void release() { for (GradFn f : inner) if (f != null) f.release(); }
}
