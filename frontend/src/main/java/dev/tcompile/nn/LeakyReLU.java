package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.LeakyReLU(negative_slope=0.01)}. */
public class LeakyReLU extends Module {
  private final double negativeSlope;

  public LeakyReLU() { this(0.01); }
  public LeakyReLU(double negativeSlope) { this.negativeSlope = negativeSlope; }

  @Override public Tensor forward(Tensor x) { return F.leakyRelu(x, negativeSlope); }

  @Override protected String extraRepr() { return "negative_slope=" + PyRepr.of(negativeSlope); }
}
