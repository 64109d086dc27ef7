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

  /**
   * Runs the command with its output copied to this JVM's {@code System.out} / {@code System.err} (so callers and
   * tests that redirect those see it) and returns its exit code. The child's incubator-module warning is dropped:
   * this JVM has printed it already.
   */
  static int runForwarding(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
    Thread out = copier(p.getInputStream(), System.out), err = copier(p.getErrorStream(), System.err);
    int code = p.waitFor();
    out.join();
    err.join();
    return code;
  }

  private static Thread copier(java.io.InputStream from, java.io.PrintStream to) {
    return Thread.ofPlatform().daemon().start(() -> {
      try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(from, java.nio.charset.StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; )
          if (!line.equals("WARNING: Using incubator modules: jdk.incubator.vector")) to.println(line);
        to.flush();
      } catch (java.io.IOException ignored) {
        // the child went away: nothing more to copy
      }
    });
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
