package dev.tcompile.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code tcompile} command: one subcommand per job. */
@Command(name = "tcompile", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "PyTorch's eager autograd for Java, and a compiler from traced programs to JVM bytecode.",
    subcommands = {RunCommand.class, ShellCommand.class, DemoCommand.class, TraceCommand.class, CompileCommand.class, InspectCommand.class,
        BenchCommand.class, AotTrainingCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
  boolean verbose;

  @Override public void run() { spec.commandLine().usage(System.out); }

  /** The command line with tcompile's error reporting (one line, stack trace only with --verbose). */
  public static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setParameterExceptionHandler(Cli::onParameterError)
        .setExecutionExceptionHandler(Cli::onException);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
