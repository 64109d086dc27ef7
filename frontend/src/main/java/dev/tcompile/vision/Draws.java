package dev.tcompile.vision;

import dev.tcompile.Torch;
import dev.tcompile.data.LoaderRandom;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Where a random transform draws from: its own generator when built with a seed; else the generator a
 * DataLoader installs for the batch being built (reproducible whatever the number of workers); else
 * PyTorch's default generator ({@code Torch.manualSeed}), through the same calls torchvision makes.
 */
final class Draws {
  private final Random own;

  private Draws(Random own) { this.own = own; }

  static Draws fromDefault() { return new Draws(null); }

  static Draws seeded(long seed) { return new Draws(new Random(seed)); }

  /** {@code torch.rand(1).item()}. */
  double uniform() {
    RandomGenerator g = generator();
    return g != null ? g.nextDouble() : Torch.rand(1).toFloatArray()[0];
  }

  /** {@code torch.randint(0, bound, (1,)).item()}. */
  int below(int bound) {
    RandomGenerator g = generator();
    return g != null ? g.nextInt(bound) : (int) Torch.randint(0, bound, 1).toLongArray()[0];
  }

  private RandomGenerator generator() { return own != null ? own : LoaderRandom.current(); }
}
