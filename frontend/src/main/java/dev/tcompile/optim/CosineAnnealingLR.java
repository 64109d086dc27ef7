package dev.tcompile.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code CosineAnnealingLR(optimizer, T_max, eta_min=0)}: {@code eta_min + (base - eta_min) (1 + cos(pi t / T_max)) / 2},
 * computed recursively from the current lr as PyTorch does (so it composes with other changes to lr).
 */
public class CosineAnnealingLR extends LRScheduler {
  private final int tMax;
  private final double etaMin;

  public CosineAnnealingLR(Optimizer optimizer, int tMax) { this(optimizer, tMax, 0); }

  public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
    super(optimizer);
    this.tMax = tMax;
    this.etaMin = etaMin;
    initialStep();
  }

  @Override protected List<Double> computeLr() {
    List<Double> lrs = currentLrs(), out = new ArrayList<>();
    for (int i = 0; i < lrs.size(); i++) {
      double lr = lrs.get(i), base = baseLrs.get(i);
      double next;
      if (lastEpoch == 0) next = lr;
      else if (stepCount == 1 && lastEpoch > 0) next = etaMin + (base - etaMin) * (1 + Math.cos(lastEpoch * Math.PI / tMax)) / 2;
      else if (Math.floorMod(lastEpoch - 1 - tMax, 2 * tMax) == 0) next = lr + (base - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
      else next = (1 + Math.cos(Math.PI * lastEpoch / tMax)) / (1 + Math.cos(Math.PI * (lastEpoch - 1) / tMax)) * (lr - etaMin) + etaMin;
      out.add(next);
    }
    return out;
  }
}
