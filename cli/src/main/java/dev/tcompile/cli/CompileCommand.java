package dev.tcompile.cli;

import dev.tcompile.CompileOptions;
import dev.tcompile.Export;
import dev.tcompile.codegen.Compiler;
import dev.tcompile.codegen.aot.ArtifactWriter;
import dev.tcompile.codegen.aot.GradientArtifact;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tcompile compile model.tir -o model.jar}: a saved graph compiled ahead of time into a jar the runtime loads. */
@Command(name = "compile", mixinStandardHelpOptions = true,
    description = {"Compile a saved graph (.tir) ahead of time into a jar: the generated program and kernel classes, "
        + "the graph's constants (its weights) as safetensors, and a manifest.",
        "A host application with only the runtime on its class path runs it with CompiledModel.load(jar).run(inputs...)."})
final class CompileCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL.tir", description = "A .tir file (written by 'tcompile trace' or GraphFiles.save).")
  Path model;

  @Option(names = {"-o", "--output"}, paramLabel = "MODEL.jar", description = "Where to write the jar (default: MODEL's name with .jar).")
  Path output;

  @Option(names = "--dump-after", paramLabel = "PASS|all", description = "Print the graph after this pass (or after every pass) to stdout.")
  String dumpAfter;

  @Option(names = "--disable", paramLabel = "PASS", split = ",", description = "Skip a pass (repeatable or comma-separated): ${COMPLETION-CANDIDATES}.",
      completionCandidates = PassNames.class)
  List<String> disable = new ArrayList<>();

  @Option(names = "--grad", paramLabel = "PARAMS", split = ",",
      description = "Also compute the gradients of the outputs with respect to these inputs or constants (weights), "
          + "comma-separated: the jar takes one more input per output, its gradient (1.0 for a scalar loss), and returns the "
          + "gradients after the outputs.")
  List<String> grad = new ArrayList<>();

  static final class PassNames extends ArrayList<String> {
    PassNames() { super(new java.util.TreeSet<>(Compiler.passNames())); }
  }

  @Override public Integer call() throws IOException {
    if (!Files.isRegularFile(model)) return Cli.usageError("compile", "no such file: " + model);
    if (!model.toString().endsWith(".tir")) return Cli.usageError("compile", "expected a .tir graph, got " + model);
    Path out = output != null ? output : model.resolveSibling(model.getFileName().toString().replaceFirst("\\.tir$", ".jar"));
    if (!out.getFileName().toString().endsWith(".jar")) return Cli.usageError("compile", "the output should end in .jar, got " + out);
    for (String p : disable)
      if (!Compiler.passNames().contains(p))
        return Cli.usageError("compile", "unknown pass '" + p + "'; passes: " + String.join(", ", new java.util.TreeSet<>(Compiler.passNames())));
    if (dumpAfter != null && !dumpAfter.equals("all") && !Compiler.passNames().contains(dumpAfter))
      return Cli.usageError("compile", "unknown pass '" + dumpAfter + "' for --dump-after; passes: all, "
          + String.join(", ", new java.util.TreeSet<>(Compiler.passNames())));
    Graph g = GraphFiles.load(model);
    Path dumps = dumpAfter == null ? null : Files.createTempDirectory("tcompile-dump");
    try {
      Compiler compiler = new Compiler(dev.tcompile.codegen.Backend.BYTECODE, java.util.Set.copyOf(disable), dumps);
      CompileOptions options = new CompileOptions().disable(disable.toArray(String[]::new));
      ArtifactWriter.Summary s = grad.isEmpty()
          ? Export.write(compiler.inferenceGraph(g), Map.of(), out, g.name(), options)
          : GradientArtifact.write(g, Map.of(), new java.util.LinkedHashSet<>(grad), compiler, Export.info(g.name(), options), out);
      if (dumps != null) printDumps(dumps);
      long biggest = s.methodSizes().values().stream().mapToLong(Integer::longValue).max().orElse(0);
      System.out.println("wrote " + out + ": " + s.classes().size() + " classes (largest method " + biggest + " bytes), "
          + s.weightBytes() + " bytes of weights");
      for (String n : s.notes()) System.out.println("  " + n);
    } finally {
      if (dumps != null) deleteTree(dumps);
    }
    return 0;
  }

  /** The dumped stages after the chosen pass (or all), in order. */
  private void printDumps(Path dumps) throws IOException {
    try (var files = Files.list(dumps)) {
      for (Path p : files.sorted().toList()) {
        String name = p.getFileName().toString();
        if (dumpAfter.equals("all") || name.endsWith("-" + dumpAfter + ".tir")) {
          System.out.println("// after " + name.replaceFirst("\\.tir$", ""));
          System.out.print(Files.readString(p));
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
