package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.Dropout3d(p=0.5, inplace=False)}: zeroes whole channels ({@link F#dropout3d}) in training mode. */
public class Dropout3d extends DropoutNd {
  public Dropout3d() { this(0.5); }

  public Dropout3d(double p) { this(p, false); }

  public Dropout3d(double p, boolean inplace) { super(p, inplace); }

  @Override public Tensor forward(Tensor x) { return F.dropout3d(x, p, isTraining(), inplace); }
}
