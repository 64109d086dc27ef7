package dev.tcompile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the tcompile command in-process (as the launcher does, with its error handling) and captures its output. */
record CliRun(int code, String out, String err) {
  static CliRun of(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out, oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Main.commandLine().execute(args);
      return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** A failure reported as the CLI promises: this exit code, and exactly one line on stderr, without a stack trace. */
  CliRun failsWith(int expectedCode, String startOfLine) {
    assertEquals(expectedCode, code, this::toString);
    String[] lines = err.strip().split("\n");
    assertEquals(1, lines.length, "one line on stderr: " + err);
    assertTrue(lines[0].startsWith(startOfLine), "stderr: " + err);
    assertFalse(err.contains("\tat "), "no stack trace: " + err);
    return this;
  }
}
