package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.LogSoftmax(dim)}. */
public class LogSoftmax extends Module {
  private final int dim;

  public LogSoftmax(int dim) { this.dim = dim; }

  @Override public Tensor forward(Tensor x) { return x.logSoftmax(dim); }

  @Override protected String extraRepr() { return "dim=" + dim; }
}
