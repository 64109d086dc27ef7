package dev.tcompile.cli;

import dev.tcompile.cli.bench.Measurement;
import dev.tcompile.cli.bench.Profile;
import dev.tcompile.cli.bench.StepTimer;
import dev.tcompile.runtime.Parallel;
import dev.tcompile.workloads.StandardWorkloads;
import dev.tcompile.workloads.Workload;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tcompile bench}: the standard workloads, eager and compiled, median after warm-up and first call. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Time the standard workloads (MNIST CNN, MLP, tanh-GELU, the seed's Conv2d layers, sgemm), eager and "
        + "compiled: the median of the timed calls after a warm-up, and the first call (tracing, compiling, JIT).",
        "bench/compare_pytorch.py runs the same workloads in PyTorch and prints both side by side."})
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "Shorter warm-up and measurement (1 s each instead of 3 s and 5 s).")
  boolean quick;

  @Option(names = "--json", description = "One JSON object per line and (workload, mode) instead of the table.")
  boolean json;

  @Option(names = "--only", paramLabel = "NAME[,NAME...]",
      description = "Only these workloads (a name, or the start of names: 'sgemm', 'conv').")
  String only;

  @Option(names = "--threads", paramLabel = "N", description = "Threads the kernels use (default: the runtime's, "
      + "the number of processors or -Dtcompile.threads).")
  Integer threads;

  @Option(names = "--list", description = "List the workloads and exit.")
  boolean list;

  @Option(names = "--warmup-ms", paramLabel = "MS", description = "Override the warm-up time per workload and mode.")
  Long warmupMs;

  @Option(names = "--measure-ms", paramLabel = "MS", description = "Override the measuring time per workload and mode.")
  Long measureMs;

  @Override public Integer call() {
    if (threads != null && threads < 1) return Cli.usageError("bench", "--threads must be at least 1, got " + threads);
    if ((warmupMs != null && warmupMs < 0) || (measureMs != null && measureMs < 0))
      return Cli.usageError("bench", "--warmup-ms and --measure-ms must not be negative");
    List<Workload> workloads;
    try {
      workloads = only == null ? StandardWorkloads.all() : StandardWorkloads.select(only);
    } catch (dev.tcompile.TorchException e) {
      return Cli.usageError("bench", e.getMessage());
    }
    if (list) {
      for (Workload w : workloads) System.out.printf("%-22s %s%n", w.name(), w.description());
      return 0;
    }
    Profile profile = (quick ? Profile.QUICK : Profile.FULL).withTimes(warmupMs, measureMs);
    int before = Parallel.threads();
    if (threads != null) Parallel.setThreads(threads);
    try {
      if (!json) System.out.printf("tcompile bench, %s profile, %d thread%s: median ms after warm-up (first call ms)%n%-22s %-22s %-22s %s%n",
          profile.name(), Parallel.threads(), Parallel.threads() == 1 ? "" : "s", "workload", "eager", "compiled", "compiled speed-up");
      for (Workload w : workloads) {
        Measurement eager = StepTimer.measure(w, false, profile);
        if (json) System.out.println(eager.json());
        Measurement compiled = StepTimer.measure(w, true, profile);
        if (json) System.out.println(compiled.json());
        else System.out.printf(Locale.ROOT, "%-22s %-22s %-22s %.2fx%n", w.name(), cell(eager), cell(compiled),
            eager.medianMs() / compiled.medianMs());
        System.out.flush();
      }
    } finally {
      Parallel.setThreads(before);
    }
    return 0;
  }

  private static String cell(Measurement m) {
    return String.format(Locale.ROOT, "%.3f (%.1f)", m.medianMs(), m.firstMs());
  }
}
