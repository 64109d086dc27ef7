package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** PyTorch's {@code _WeightedLoss}: a loss with a {@code weight} buffer (absent when null). */
public abstract class WeightedLoss extends Loss {
  protected WeightedLoss(String reduction, Tensor weight) {
    super(reduction);
    registerBuffer("weight", weight);
  }

  /** The weight buffer (null when none). */
  public Tensor weight() { return buffer("weight"); }
}
