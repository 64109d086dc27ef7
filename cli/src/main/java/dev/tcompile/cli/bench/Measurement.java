package dev.tcompile.cli.bench;

import java.util.Locale;

/** One (workload, mode) result: the first call (cold: tracing, compiling, JIT) and the steady state after warm-up. */
public record Measurement(String workload, String mode, int threads, String profile, double firstMs, double medianMs,
    double minMs, int iterations) {

  /** One line of JSON (the format {@code bench/compare_pytorch.py} reads). */
  public String json() {
    return String.format(Locale.ROOT,
        "{\"workload\":\"%s\",\"mode\":\"%s\",\"threads\":%d,\"profile\":\"%s\",\"first_ms\":%.3f,\"median_ms\":%.4f,"
            + "\"min_ms\":%.4f,\"iterations\":%d}",
        workload, mode, threads, profile, firstMs, medianMs, minMs, iterations);
  }
}
