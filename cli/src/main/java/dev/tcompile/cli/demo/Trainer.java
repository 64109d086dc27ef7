package dev.tcompile.cli.demo;

import dev.tcompile.Tensor;
import dev.tcompile.TrainStep;
import dev.tcompile.data.Batch;
import dev.tcompile.data.DataLoader;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Module;
import dev.tcompile.optim.Optimizer;
import java.util.function.BiFunction;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** One epoch of training, eager or compiled, with a progress bar showing the running loss. */
public final class Trainer {
  private final BiFunction<Tensor, Tensor, Tensor> step;

  private Trainer(BiFunction<Tensor, Tensor, Tensor> step) { this.step = step; }

  public static Trainer compiled(TrainStep s) { return new Trainer(s::step); }

  public static Trainer eager(Module net, Optimizer optimizer) {
    return new Trainer((x, y) -> {
      optimizer.zeroGrad();
      Tensor loss = F.nllLoss(net.forward(x), y);
      loss.backward();
      optimizer.step();
      return loss.detach();
    });
  }

  /** Trains on every batch of {@code loader}; returns the mean loss. */
  public double epoch(DataLoader loader, String label, boolean progress) {
    return epoch(loader, label, progress, null);
  }

  /** As {@link #epoch(DataLoader, String, boolean)}, recording each step in {@code times} when it is not null. */
  public double epoch(DataLoader loader, String label, boolean progress, StepTimes times) {
    double sum = 0;
    int n = 0;
    ProgressBar bar = progress
        ? new ProgressBarBuilder().setTaskName(label).setInitialMax(loader.size()).setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(250).continuousUpdate().build()
        : null;
    try {
      for (Batch b : loader) {
        float loss = step.apply(b.inputs(), b.labels()).item();
        if (times != null) times.stepDone();
        sum += loss;
        n++;
        if (bar != null) { bar.step(); bar.setExtraMessage(String.format("loss %.4f", loss)); }
      }
    } finally {
      if (bar != null) bar.close();
    }
    return sum / Math.max(n, 1);
  }
}
