package dev.tcompile.bench;

/**
 * The round trip of a cache line between two threads, in ns: on this project's 2-vCPU VM it is about 70 ns while the
 * host keeps both vCPUs on one L3 and about 370 ns while it puts them on two, and a benchmark whose threads hand
 * data to each other (the MNIST train step) runs at a different speed in each state. {@code run-compiler.sh} prints
 * it before and after the JMH run so that a table says which state it was measured in.
 * {@code java -cp bench/target/benchmarks.jar dev.tcompile.bench.CoreLatency [milliseconds]}
 */
public final class CoreLatency {
  private CoreLatency() {}

  private static volatile long turn;

  /** Median of ten windows of {@code millis / 10}: the main thread makes {@code turn} odd, the other makes it even. */
  public static double roundTripNanos(long millis) throws InterruptedException {
    turn = 0;
    Thread echo = new Thread(() -> {
      while (true) {
        long t = turn;
        if (t < 0) return;
        if ((t & 1) == 1) turn = t + 1;
      }
    }, "core-latency-echo");
    echo.setDaemon(true);
    echo.start();
    double[] windows = new double[10];
    try {
      for (int w = 0; w < windows.length; w++) {
        long t0 = System.nanoTime(), trips = 0, end = t0 + millis * 100_000L;
        while (System.nanoTime() < end) {
          for (int k = 0; k < 1000; k++) {
            long t = turn;
            turn = t + 1;
            while (turn == t + 1) Thread.onSpinWait();
          }
          trips += 1000;
        }
        windows[w] = (System.nanoTime() - t0) / (double) trips;
      }
    } finally {
      turn = -1;
      echo.join();
    }
    java.util.Arrays.sort(windows);
    return (windows[4] + windows[5]) / 2;
  }

  public static void main(String[] args) throws InterruptedException {
    long millis = args.length > 0 ? Long.parseLong(args[0]) : 500;
    System.out.printf(java.util.Locale.ROOT, "%.0f%n", roundTripNanos(millis));
  }
}
