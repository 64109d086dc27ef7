package dev.tcompile;

import java.util.List;

/**
 * The history of a view regenerated after an in-place write to its storage: the view is taken again from its
 * base's current history. PyTorch 1.13 names this node AsStridedBackward0.
 */
final class AsStridedNode extends GradFn {
  private final ViewChain chain;

  AsStridedNode(Edge baseEdge, ViewChain chain) {
    super(new Edge[]{baseEdge});
    this.chain = chain;
  }

  @Override public String name() { return "AsStridedBackward0"; }

  @Override int numOutputs() { return 1; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    Tensor g = gradOutputs.get(0);
    return java.util.Collections.singletonList(g == null ? null : chain.adjoint(EagerAlgebra.INSTANCE, g));
  }
}
