package dev.tcompile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tcompile command's subcommands, run in-process through picocli. */
class CliTest {
  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    CliRun r = CliRun.of(args);
    return new Result(r.code(), r.out(), r.err());
  }

  @Test void badDemoOptionsPrintOneLineAndTrainNothing(@TempDir Path dir) throws Exception {
    Path readOnly = dir.resolve("file-not-folder");
    Files.writeString(readOnly, "x");
    String[][] cases = {
        {"--batch-size=0", "tcompile demo: Invalid value for option '--batch-size': must be a positive integer, got 0 (see 'tcompile demo --help')"},
        {"--epochs=-1", "tcompile demo: Invalid value for option '--epochs': must be 0 or more, got -1 (see 'tcompile demo --help')"},
        {"--batch-size=abc", "tcompile demo: Invalid value for option '--batch-size': 'abc' is not an int (see 'tcompile demo --help')"},
        {"--data=" + dir.resolve("missing"), "tcompile demo: Invalid value for option '--data': no such folder: " + dir.resolve("missing")
            + " (see 'tcompile demo --help')"},
        {"--figures=" + readOnly.resolve("sub"), "tcompile demo: Invalid value for option '--figures': cannot write figures to "
            + readOnly.resolve("sub")},
        {"--spark=nowhere", "tcompile demo: Invalid value for option '--spark': expected local[N] or a master URL such as spark://host:7077, got nowhere"}};
    for (String[] c : cases) {
      Result r = run("demo", c[0]);
      assertEquals(2, r.code(), c[0]);
      assertEquals("", r.out(), "nothing loaded or trained for " + c[0]);
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().startsWith(c[1]), r.err());
    }
    Result verbose = run("demo", "--batch-size=0", "--verbose");
    assertTrue(verbose.err().contains("\tat "), "--verbose adds the stack trace: " + verbose.err());
  }

  @Test void sparkDemoReplicasDefaultToTheLocalSlots() {
    assertEquals(4, DemoCommand.sparkSlots("local[4]"));
    assertEquals(3, DemoCommand.sparkSlots("local[3,2]"));
    assertEquals(2, DemoCommand.sparkSlots("spark://host:7077"));
    Result r = run("demo", "--spark", "local[2]", "--eager");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("tcompile demo: Invalid value for option '--spark': cannot be combined with --eager"), r.err());
  }

  @Test void aFailureInsideACommandIsOneLine(@TempDir Path empty) {
    Result r = run("demo", "--data", empty.toString(), "--figures", empty.resolve("fig").toString());
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("tcompile demo: "), r.err());
    assertTrue(run("--verbose", "demo", "--data", empty.toString(), "--figures", empty.resolve("fig").toString()).err().contains("\tat "));
  }

  @Test void demoTrainsTheSeedCnnAndDrawsItsFigures(@TempDir Path figures) throws Exception {
    Path times = figures.resolve("steps.csv");
    Result r = run("demo", "--epochs", "1", "--no-progress", "--figures", figures.toString(), "--data", Home.path().resolve("data").toString(),
        "--step-times", times.toString());
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().contains("8000 training and 2000 test digits; compiled training"), r.out());
    Matcher m = Pattern.compile("epoch 1: mean loss [0-9.]+, test accuracy ([0-9.]+)% \\((\\d+)/2000\\)").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(Integer.parseInt(m.group(2)) > 1700, "one epoch reaches over 85%: " + r.out());
    for (String f : new String[]{"digit.png", "weight.png", "input_weight_output.png", "pooling.png"})
      assertTrue(Files.isRegularFile(figures.resolve(f)), f);
    // the hidden --step-times: one row per step (8,000 digits in batches of 64: 125 steps), wall and CPU times
    List<String> rows = Files.readAllLines(times);
    assertTrue(rows.get(0).matches("# JVM uptime at the first step: \\d+ ms"), rows.get(0));
    assertEquals("epoch,step,wall_ms,cpu_ms", rows.get(1));
    assertEquals(2 + 125, rows.size());
    for (int i = 0; i < 125; i++) {
      String[] f = rows.get(2 + i).split(",");
      assertEquals("1", f[0]);
      assertEquals(Integer.toString(i + 1), f[1]);
      assertTrue(Double.parseDouble(f[2]) > 0 && Double.parseDouble(f[3]) >= 0, rows.get(2 + i));
    }
  }

  @Test void runExecutesASourceFileWithTheLibrary(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("Hello.java");
    Files.writeString(script, """
        import dev.tcompile.*;
        public class Hello {
          public static void main(String[] args) {
            System.out.println(Torch.tensor(3f, 4f).requiresGrad_(true).mul(2.0) + " " + args[0]);
          }
        }
        """);
    Path out = dir.resolve("out.txt");
    ProcessBuilder pb = new ProcessBuilder(ChildJvm.javaCommand()).redirectOutput(out.toFile());
    pb.command().add(script.toString());
    pb.command().add("ok");
    assertEquals(0, pb.start().waitFor());
    assertEquals("tensor([6., 8.], grad_fn=<MulBackward0>) ok\n", Files.readString(out));
    CliRun.of("run", dir.resolve("Missing.java").toString()).failsWith(2, "tcompile run: no such file: ");
  }

  @Test void unknownOptionsAndCommandsAreOneLineUsageErrors() {
    CliRun.of("--frobnicate").failsWith(2, "tcompile: Unknown option: '--frobnicate' (see 'tcompile --help')");
    CliRun.of("frobnicate").failsWith(2, "tcompile: Unmatched argument at index 0: 'frobnicate'");
    CliRun.of("demo", "--epochs", "two").failsWith(2, "tcompile demo: Invalid value for option '--epochs'");
  }

  @Test void helpListsTheCommands() {
    Result r = run("--help");
    assertEquals(0, r.code());
    for (String c : new String[]{"run", "shell", "demo", "trace", "inspect", "bench"}) assertTrue(r.out().contains("  " + c + " "), r.out());
  }
}
