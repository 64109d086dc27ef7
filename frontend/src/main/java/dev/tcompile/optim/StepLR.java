package dev.tcompile.optim;

import java.util.ArrayList;
import java.util.List;

/** {@code StepLR(optimizer, step_size, gamma=0.1)}: multiplies every group's lr by gamma every step_size epochs. */
public class StepLR extends LRScheduler {
  private final int stepSize;
  private final double gamma;

  public StepLR(Optimizer optimizer, int stepSize) { this(optimizer, stepSize, 0.1); }

  public StepLR(Optimizer optimizer, int stepSize, double gamma) {
    super(optimizer);
    this.stepSize = stepSize;
    this.gamma = gamma;
    initialStep();
  }

  @Override protected List<Double> computeLr() {
    List<Double> lrs = currentLrs();
    if (lastEpoch == 0 || lastEpoch % stepSize != 0) return lrs;
    List<Double> out = new ArrayList<>();
    for (double lr : lrs) out.add(lr * gamma);
    return out;
  }
}
