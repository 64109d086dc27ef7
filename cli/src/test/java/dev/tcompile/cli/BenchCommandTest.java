package dev.tcompile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.runtime.Parallel;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** tcompile bench: JSON lines and the table for a small workload, the workload list, and bad input. */
class BenchCommandTest {
  private static final Pattern JSON = Pattern.compile("\\{\"workload\":\"sgemm_256\",\"mode\":\"(eager|compiled)\",\"threads\":1,"
      + "\"profile\":\"quick\",\"first_ms\":([0-9.]+),\"median_ms\":([0-9.]+),\"min_ms\":([0-9.]+),\"iterations\":(\\d+)}");

  @Test void jsonGivesOneObjectPerWorkloadAndMode() {
    int threadsBefore = Parallel.threads();
    CliRun r = CliRun.of("bench", "--quick", "--json", "--only", "sgemm_256", "--threads", "1", "--warmup-ms", "0", "--measure-ms", "0");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertEquals(2, lines.length, r.out());
    for (int i = 0; i < 2; i++) {
      Matcher m = JSON.matcher(lines[i]);
      assertTrue(m.matches(), lines[i]);
      assertEquals(i == 0 ? "eager" : "compiled", m.group(1));
      double median = Double.parseDouble(m.group(3)), min = Double.parseDouble(m.group(4));
      assertTrue(min > 0 && min <= median, lines[i]);
      assertEquals(5, Integer.parseInt(m.group(5)), "the quick profile's minimum number of timed calls");
    }
    assertEquals(threadsBefore, Parallel.threads(), "--threads applies to the run only");
  }

  @Test void tablePrintsBothModesAndTheSpeedUp() {
    CliRun r = CliRun.of("bench", "--quick", "--only", "sgemm_256", "--threads", "1", "--warmup-ms", "0", "--measure-ms", "0");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertEquals(3, lines.length, r.out());
    assertEquals("tcompile bench, quick profile, 1 thread: median ms after warm-up (first call ms)", lines[0]);
    assertTrue(lines[1].startsWith("workload ") && lines[1].endsWith("compiled speed-up"), lines[1]);
    assertTrue(lines[2].matches("sgemm_256 +[0-9.]+ \\([0-9.]+\\) +[0-9.]+ \\([0-9.]+\\) +[0-9.]+x"), lines[2]);
  }

  @Test void listNamesEveryWorkload() {
    CliRun r = CliRun.of("bench", "--list");
    assertEquals(0, r.code());
    assertEquals(14, r.out().strip().split("\n").length, r.out());
    assertTrue(r.out().contains("\ngelu_1m                F.gelu (exact, erf), forward + backward, 1M floats\n"), r.out());
    assertTrue(r.out().startsWith("mnist_train_b32        MNIST CNN train step (SGD), batch 32\n"), r.out());
    assertTrue(r.out().contains("\nsgemm_1024             matmul of two 1024x1024 float matrices\n"), r.out());
  }

  @Test void badInputIsAOneLineError() {
    CliRun.of("bench", "--only", "sgemm_99").failsWith(2, "tcompile bench: no workload named 'sgemm_99'; known: mnist_train_b32, ");
    CliRun.of("bench", "--threads", "0").failsWith(2, "tcompile bench: --threads must be at least 1, got 0");
    CliRun.of("bench", "--threads", "two").failsWith(2, "tcompile bench: Invalid value for option '--threads'");
    CliRun.of("bench", "--warmup-ms", "-1").failsWith(2, "tcompile bench: --warmup-ms and --measure-ms must not be negative");
    CliRun.of("bench", "--fast").failsWith(2, "tcompile bench: Unknown option: '--fast' (see 'tcompile bench --help')");
  }
}
