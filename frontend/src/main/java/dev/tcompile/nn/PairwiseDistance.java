package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.PairwiseDistance(p=2, eps=1e-6, keepdim=False)}: {@code forward(x1, x2)}. */
public class PairwiseDistance extends Module {
  private final double p, eps;
  private final boolean keepdim;

  public PairwiseDistance() { this(2); }
  public PairwiseDistance(double p) { this(p, 1e-6, false); }
  public PairwiseDistance(double p, double eps, boolean keepdim) { this.p = p; this.eps = eps; this.keepdim = keepdim; }

  public Tensor forward(Tensor x1, Tensor x2) { return F.pairwiseDistance(x1, x2, p, eps, keepdim); }

  @Override public Tensor forward(Tensor... in) { expectInputs(in, 2); return forward(in[0], in[1]); }
}
