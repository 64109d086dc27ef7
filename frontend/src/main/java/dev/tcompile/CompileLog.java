package dev.tcompile;

import java.util.Set;

/**
 * Debug-level lines about compilation, on the platform logger {@code dev.tcompile.compile} (java.util.logging's
 * FINE): why a compiled function or train step is compiled again (a new input signature, such as an epoch's smaller
 * last batch, or changed host state), each reason once per function. Off unless that logger is set to FINE, e.g.
 * {@code Logger.getLogger("dev.tcompile.compile").setLevel(Level.FINE)} with a handler at FINE, or the same in a
 * logging.properties given by {@code -Djava.util.logging.config.file}.
 */
final class CompileLog {
  private CompileLog() {}

  static final System.Logger LOG = System.getLogger("dev.tcompile.compile");

  /** Logs that {@code what} is compiled again because of {@code why}, unless {@code logged} already holds the reason. */
  static void recompiled(String what, String why, Set<String> logged) {
    if (why == null || !LOG.isLoggable(System.Logger.Level.DEBUG)) return;
    synchronized (logged) {
      if (!logged.add(why)) return;
    }
    LOG.log(System.Logger.Level.DEBUG, "tcompile: " + what + " compiled again: " + why);
  }

  /** Logs a change in how {@code what} runs (e.g. a speculation starting or ending). */
  static void note(String what, String line) {
    if (LOG.isLoggable(System.Logger.Level.DEBUG)) LOG.log(System.Logger.Level.DEBUG, "tcompile: " + what + ": " + line);
  }
}
