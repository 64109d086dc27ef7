package dev.tcompile.nn;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;

/** {@code nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)} over (N, C) or (N, C, L). */
public class BatchNorm1d extends BatchNormBase {
  public BatchNorm1d(int numFeatures) { this(numFeatures, 1e-5, 0.1, true, true); }

  public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
    super(numFeatures, eps, momentum, affine, trackRunningStats);
  }

  @Override protected void checkInputDim(Tensor x) {
    if (x.dim() != 2 && x.dim() != 3) throw new TorchException("expected 2D or 3D input (got " + x.dim() + "D input)");
  }
}
