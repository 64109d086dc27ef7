package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.ops.Normalization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The first derivatives of native_batch_norm / native_layer_norm under create_graph as PyTorch 1.13 records them: one
 * node (NativeBatchNormBackwardBackward0 / NativeLayerNormBackwardBackward0) whose outputs are the input, weight and
 * bias gradients, with PyTorch's next functions (grad_out, input, weight, save_mean, save_invstd for batch norm;
 * grad_out, input, mean, rstd, weight, bias for layer norm; the statistics are no edge there). The values and their
 * derivatives are the shared rule's: each gradient is computed by the rule's recorded composite, and this node runs the
 * composite's last node of each gradient when it runs, so the engine's edges are theirs (higher orders and in-place
 * checks as before).
 */
final class NormBackwardBackward extends GradFn {
  private final String name;
  /** Per output slot (the forward input it is the gradient of): the composite's node and its output number, or null. */
  private final GradFn[] inner;
  private final int[] innerNr;
  /** Where each inner node's edges start in {@link #next}. */
  private final int[] offset;
  private final List<Edge> presented;

  private NormBackwardBackward(String name, GradFn[] inner, int[] innerNr, int[] offset, Edge[] next, List<Edge> presented) {
    super(next);
    this.name = name;
    this.inner = inner;
    this.innerNr = innerNr;
    this.offset = offset;
    this.presented = presented;
  }

  static boolean applies(OpDef op) { return op == Normalization.NATIVE_BATCH_NORM || op == Normalization.NATIVE_LAYER_NORM; }

  /**
   * Gives {@code grads} (the rule's gradients of the forward inputs, recorded) this node as their history; returns
   * the gradients to hand on (new tensors over the same arrays), or {@code grads} unchanged when no gradient has a
   * history or one is a leaf (nothing to wrap).
   */
  static List<Tensor> attach(OpDef op, Attrs attrs, String forwardName, Tensor gradOut, Edge[] forwardNext, List<Tensor> grads) {
    int n = grads.size();
    GradFn[] inner = new GradFn[n];
    int[] innerNr = new int[n], offset = new int[n];
    List<Edge> edges = new ArrayList<>();
    boolean any = false;
    for (int i = 0; i < n; i++) {
      Tensor g = grads.get(i);
      offset[i] = edges.size();
      if (g == null || !g.requiresGrad()) continue;
      GradFn fn = g.gradFn();
      if (fn == null) return grads; // a leaf gradient: nothing to stand in for
      for (int j = 0; j < i; j++) if (inner[j] == fn) return grads;
      inner[i] = fn;
      innerNr[i] = g.outputNr();
      edges.addAll(Arrays.asList(fn.next));
      any = true;
    }
    Edge gradEdge = gradOut == null ? null : gradOut.gradEdge();
    List<Edge> presented = presented(op, attrs, gradEdge, forwardNext);
    if (!any && presented.stream().allMatch(e -> e.fn() == null)) return grads;
    String name = forwardName.substring(0, forwardName.length() - 1) + "Backward0";
    NormBackwardBackward node = new NormBackwardBackward(name, inner, innerNr, offset, edges.toArray(new Edge[0]), presented);
    List<Tensor> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Tensor g = grads.get(i);
      if (g == null) { out.add(null); continue; }
      Tensor t = Tensor.wrap(g.array());
      t.setHistory(node, i);
      out.add(t);
    }
    return out;
  }

  /** PyTorch's next functions of native_batch_norm_backward / native_layer_norm_backward's node. */
  private static List<Edge> presented(OpDef op, Attrs attrs, Edge gradOut, Edge[] fwd) {
    Edge none = new Edge(null, 0);
    Edge g = gradOut == null ? none : gradOut, x = fwd[0] == null ? none : fwd[0];
    if (op == Normalization.NATIVE_BATCH_NORM) {
      Edge w = attrs.getBool("affine") && fwd[1] != null ? fwd[1] : none;
      return List.of(g, x, w, none, none);
    }
    boolean affine = fwd.length == 3;
    Edge w = affine && fwd[1] != null ? fwd[1] : none, b = affine && fwd[2] != null ? fwd[2] : none;
    return List.of(g, x, none, none, w, b);
  }

  @Override public String name() { return name; }

  @Override public List<Edge> nextEdges() { return presented; }

  @Override int numOutputs() { return inner.length; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    Tensor[] out = new Tensor[next.length];
    for (int i = 0; i < inner.length; i++) {
      Tensor g = gradOutputs.get(i);
      if (inner[i] == null || g == null) continue;
      GradFn fn = inner[i];
      Tensor[] slots = new Tensor[fn.numOutputs()];
      slots[innerNr[i]] = g;
      int k = fn.next.length;
      List<Tensor> r = fn.apply(Arrays.asList(slots), Arrays.copyOfRange(needed, offset[i], offset[i] + k));
      for (int j = 0; j < k && j < r.size(); j++) out[offset[i] + j] = r.get(j);
    }
    return Arrays.asList(out);
  }

  @Override void release() {
    for (GradFn fn : inner) if (fn != null) fn.release();
  }
}
