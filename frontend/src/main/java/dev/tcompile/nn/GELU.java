package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.GELU(approximate='none')}; "tanh" selects the tanh approximation. */
public class GELU extends Module {
  private final String approximate;

  public GELU() { this("none"); }
  public GELU(String approximate) { this.approximate = approximate; }

  @Override public Tensor forward(Tensor x) { return F.gelu(x, approximate); }

  @Override protected String extraRepr() { return "approximate='" + approximate + "'"; }
}
