package dev.tcompile.nn;

import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;

/**
 * PyTorch's {@code _BatchNorm}: per-channel normalisation with learnable weight and bias ({@code affine}) and
 * running statistics ({@code track_running_stats}) updated in training and used in evaluation. A null
 * momentum means a cumulative average over {@code num_batches_tracked} batches.
 */
public abstract class BatchNormBase extends Module {
  private final int numFeatures;
  private final double eps;
  private final Double momentum;
  private final boolean affine, trackRunningStats;
  private final Parameter weight, bias;

  protected BatchNormBase(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    weight = registerParameter("weight", affine ? new Parameter(Torch.ones(numFeatures)) : null);
    bias = registerParameter("bias", affine ? new Parameter(Torch.zeros(numFeatures)) : null);
    registerBuffer("running_mean", trackRunningStats ? Torch.zeros(numFeatures) : null);
    registerBuffer("running_var", trackRunningStats ? Torch.ones(numFeatures) : null);
    registerBuffer("num_batches_tracked", trackRunningStats ? Torch.zeros(DType.INT64) : null);
  }

  /** Throws PyTorch's error when the input rank does not suit this layer. */
  protected abstract void checkInputDim(Tensor x);

  @Override public Tensor forward(Tensor x) {
    checkInputDim(x);
    double factor = momentum == null ? 0 : momentum;
    if (isTraining() && trackRunningStats) {
      Tensor n = numBatchesTracked();
      try (var g = Torch.noGrad()) { n.add_(1L); }
      if (momentum == null) factor = 1.0 / n.item();
    }
    boolean useBatchStats = isTraining() || runningMean() == null;
    boolean passRunning = !isTraining() || trackRunningStats;
    return F.batchNorm(x, passRunning ? runningMean() : null, passRunning ? runningVar() : null, weight, bias, useBatchStats, factor, eps);
  }

  public Parameter weight() { return weight; }
  public Parameter bias() { return bias; }
  public Tensor runningMean() { return buffer("running_mean"); }
  public Tensor runningVar() { return buffer("running_var"); }
  public Tensor numBatchesTracked() { return buffer("num_batches_tracked"); }
  public int numFeatures() { return numFeatures; }

  @Override protected String extraRepr() {
    return numFeatures + ", eps=" + PyRepr.of(eps) + ", momentum=" + (momentum == null ? "None" : PyRepr.of(momentum)) + ", affine="
        + PyRepr.of(affine) + ", track_running_stats=" + PyRepr.of(trackRunningStats);
  }
}
