package dev.tcompile.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a tool of this JDK (java, jshell) with the library on its class path and the Vector API enabled. */
final class ChildJvm {
  private ChildJvm() {}

  static Path jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name);
  }

  static String classPath() { return System.getProperty("java.class.path"); }

  /** Runs the command with inherited I/O and returns its exit code. */
  static int run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    return p.waitFor();
  }

  static List<String> javaCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(jdkTool("java").toString());
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.add("-cp");
    cmd.add(classPath());
    return cmd;
  }
}
