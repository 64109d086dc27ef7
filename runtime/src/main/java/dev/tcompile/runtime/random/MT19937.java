package dev.tcompile.runtime.random;

/**
 * The 32-bit Mersenne Twister exactly as PyTorch's {@code at::mt19937} ({@code ATen/core/MT19937RNGEngine.h}):
 * the state is seeded with the low 32 bits of the seed ({@code init_genrand}), {@code left} starts at 1 so
 * the first draw regenerates the whole state, and the output is the standard tempering. The full 64-bit seed
 * is kept only to be reported back ({@code initial_seed}).
 *
 * <p>Not thread safe: {@link Generator} serialises access.
 */
public final class MT19937 {
  static final int N = 624;
  static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UMASK = 0x80000000;
  private static final int LMASK = 0x7fffffff;

  private long seed;
  private int left;
  private boolean seeded;
  private int next;
  private final int[] state = new int[N];

  public MT19937(long seed) { initWithUint32(seed); }

  private MT19937(MT19937 o) {
    seed = o.seed;
    left = o.left;
    seeded = o.seeded;
    next = o.next;
    System.arraycopy(o.state, 0, state, 0, N);
  }

  public MT19937 copy() { return new MT19937(this); }

  private void initWithUint32(long s) {
    seed = s;
    seeded = true;
    state[0] = (int) s;
    for (int j = 1; j < N; j++) {
      int prev = state[j - 1];
      state[j] = 1812433253 * (prev ^ (prev >>> 30)) + j;
    }
    left = 1;
    next = 0;
  }

  /** The next 32 random bits (an unsigned value in an int). */
  public int nextInt() {
    if (--left == 0) nextState();
    int y = state[next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y;
  }

  /**
   * Skips {@code n} outputs, leaving the engine where {@code n} calls of {@link #nextInt()} would: the state is
   * regenerated at the same points, only the tempering of the skipped words is not computed.
   */
  public void discard(long n) {
    if (n < 0) throw new IllegalArgumentException("cannot discard a negative count: " + n);
    while (n > 0) {
      long free = left - 1; // draws before the next one regenerates the state
      if (free >= n) {
        left -= (int) n;
        next += (int) n;
        return;
      }
      left = 1;
      next += (int) free;
      n -= free;
      nextState(); // the draw that regenerates, then takes word 0
      next++;
      n--;
    }
  }

  private static int twist(int u, int v) {
    int mixed = (u & UMASK) | (v & LMASK);
    return (mixed >>> 1) ^ ((v & 1) != 0 ? MATRIX_A : 0);
  }

  private void nextState() {
    int[] s = state;
    left = N;
    next = 0;
    int p = 0;
    for (int j = N - M + 1; --j > 0; p++) s[p] = s[p + M] ^ twist(s[p], s[p + 1]);
    for (int j = M; --j > 0; p++) s[p] = s[p + M - N] ^ twist(s[p], s[p + 1]);
    s[p] = s[p + M - N] ^ twist(s[p], s[0]);
  }

  // ---- the raw data (PyTorch's mt19937_data_pod), for state snapshots ----

  public long seed() { return seed; }
  public int left() { return left; }
  public boolean seeded() { return seeded; }
  public int nextIndex() { return next; }
  /** A copy of the 624 state words. */
  public int[] stateWords() { return state.clone(); }

  /** Rebuilds an engine from raw data, as {@code CPUGeneratorImpl::set_state} does. */
  public static MT19937 fromData(long seed, int left, boolean seeded, int next, int[] words) {
    if (words.length != N) throw new IllegalArgumentException("mt19937 state needs " + N + " words, got " + words.length);
    MT19937 e = new MT19937(0);
    e.seed = seed;
    e.left = left;
    e.seeded = seeded;
    e.next = next;
    System.arraycopy(words, 0, e.state, 0, N);
    return e;
  }
}
