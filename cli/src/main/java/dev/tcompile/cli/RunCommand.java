package dev.tcompile.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tcompile run Script.java [args]}: the JDK's source launcher with tcompile on the class path. */
@Command(name = "run", description = "Run a Java source file (e.g. examples/Autograd.java) with tcompile on its class path.")
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SCRIPT", description = "A .java file with a main method.")
  Path script;

  @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments passed to the program.")
  List<String> args = new ArrayList<>();

  @Override public Integer call() throws Exception {
    if (!Files.isRegularFile(script)) {
      System.err.println("tcompile run: no such file: " + script);
      return 2;
    }
    if (!script.toString().endsWith(".java")) {
      System.err.println("tcompile run: expected a .java source file, got " + script);
      return 2;
    }
    List<String> cmd = ChildJvm.javaCommand();
    cmd.add(script.toString());
    cmd.addAll(args);
    return ChildJvm.run(cmd);
  }
}
