package dev.tcompile.nn;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;

/** {@code nn.Dropout(p=0.5)}: active in training mode only; masks come from the default generator. */
public class Dropout extends Module {
  private final double p;

  public Dropout() { this(0.5); }

  public Dropout(double p) {
    if (p < 0 || p > 1) throw new TorchException("dropout probability has to be between 0 and 1, but got " + PyRepr.of(p));
    this.p = p;
  }

  public double p() { return p; }

  @Override public Tensor forward(Tensor x) { return F.dropout(x, p, isTraining()); }

  @Override protected String extraRepr() { return "p=" + PyRepr.of(p) + ", inplace=False"; }
}
