package dev.tcompile.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The stream of decisions a generated program is built from. Fresh, it draws them from a seeded random source;
 * replaying, it reads them from a list (0 past its end). Either way it records the values it handed out, so a
 * program is fully described by that list and the shrinker can edit the list instead of the program: every
 * list yields a valid program, and smaller numbers mean simpler choices (0 = stop, smallest size, first option).
 */
final class Choices {
  private final SplittableRandom random;
  private final int[] replay;
  private int pos;
  private int[] used = new int[64];
  private int count;

  private Choices(SplittableRandom random, int[] replay) {
    this.random = random;
    this.replay = replay;
  }

  static Choices fresh(long seed) { return new Choices(new SplittableRandom(seed), null); }

  static Choices replay(int[] choices) { return new Choices(null, choices.clone()); }

  /** A value in [0, bound); a replayed value out of range is taken modulo the bound. */
  int next(int bound) {
    if (bound <= 1) return 0; // no decision: neither read nor recorded, so replays stay aligned
    int v;
    if (random != null) v = random.nextInt(bound);
    else v = pos < replay.length ? Math.floorMod(replay[pos], bound) : 0;
    pos++;
    return record(v);
  }

  /** True with the given percentage when fresh; a replayed 0 means false. */
  boolean percent(int p) { return next(100) >= 100 - p; }

  /** One of the options, the first being the simplest. */
  @SafeVarargs
  final <T> T pick(T... options) { return options[next(options.length)]; }

  int pickInt(int... options) { return options[next(options.length)]; }

  private int record(int v) {
    if (count == used.length) used = Arrays.copyOf(used, count * 2);
    used[count++] = v;
    return v;
  }

  /** The decisions handed out so far: replaying them rebuilds the same program. */
  int[] used() { return Arrays.copyOf(used, count); }
}
