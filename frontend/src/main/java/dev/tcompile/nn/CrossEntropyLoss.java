package dev.tcompile.nn;

import dev.tcompile.Tensor;

/**
 * {@code nn.CrossEntropyLoss(weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)}: targets are
 * class indices (int64) or class probabilities (float, the input's shape).
 */
public class CrossEntropyLoss extends WeightedLoss {
  private final long ignoreIndex;
  private final double labelSmoothing;

  public CrossEntropyLoss() { this(null, -100, "mean", 0); }
  public CrossEntropyLoss(String reduction) { this(null, -100, reduction, 0); }

  public CrossEntropyLoss(Tensor weight, long ignoreIndex, String reduction, double labelSmoothing) {
    super(reduction, weight);
    this.ignoreIndex = ignoreIndex;
    this.labelSmoothing = labelSmoothing;
  }

  @Override public Tensor forward(Tensor input, Tensor target) {
    return Losses.crossEntropy(input, target, weight(), ignoreIndex, reduction, labelSmoothing);
  }
}
