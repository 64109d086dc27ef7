package dev.tcompile.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code tcompile shell}: jshell with the library on the class path and its packages imported. */
@Command(name = "shell", description = "An interactive jshell with tcompile imported (Torch, Tensor, nn, optim, ...).")
final class ShellCommand implements Callable<Integer> {
  static final String IMPORTS = """
      import dev.tcompile.*;
      """;

  @Override public Integer call() throws Exception {
    Path startup = Files.createTempFile("tcompile-shell", ".jsh");
    startup.toFile().deleteOnExit();
    Files.writeString(startup, IMPORTS + "System.out.println(\"tcompile shell: try Torch.ones(2, 2).requiresGrad_(true)\");\n");
    List<String> cmd = List.of(ChildJvm.jdkTool("jshell").toString(),
        "--class-path", ChildJvm.classPath(),
        "--add-modules", "jdk.incubator.vector",
        "-R--add-modules=jdk.incubator.vector",
        "--startup", "DEFAULT", "--startup", startup.toString());
    return ChildJvm.run(cmd);
  }
}
