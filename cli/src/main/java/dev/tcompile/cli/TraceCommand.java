package dev.tcompile.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tcompile trace Script.java -o model.tir}: traces a model defined in Java (in a child JVM) and saves its graph. */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = {"Trace a model defined in a Java source file and save its graph as text IR (.tir), with large "
        + "constants (the weights) in a safetensors file beside it.",
        "The file's class implements dev.tcompile.Traceable: examples() gives example inputs (they fix the shapes), "
            + "and model() a module (traced in eval mode; its parameters become constants named as in its stateDict) "
            + "or fn() a function of tensors."})
final class TraceCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SCRIPT", description = "A .java file with a class implementing dev.tcompile.Traceable.")
  Path script;

  @Option(names = {"-o", "--output"}, paramLabel = "MODEL.tir", description = "Where to write the graph (default: SCRIPT's name with .tir).")
  Path output;

  @Spec CommandSpec spec;

  @Override public Integer call() throws Exception {
    if (!Files.isRegularFile(script)) return Cli.usageError("trace", "no such file: " + script);
    if (!script.toString().endsWith(".java")) return Cli.usageError("trace", "expected a .java source file, got " + script);
    Path out = output != null ? output : Path.of(script.getFileName().toString().replaceFirst("\\.java$", ".tir"));
    if (!out.getFileName().toString().endsWith(".tir")) return Cli.usageError("trace", "the output should end in .tir, got " + out);
    if (Files.isDirectory(out)) return Cli.usageError("trace", "the output is a directory: " + out);
    List<String> cmd = ChildJvm.javaCommand();
    cmd.addAll(List.of("dev.tcompile.cli.trace.TraceMain", script.toString(), out.toString()));
    if (Cli.verbose(spec)) cmd.add("--verbose");
    return ChildJvm.runForwarding(cmd);
  }
}
