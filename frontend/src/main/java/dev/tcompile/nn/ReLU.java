package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.ReLU(inplace=False)}. */
public class ReLU extends Module {
  private final boolean inplace;

  public ReLU() { this(false); }
  public ReLU(boolean inplace) { this.inplace = inplace; }

  @Override public Tensor forward(Tensor x) { return inplace ? x.relu_() : x.relu(); }

  @Override protected String extraRepr() { return inplace ? "inplace=True" : ""; }
}
