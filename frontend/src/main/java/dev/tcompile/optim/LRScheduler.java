package dev.tcompile.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's {@code _LRScheduler}: remembers each group's initial lr, and every {@link #step()} sets each
 * group's lr from the rule ({@code get_lr}, PyTorch's recursive "chainable" form). Construction takes the
 * first step (epoch 0), as PyTorch's does.
 */
public abstract class LRScheduler {
  protected final Optimizer optimizer;
  protected final List<Double> baseLrs = new ArrayList<>();
  protected int lastEpoch = -1;
  protected int stepCount;
  private List<Double> lastLr = List.of();

  protected LRScheduler(Optimizer optimizer) {
    this.optimizer = optimizer;
    for (ParamGroup g : optimizer.paramGroups()) {
      g.options().putIfAbsent("initial_lr", g.lr());
      baseLrs.add(g.getDouble("initial_lr"));
    }
  }

  /** Subclasses call this at the end of their constructor: PyTorch's initial step. */
  protected final void initialStep() { step(); }

  /** The learning rates for {@link #lastEpoch}, one per group, from the current ones. */
  protected abstract List<Double> computeLr();

  public void step() {
    stepCount++;
    lastEpoch++;
    List<Double> lrs = computeLr();
    List<ParamGroup> groups = optimizer.paramGroups();
    for (int i = 0; i < groups.size(); i++) groups.get(i).setLr(lrs.get(i));
    lastLr = List.copyOf(lrs);
  }

  /** {@code get_last_lr()}: the rates the last step set. */
  public List<Double> getLastLr() { return lastLr; }

  public int lastEpoch() { return lastEpoch; }

  protected List<Double> currentLrs() {
    List<Double> out = new ArrayList<>();
    for (ParamGroup g : optimizer.paramGroups()) out.add(g.lr());
    return out;
  }
}
