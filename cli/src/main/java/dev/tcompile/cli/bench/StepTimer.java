package dev.tcompile.cli.bench;

import dev.tcompile.workloads.Workload;
import dev.tcompile.runtime.Parallel;
import java.util.Arrays;
import java.util.function.Supplier;

/** Times one workload in one mode: the first call, then a warm-up, then the median of the timed calls. */
public final class StepTimer {
  private StepTimer() {}

  public static Measurement measure(Workload w, boolean compiled, Profile p) {
    Supplier<Object> step = w.prepare(compiled);
    long t0 = System.nanoTime();
    sink(step.get());
    double firstMs = (System.nanoTime() - t0) / 1e6;

    long warmEnd = System.nanoTime() + p.warmupMs() * 1_000_000;
    for (int i = 0; i < 2 || System.nanoTime() < warmEnd; i++) sink(step.get());

    double[] times = new double[p.maxIterations()];
    int n = 0;
    long measureEnd = System.nanoTime() + p.measureMs() * 1_000_000;
    while (n < times.length && (n < p.minIterations() || System.nanoTime() < measureEnd)) {
      long s = System.nanoTime();
      sink(step.get());
      times[n++] = (System.nanoTime() - s) / 1e6;
    }
    double[] sorted = Arrays.copyOf(times, n);
    Arrays.sort(sorted);
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Measurement(w.name(), compiled ? "compiled" : "eager", Parallel.threads(), p.name(), firstMs, median, sorted[0], n);
  }

  /** Keeps results reachable so the JIT cannot drop the work. */
  private static volatile Object last;

  private static void sink(Object o) { last = o; }
}
