package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import java.util.SplittableRandom;

/**
 * Bernoulli samples as float32 zeros and ones, a pure function of (shape, p, seed): the same seed gives the
 * same mask in eager mode, the IR interpreter and compiled code. Element i is one when the i-th
 * {@link SplittableRandom#nextDouble()} of a generator seeded with {@code seed} is below p.
 */
public final class Bernoulli {
  private Bernoulli() {}

  public static NDArray sample(int[] shape, double p, long seed) {
    NDArray out = NDArray.empty(DType.FLOAT32, shape);
    float[] d = out.floats();
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < d.length; i++) d[i] = r.nextDouble() < p ? 1f : 0f;
    return out;
  }
}
