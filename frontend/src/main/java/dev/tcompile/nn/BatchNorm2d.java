package dev.tcompile.nn;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;

/** {@code nn.BatchNorm2d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)} over (N, C, H, W). */
public class BatchNorm2d extends BatchNormBase {
  public BatchNorm2d(int numFeatures) { this(numFeatures, 1e-5, 0.1, true, true); }

  public BatchNorm2d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
    super(numFeatures, eps, momentum, affine, trackRunningStats);
  }

  @Override protected void checkInputDim(Tensor x) {
    if (x.dim() != 4) throw new TorchException("expected 4D input (got " + x.dim() + "D input)");
  }
}
