package dev.tcompile;

import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.random.Distributions;
import dev.tcompile.runtime.random.Generator;

/**
 * The default generator behind rand, randn, randint, randperm, uniform_ and normal_: PyTorch's CPU generator,
 * bit for bit, so {@code Torch.manualSeed(s)} reproduces {@code torch.manual_seed(s)}'s numbers.
 */
final class Rng {
  private Rng() {}

  static void manualSeed(long seed) { Generator.defaultGenerator().manualSeed(seed); }

  /**
   * A seed for an op that samples from its own seeded generator (bernoulli): one 64-bit draw, as PyTorch draws
   * a seed for its MKL bernoulli stream.
   */
  static long nextSeed() { return Generator.defaultGenerator().random64(); }

  static NDArray uniform(int[] shape, double from, double to) {
    Tracing.randomDraw();
    return Distributions.uniform(NDArray.empty(DType.FLOAT32, shape), from, to);
  }

  static NDArray normal(int[] shape, double mean, double std) {
    Tracing.randomDraw();
    return Distributions.normal(NDArray.empty(DType.FLOAT32, shape), mean, std);
  }

  /** Values for an in-place fill of {@code like}: drawn in {@code like}'s memory order, as PyTorch fills views. */
  static NDArray uniformLike(NDArray like, double from, double to) {
    Tracing.randomDraw();
    return Distributions.uniform(sameLayout(like), from, to);
  }

  static NDArray normalLike(NDArray like, double mean, double std) {
    Tracing.randomDraw();
    return Distributions.normal(sameLayout(like), mean, std);
  }

  private static NDArray sameLayout(NDArray like) {
    if (like.isContiguous()) return NDArray.empty(like.dtype(), like.shape());
    return NDArray.empty(like.dtype(), like.storageLength()).view(like.shape(), like.strides(), like.offset());
  }

  static NDArray randint(long low, long high, int[] shape) {
    Tracing.randomDraw();
    if (low >= high) throw new TorchException("random_ expects 'from' to be less than 'to', but got from=" + low + " >= to=" + high);
    return Distributions.randint(low, high, shape);
  }

  static NDArray randperm(int n) {
    Tracing.randomDraw();
    if (n < 0) throw new TorchException("n must be non-negative, got" + n);
    return Distributions.randperm(n);
  }
}
