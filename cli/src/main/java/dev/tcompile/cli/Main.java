package dev.tcompile.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tcompile} command: one subcommand per job. */
@Command(name = "tcompile", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "PyTorch's eager autograd for Java, and a compiler from traced programs to JVM bytecode.",
    subcommands = {RunCommand.class, ShellCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--verbose", description = "Print the stack trace of an error, not only its message.")
  boolean verbose;

  @Override public void run() { spec.commandLine().usage(System.out); }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with tcompile's error handling: a bad option or a failure prints one line naming the
   * command and the problem, and exits non-zero; {@code --verbose} (before or after the subcommand) adds the
   * stack trace.
   */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      String name = cmd.getCommandSpec().qualifiedName();
      cmd.getErr().println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
      if (verbose(cmd.getParseResult())) ex.printStackTrace(cmd.getErr());
      cmd.getErr().flush();
      return cmd.getCommandSpec().exitCodeOnInvalidInput();
    });
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
      cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + message);
      if (verbose(parseResult)) ex.printStackTrace(cmd.getErr());
      cmd.getErr().flush();
      return cmd.getCommandSpec().exitCodeOnExecutionException();
    });
    return cl;
  }

  /** Whether {@code --verbose} was given to the top command or the subcommand. */
  private static boolean verbose(CommandLine.ParseResult pr) {
    for (CommandLine.ParseResult p = pr == null ? null : root(pr); p != null; p = p.subcommand())
      if (p.hasMatchedOption("--verbose")) return true;
    return false;
  }

  private static CommandLine.ParseResult root(CommandLine.ParseResult pr) {
    CommandLine c = pr.commandSpec().commandLine();
    while (c.getParent() != null) c = c.getParent();
    return c.getParseResult() != null ? c.getParseResult() : pr;
  }
}
