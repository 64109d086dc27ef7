package dev.tcompile.cli;

import dev.tcompile.TorchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * How every subcommand reports trouble: one line on stderr naming the command, a non-zero exit, and the stack trace
 * only with {@code --verbose}. Bad usage exits 2, a failure while running exits 1.
 */
public final class Cli {
  private Cli() {}

  static final int USAGE = 2, FAILURE = 1;

  /** Prints {@code tcompile CMD: message} and returns the usage-error exit code. */
  static int usageError(String command, String message) {
    System.err.println("tcompile " + command + ": " + message);
    return USAGE;
  }

  static int onParameterError(CommandLine.ParameterException e, String[] args) {
    String name = e.getCommandLine().getCommandName();
    String where = "tcompile".equals(name) ? "tcompile" : "tcompile " + name;
    System.err.println(where + ": " + e.getMessage() + " (see '" + where + " --help')");
    if (verbose(e.getCommandLine().getParseResult()) || java.util.Arrays.asList(args).contains("--verbose")) e.printStackTrace();
    return USAGE;
  }

  static int onException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    if (verbose(parsed)) e.printStackTrace();
    System.err.println("tcompile " + cmd.getCommandName() + ": " + oneLine(e));
    return FAILURE;
  }

  /** The exception as a user reads it: our own messages as they are, I/O trouble with the path it concerns. */
  public static String oneLine(Throwable e) {
    if (e instanceof UncheckedIOException u) e = u.getCause();
    String msg;
    if (e instanceof NoSuchFileException f) msg = "no such file: " + f.getFile();
    else if (e instanceof AccessDeniedException f) msg = "permission denied: " + f.getFile();
    else if (e instanceof FileSystemException f) msg = "cannot access " + f.getFile() + (f.getReason() == null ? "" : ": " + f.getReason());
    else if (e instanceof TorchException || e instanceof IOException) msg = e.getMessage();
    else msg = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    if (msg == null) msg = e.getClass().getSimpleName();
    int nl = msg.indexOf('\n');
    return (nl < 0 ? msg : msg.substring(0, nl) + " ...").strip();
  }

  /** Whether --verbose was given (it is accepted before or after the subcommand's name). */
  static boolean verbose(CommandLine.Model.CommandSpec spec) {
    for (CommandLine.Model.CommandSpec s = spec; s != null; s = s.parent()) {
      CommandLine.Model.OptionSpec o = s.findOption("--verbose");
      if (o != null && Boolean.TRUE.equals(o.getValue())) return true;
    }
    return false;
  }

  private static boolean verbose(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand())
      if (p.hasMatchedOption("--verbose")) return true;
    return false;
  }
}
