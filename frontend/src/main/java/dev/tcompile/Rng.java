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
   * The input of a random IR op (bernoulli): the default generator's engine state, after which the generator
   * skips the {@code draws32} draws the op makes from that state, so the next op draws what it would in PyTorch.
   */
  static NDArray takeState(long draws32) {
    Generator g = Generator.defaultGenerator();
    g.mutex().lock();
    try {
      long[] s = g.engineState();
      g.discard(draws32);
      return NDArray.wrap(s, s.length);
    } finally {
      g.mutex().unlock();
    }
  }

  /** {@code like.bernoulli_(p)}'s values, drawn in {@code like}'s memory order (any layout). */
  static NDArray bernoulliLike(NDArray like, double p) {
    Tracing.randomDraw();
    return Distributions.bernoulli(sameLayout(like), p);
  }

  /** {@code like.bernoulli_(probs)}'s values: one float uniform per element, in TensorIterator's order over (like, probs). */
  static NDArray bernoulliLike(NDArray like, NDArray probs) {
    Tracing.randomDraw();
    return Distributions.bernoulli(sameLayout(like), probs, null);
  }

  /** {@code torch.bernoulli(probs)}: one float uniform per element, in TensorIterator's order over probs. */
  static NDArray bernoulliOf(NDArray probs) {
    Tracing.randomDraw();
    return Distributions.bernoulli(probs);
  }

  static NDArray uniform(int[] shape, double from, double to) { return uniform(DType.FLOAT32, shape, from, to); }

  static NDArray normal(int[] shape, double mean, double std) { return normal(DType.FLOAT32, shape, mean, std); }

  static NDArray uniform(DType dtype, int[] shape, double from, double to) {
    Tracing.randomDraw();
    return Distributions.uniform(NDArray.empty(dtype, shape), from, to);
  }

  static NDArray normal(DType dtype, int[] shape, double mean, double std) {
    Tracing.randomDraw();
    return Distributions.normal(NDArray.empty(dtype, shape), mean, std);
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

  /** A double as C++'s {@code operator<<} prints it in PyTorch's messages (6 significant digits, no trailing zeros). */
  static String cDouble(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e6) return Long.toString((long) v);
    String s = new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    return s;
  }
}
