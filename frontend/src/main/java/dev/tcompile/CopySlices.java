package dev.tcompile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The new history of a base after an in-place op wrote one of its views (PyTorch's CopySlices). The gradient
 * of the base is cut to the view, pushed through the in-place op's own node, and the result for the view's
 * old values is put back in the view's place; the op's other inputs get their gradients as usual.
 */
final class CopySlices extends GradFn {
  private final GradFn op;
  private final ViewChain chain;

  /** {@code op} is the in-place op's node (input 0: the view's old value); {@code baseEdge} the base's old history. */
  CopySlices(Edge baseEdge, GradFn op, ViewChain chain) {
    super(edges(baseEdge, op));
    this.op = op;
    this.chain = chain;
  }

  private static Edge[] edges(Edge baseEdge, GradFn op) {
    Edge[] e = Arrays.copyOf(op.next, op.next.length);
    e[0] = baseEdge;
    return e;
  }

  @Override public String name() { return "CopySlices"; }

  @Override int numOutputs() { return 1; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    EagerAlgebra alg = EagerAlgebra.INSTANCE;
    Tensor g = gradOutputs.get(0);
    Tensor slice = chain.replay(alg, g);
    List<Tensor> res = op.apply(java.util.Collections.singletonList(slice), needed);
    List<Tensor> out = new ArrayList<>(res);
    if (needed[0]) {
      // the base's gradient with the view's elements replaced by the gradient of the view's old values
      Tensor base = alg.sub(g, chain.adjoint(alg, slice));
      Tensor old = res.get(0);
      out.set(0, old == null ? base : alg.add(base, chain.adjoint(alg, old)));
    }
    return out;
  }

  @Override void release() { op.release(); }
}
