package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.Flatten(start_dim=1, end_dim=-1)}. */
public class Flatten extends Module {
  private final int startDim, endDim;

  public Flatten() { this(1, -1); }
  public Flatten(int startDim, int endDim) { this.startDim = startDim; this.endDim = endDim; }

  @Override public Tensor forward(Tensor x) { return x.flatten(startDim, endDim); }

  @Override protected String extraRepr() { return "start_dim=" + startDim + ", end_dim=" + endDim; }
}
