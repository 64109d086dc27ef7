package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean')} on log-probabilities. */
public class NLLLoss extends WeightedLoss {
  private final long ignoreIndex;

  public NLLLoss() { this(null, -100, "mean"); }
  public NLLLoss(String reduction) { this(null, -100, reduction); }

  public NLLLoss(Tensor weight, long ignoreIndex, String reduction) {
    super(reduction, weight);
    this.ignoreIndex = ignoreIndex;
  }

  @Override public Tensor forward(Tensor input, Tensor target) { return Losses.nllLoss(input, target, weight(), ignoreIndex, reduction); }
}
