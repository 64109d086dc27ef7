package dev.tcompile.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tcompile} command: one subcommand per job. */
@Command(name = "tcompile", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "PyTorch's eager autograd for Java, and a compiler from traced programs to JVM bytecode.",
    subcommands = {RunCommand.class, ShellCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override public void run() { spec.commandLine().usage(System.out); }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
