package dev.tcompile;

import dev.tcompile.runtime.NDArray;
import java.util.Random;

/** The default random source behind rand, randn, randint, randperm, uniform_ and normal_. */
final class Rng {
  private Rng() {}

  private static final Random RANDOM = new Random();

  static synchronized void manualSeed(long seed) { RANDOM.setSeed(seed); }

  /** A seed for an op that samples from its own seeded generator (bernoulli): one draw from this generator. */
  static synchronized long nextSeed() { return RANDOM.nextLong(); }

  static synchronized NDArray uniform(int[] shape, double from, double to) {
    NDArray a = NDArray.empty(DType.FLOAT32, shape);
    float[] d = a.floats();
    for (int i = 0; i < d.length; i++) d[i] = (float) (from + (to - from) * RANDOM.nextFloat());
    return a;
  }

  static synchronized NDArray normal(int[] shape, double mean, double std) {
    NDArray a = NDArray.empty(DType.FLOAT32, shape);
    float[] d = a.floats();
    for (int i = 0; i < d.length; i++) d[i] = (float) (mean + std * RANDOM.nextGaussian());
    return a;
  }

  static synchronized NDArray randint(long low, long high, int[] shape) {
    if (low >= high) throw new TorchException("random_ expects 'from' to be less than 'to', but got from=" + low + " >= to=" + high);
    NDArray a = NDArray.empty(DType.INT64, shape);
    long[] d = a.longs();
    for (int i = 0; i < d.length; i++) d[i] = low + (long) Math.floor(RANDOM.nextDouble() * (high - low));
    return a;
  }

  static synchronized NDArray randperm(int n) {
    NDArray a = NDArray.empty(DType.INT64, n);
    long[] d = a.longs();
    for (int i = 0; i < n; i++) d[i] = i;
    for (int i = n - 1; i > 0; i--) { int j = RANDOM.nextInt(i + 1); long t = d[i]; d[i] = d[j]; d[j] = t; }
    return a;
  }
}
