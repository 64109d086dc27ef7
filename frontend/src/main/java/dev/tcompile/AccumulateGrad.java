package dev.tcompile;

import java.util.List;

/** The sink of a leaf tensor's gradient: adds what arrives into {@code leaf.grad()}. */
final class AccumulateGrad extends GradFn {
  private final Tensor leaf;

  AccumulateGrad(Tensor leaf) {
    super(new Edge[0]);
    this.leaf = leaf;
  }

  @Override public String name() { return "AccumulateGrad"; }

  @Override int numOutputs() { return 1; }

  Tensor variable() { return leaf; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    Tensor g = gradOutputs.get(0);
    if (g == null) return List.of();
    leaf.accumulateGrad(g, GradMode.isEnabled());
    return List.of();
  }
}
