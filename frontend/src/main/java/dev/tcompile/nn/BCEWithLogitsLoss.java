package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.BCEWithLogitsLoss(weight=None, reduction='mean', pos_weight=None)}: sigmoid and BCE in one stable op. */
public class BCEWithLogitsLoss extends WeightedLoss {
  public BCEWithLogitsLoss() { this(null, "mean", null); }

  public BCEWithLogitsLoss(Tensor weight, String reduction, Tensor posWeight) {
    super(reduction, weight);
    registerBuffer("pos_weight", posWeight);
  }

  @Override public Tensor forward(Tensor input, Tensor target) {
    return Losses.binaryCrossEntropyWithLogits(input, target, weight(), reduction, buffer("pos_weight"));
  }
}
