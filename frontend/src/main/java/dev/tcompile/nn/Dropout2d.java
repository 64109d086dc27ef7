package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.Dropout2d(p=0.5, inplace=False)}: zeroes whole channels ({@link F#dropout2d}) in training mode. */
public class Dropout2d extends DropoutNd {
  public Dropout2d() { this(0.5); }

  public Dropout2d(double p) { this(p, false); }

  public Dropout2d(double p, boolean inplace) { super(p, inplace); }

  @Override public Tensor forward(Tensor x) { return F.dropout2d(x, p, isTraining(), inplace); }
}
