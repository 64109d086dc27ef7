package dev.tcompile.data;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The generator a {@link DataLoader} installs on the thread that builds a batch, seeded from the epoch's seed
 * and the batch number. Random transforms draw from it when present, so a batch comes out the same whether
 * it was built on the caller's thread or by a worker, and whatever the number of workers.
 */
public final class LoaderRandom {
  private LoaderRandom() {}

  private static final ThreadLocal<RandomGenerator> CURRENT = new ThreadLocal<>();

  /** The generator of the batch being built on this thread, or null outside a DataLoader. */
  public static RandomGenerator current() { return CURRENT.get(); }

  static <T> T with(long seed, java.util.function.Supplier<T> body) {
    RandomGenerator previous = CURRENT.get();
    CURRENT.set(new SplittableRandom(seed));
    try {
      return body.get();
    } finally {
      if (previous == null) CURRENT.remove();
      else CURRENT.set(previous);
    }
  }

  /** SplitMix64's finaliser over (a, b): well-spread seeds from an epoch seed and a counter. */
  static long mix(long a, long b) {
    long z = a + 0x9E3779B97F4A7C15L * (b + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
