package dev.tcompile.cli;

import dev.tcompile.Torch;
import dev.tcompile.TracedGraph;
import dev.tcompile.cli.inspect.GraphSummary;
import dev.tcompile.ir.GraphFiles;
import dev.tcompile.vision.models.MnistNet;
import dev.tcompile.workloads.StandardWorkloads;
import dev.tcompile.workloads.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The training run the launcher records the JDK's AOT cache from (-XX:AOTCacheOutput): a short pass over what
 * users run — one demo epoch, a few steps of every bench workload eager and compiled, a trace saved and inspected —
 * so later starts find these classes loaded and linked and their methods' profiles ready for the JIT.
 */
@Command(name = "aot-training", hidden = true, description = "The launcher's start-up cache training run.")
final class AotTrainingCommand implements Callable<Integer> {
  @Override public Integer call() throws Exception {
    Path tmp = Files.createTempDirectory("tcompile-aot");
    try {
      new CommandLine(new DemoCommand()).execute("--epochs", "1", "--no-progress", "--figures", tmp.resolve("figures").toString());
      for (Workload w : StandardWorkloads.all()) {
        for (boolean compiled : new boolean[]{false, true}) {
          Supplier<Object> step = w.prepare(compiled);
          for (int i = 0; i < 3; i++) step.get();
        }
      }
      Torch.manualSeed(0);
      MnistNet net = new MnistNet();
      net.eval();
      Path tir = tmp.resolve("mnist.tir");
      GraphFiles.save(TracedGraph.of(xs -> net.forward(xs[0]), Torch.randn(1, 1, 28, 28)).frozen(t -> null), tir);
      System.out.print(GraphSummary.render("training", GraphSummary.sections(GraphFiles.load(tir))));
    } finally {
      try (var files = Files.walk(tmp)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
    return 0;
  }
}
