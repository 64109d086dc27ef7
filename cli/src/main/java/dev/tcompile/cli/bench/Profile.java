package dev.tcompile.cli.bench;

/**
 * How long to warm up and measure each (workload, mode): at least {@code minIterations} timed calls and at least
 * {@code measureMs} of them, at most {@code maxIterations}.
 */
public record Profile(String name, long warmupMs, long measureMs, int minIterations, int maxIterations) {
  public static final Profile FULL = new Profile("full", 3000, 5000, 20, 2000);
  public static final Profile QUICK = new Profile("quick", 1000, 1000, 5, 200);

  public Profile withTimes(Long warmup, Long measure) {
    return new Profile(name, warmup != null ? warmup : warmupMs, measure != null ? measure : measureMs, minIterations, maxIterations);
  }
}
