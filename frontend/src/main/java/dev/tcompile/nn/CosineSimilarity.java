package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.CosineSimilarity(dim=1, eps=1e-8)}: {@code forward(x1, x2)}. */
public class CosineSimilarity extends Module {
  private final int dim;
  private final double eps;

  public CosineSimilarity() { this(1, 1e-8); }
  public CosineSimilarity(int dim) { this(dim, 1e-8); }
  public CosineSimilarity(int dim, double eps) { this.dim = dim; this.eps = eps; }

  public Tensor forward(Tensor x1, Tensor x2) { return F.cosineSimilarity(x1, x2, dim, eps); }

  @Override public Tensor forward(Tensor... in) { expectInputs(in, 2); return forward(in[0], in[1]); }
}
