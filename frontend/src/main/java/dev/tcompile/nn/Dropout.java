package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.Dropout(p=0.5, inplace=False)}: active in training mode only; masks come from the default generator. */
public class Dropout extends DropoutNd {
  public Dropout() { this(0.5); }

  public Dropout(double p) { this(p, false); }

  public Dropout(double p, boolean inplace) { super(p, inplace); }

  @Override public Tensor forward(Tensor x) { return F.dropout(x, p, isTraining(), inplace); }
}
