package dev.tcompile.cli;

import dev.tcompile.cli.inspect.GraphSummary;
import dev.tcompile.cli.inspect.JarSummary;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tcompile inspect model.tir|model.jar}: what a saved graph takes and returns, its ops, constants and passes;
 * or what a compiled jar holds.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = {"Summarise a saved graph (.tir): inputs and outputs with their types, node count by op, "
        + "constants, and what the default passes do to it.",
        "Or a compiled model (.jar from 'tcompile compile'): manifest, inputs and outputs, classes, kernels, planned "
            + "memory and generated method sizes."})
final class InspectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "A .tir file (written by 'tcompile trace' or GraphFiles.save) or a .jar from 'tcompile compile'.")
  Path model;

  @Override public Integer call() {
    if (!Files.isRegularFile(model)) return Cli.usageError("inspect", "no such file: " + model);
    if (model.toString().endsWith(".jar")) {
      System.out.print(JarSummary.render(model, dev.tcompile.runtime.compiled.CompiledModel.load(model)));
      return 0;
    }
    if (!model.toString().endsWith(".tir")) return Cli.usageError("inspect", "expected a .tir graph or a compiled .jar, got " + model);
    Graph g = GraphFiles.load(model);
    System.out.print(GraphSummary.render(model + ": graph @" + g.name(), GraphSummary.sections(g)));
    return 0;
  }
}
