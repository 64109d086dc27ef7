package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.Dropout1d(p=0.5, inplace=False)}: zeroes whole channels ({@link F#dropout1d}) in training mode. */
public class Dropout1d extends DropoutNd {
  public Dropout1d() { this(0.5); }

  public Dropout1d(double p) { this(p, false); }

  public Dropout1d(double p, boolean inplace) { super(p, inplace); }

  @Override public Tensor forward(Tensor x) { return F.dropout1d(x, p, isTraining(), inplace); }
}
