package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.BCELoss(weight=None, reduction='mean')} on probabilities in [0, 1]. */
public class BCELoss extends WeightedLoss {
  public BCELoss() { this(null, "mean"); }
  public BCELoss(Tensor weight, String reduction) { super(reduction, weight); }

  @Override public Tensor forward(Tensor input, Tensor target) { return Losses.binaryCrossEntropy(input, target, weight(), reduction); }
}
