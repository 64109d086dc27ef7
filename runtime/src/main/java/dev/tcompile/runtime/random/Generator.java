package dev.tcompile.runtime.random;

import dev.tcompile.TorchException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * PyTorch's CPU generator ({@code at::CPUGeneratorImpl}): an {@link MT19937} engine plus the one-sample caches
 * that the scalar Box-Muller path ({@code at::normal_distribution}) fills, so that the same seed and the same
 * sequence of ops give the same numbers as {@code torch.manual_seed} in PyTorch 1.13.
 *
 * <p>Seeds are 64-bit values with unsigned meaning, as PyTorch's {@code uint64_t}: a negative Java long is
 * the seed PyTorch gets from the same negative Python int. Only the low 32 bits reach the engine.
 *
 * <p>Thread safety: every fill routine in {@link Distributions} holds {@link #mutex()} for the whole fill, as
 * PyTorch holds {@code generator->mutex_}; the public single-draw methods take it too (it is reentrant), so
 * a caller that needs several draws to be consecutive holds {@code mutex()} around them.
 */
public final class Generator {
  /** {@code default_rng_seed_val}: the seed of a new {@code torch.Generator()} (not of the default generator). */
  public static final long DEFAULT_RNG_SEED = 67280421310721L;

  /** Size of {@link #getState()}: {@code sizeof(CPUGeneratorImplState)} on x86-64. */
  public static final int STATE_SIZE = 5056;
  /** Size of the legacy ({@code THGeneratorState}) layout that {@link #setState(byte[])} also accepts. */
  public static final int LEGACY_STATE_SIZE = 5048;

  private final ReentrantLock mutex = new ReentrantLock();
  private MT19937 engine;
  private boolean hasNextFloatNormal;
  private float nextFloatNormal;
  private boolean hasNextDoubleNormal;
  private double nextDoubleNormal;

  /** A generator seeded with {@link #DEFAULT_RNG_SEED}, as {@code torch.Generator()}. */
  public Generator() { this(DEFAULT_RNG_SEED); }

  public Generator(long seed) { engine = new MT19937(seed); }

  private static final class DefaultHolder {
    static final Generator DEFAULT = new Generator(nonDeterministicSeed());
  }

  /**
   * The process-wide generator that every op without an explicit generator uses ({@code
   * at::detail::getDefaultCPUGenerator()}). Like PyTorch's, it starts from a non-deterministic 64-bit seed
   * (PyTorch reads /dev/urandom); call {@link #manualSeed} for reproducible numbers.
   */
  public static Generator defaultGenerator() { return DefaultHolder.DEFAULT; }

  /** 64 bits from the OS entropy source, as {@code c10::detail::getNonDeterministicRandom()}. */
  public static long nonDeterministicSeed() {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    return ByteBuffer.wrap(b).getLong();
  }

  /** The lock PyTorch calls {@code generator->mutex_}; reentrant. */
  public ReentrantLock mutex() { return mutex; }

  /** {@code torch.Generator.manual_seed}: reseeds the engine and clears both normal caches. */
  public Generator manualSeed(long seed) {
    mutex.lock();
    try {
      setCurrentSeedLocked(seed);
    } finally {
      mutex.unlock();
    }
    return this;
  }

  private void setCurrentSeedLocked(long seed) {
    hasNextFloatNormal = false;
    hasNextDoubleNormal = false;
    nextFloatNormal = 0f;
    nextDoubleNormal = 0d;
    engine = new MT19937(seed);
  }

  /** {@code torch.Generator.seed}: reseeds from a non-deterministic source and returns that seed. */
  public long seed() {
    long s = nonDeterministicSeed();
    manualSeed(s);
    return s;
  }

  /** {@code initial_seed()}: the last seed set (unsigned 64-bit meaning). */
  public long initialSeed() {
    mutex.lock();
    try {
      return engine.seed();
    } finally {
      mutex.unlock();
    }
  }

  /** {@code CPUGeneratorImpl::random()}: the next 32 random bits, as an unsigned value in [0, 2^32). */
  public long random() {
    mutex.lock();
    try {
      return Integer.toUnsignedLong(engine.nextInt());
    } finally {
      mutex.unlock();
    }
  }

  /** {@code CPUGeneratorImpl::random64()}: two 32-bit draws, the first one the high half. */
  public long random64() {
    mutex.lock();
    try {
      return next64();
    } finally {
      mutex.unlock();
    }
  }

  // ---- unlocked draws for fill routines (callers hold the mutex) ----

  int next32() { return engine.nextInt(); }

  long next64() {
    long hi = Integer.toUnsignedLong(engine.nextInt());
    long lo = Integer.toUnsignedLong(engine.nextInt());
    return (hi << 32) | lo;
  }

  /** {@code uniform_real_distribution<float>(0, 1)}: 24 random bits scaled by 2^-24, in [0, 1). */
  float nextFloat01() { return (engine.nextInt() & 0xFFFFFF) * 0x1.0p-24f; }

  /** {@code uniform_real_distribution<double>(0, 1)}: the low 53 bits of random64() scaled by 2^-53. */
  double nextDouble01() { return (next64() & ((1L << 53) - 1)) * 0x1.0p-53; }

  boolean hasNextDoubleNormal() { return hasNextDoubleNormal; }

  double takeNextDoubleNormal() {
    hasNextDoubleNormal = false;
    return nextDoubleNormal;
  }

  void setNextDoubleNormal(double v) {
    hasNextDoubleNormal = true;
    nextDoubleNormal = v;
  }

  // ---- state ----

  /** The cached second Box-Muller sample of the double path, if any ({@code next_double_normal_sample}). */
  public Double nextDoubleNormalSample() {
    mutex.lock();
    try {
      return hasNextDoubleNormal ? nextDoubleNormal : null;
    } finally {
      mutex.unlock();
    }
  }

  /** The cached sample of the float path ({@code next_float_normal_sample}); no CPU op of 1.13 fills it. */
  public Float nextFloatNormalSample() {
    mutex.lock();
    try {
      return hasNextFloatNormal ? nextFloatNormal : null;
    } finally {
      mutex.unlock();
    }
  }

  /**
   * {@code torch.get_rng_state()} / {@code Generator.get_state()}: the {@code CPUGeneratorImplState} bytes
   * exactly as PyTorch 1.13 on x86-64 lays them out (little-endian, {@value #STATE_SIZE} bytes), so a state
   * saved here loads in PyTorch and the other way round.
   */
  public byte[] getState() {
    mutex.lock();
    try {
      ByteBuffer b = ByteBuffer.allocate(STATE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      b.putLong(0, engine.seed());
      b.putInt(8, engine.left());
      b.putInt(12, engine.seeded() ? 1 : 0);
      b.putLong(16, Integer.toUnsignedLong(engine.nextIndex()));
      int[] words = engine.stateWords();
      for (int i = 0; i < MT19937.N; i++) b.putLong(24 + 8 * i, Integer.toUnsignedLong(words[i]));
      // legacy normal_x (5016) and normal_rho (5032) stay 0.0: PyTorch writes dummies there
      if (hasNextDoubleNormal) {
        b.putDouble(5024, nextDoubleNormal);
        b.putInt(5040, 1);
      }
      if (hasNextFloatNormal) {
        b.putFloat(5048, nextFloatNormal);
        b.put(5052, (byte) 1);
      }
      return b.array();
    } finally {
      mutex.unlock();
    }
  }

  /**
   * {@code torch.set_rng_state()} / {@code Generator.set_state()}: accepts the {@value #STATE_SIZE}-byte
   * layout of {@link #getState()} and the {@value #LEGACY_STATE_SIZE}-byte legacy one, with PyTorch's checks.
   */
  public void setState(byte[] state) {
    if (state.length != STATE_SIZE && state.length != LEGACY_STATE_SIZE)
      throw new TorchException("Expected either a CPUGeneratorImplStateLegacy of size " + LEGACY_STATE_SIZE
          + " or a CPUGeneratorImplState of size " + STATE_SIZE + " but found the input RNG state size to be "
          + state.length);
    ByteBuffer b = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
    boolean floatValid = false, doubleValid = false;
    float floatSample = 0f;
    double doubleSample = 0d;
    if (state.length == LEGACY_STATE_SIZE) {
      if (b.getInt(5040) != 0) {
        // the legacy layout kept (x, rho) of the pending pair; PyTorch rebuilds the sine sample from them
        double r = b.getDouble(5032);
        double theta = 2.0 * Math.PI * b.getDouble(5016);
        doubleValid = true;
        doubleSample = r * StrictMath.sin(theta);
      }
    } else {
      if (b.get(5052) != 0) {
        floatValid = true;
        floatSample = b.getFloat(5048);
      }
      if (b.getInt(5040) != 0) {
        doubleValid = true;
        doubleSample = b.getDouble(5024);
      }
    }
    int[] words = new int[MT19937.N];
    for (int i = 0; i < MT19937.N; i++) words[i] = (int) b.getLong(24 + 8 * i);
    long seed = b.getLong(0);
    int left = b.getInt(8);
    boolean seeded = b.getInt(12) != 0;
    int next = (int) b.getLong(16);
    if (!(seeded && left > 0 && left <= MT19937.N && Integer.compareUnsigned(next, MT19937.N) <= 0))
      throw new TorchException("Invalid mt19937 state");
    MT19937 e = MT19937.fromData(seed, left, seeded, next, words);
    mutex.lock();
    try {
      engine = e;
      hasNextFloatNormal = floatValid;
      nextFloatNormal = floatSample;
      hasNextDoubleNormal = doubleValid;
      nextDoubleNormal = doubleSample;
    } finally {
      mutex.unlock();
    }
  }

  /** Length of {@link #engineState()}: seed, left, seeded, next index, then the 624 state words. */
  public static final int ENGINE_STATE_LENGTH = 4 + MT19937.N;

  /**
   * The engine's state as {@value #ENGINE_STATE_LENGTH} longs (seed, left, seeded, next index, words as
   * unsigned values): what a random IR op takes as its input so it can replay the draws of the default
   * generator from this point. The normal-sample caches are not included (no op that reads it uses them).
   */
  public long[] engineState() {
    mutex.lock();
    try {
      long[] v = new long[ENGINE_STATE_LENGTH];
      v[0] = engine.seed();
      v[1] = engine.left();
      v[2] = engine.seeded() ? 1 : 0;
      v[3] = engine.nextIndex();
      int[] w = engine.stateWords();
      for (int i = 0; i < MT19937.N; i++) v[4 + i] = Integer.toUnsignedLong(w[i]);
      return v;
    } finally {
      mutex.unlock();
    }
  }

  /** A new generator whose engine is {@code v} (from {@link #engineState()}) and whose caches are empty. */
  public static Generator fromEngineState(long[] v) {
    if (v.length != ENGINE_STATE_LENGTH)
      throw new TorchException("a generator state needs " + ENGINE_STATE_LENGTH + " values, got " + v.length);
    int left = (int) v[1], next = (int) v[3];
    if (v[2] != 1 || left <= 0 || left > MT19937.N || next < 0 || next > MT19937.N) throw new TorchException("Invalid mt19937 state");
    int[] w = new int[MT19937.N];
    for (int i = 0; i < MT19937.N; i++) w[i] = (int) v[4 + i];
    Generator g = new Generator(0);
    g.engine = MT19937.fromData(v[0], left, true, next, w);
    return g;
  }

  /** Advances the engine by {@code n} 32-bit draws without producing them (as {@code n} calls of {@link #random()}). */
  public void discard(long n) {
    mutex.lock();
    try {
      engine.discard(n);
    } finally {
      mutex.unlock();
    }
  }

  /** An immutable Java-side copy of the whole generator state, cheaper than {@link #getState()}. */
  public static final class Snapshot {
    private final MT19937 engine;
    private final boolean hasNextFloatNormal;
    private final float nextFloatNormal;
    private final boolean hasNextDoubleNormal;
    private final double nextDoubleNormal;

    private Snapshot(Generator g) {
      engine = g.engine.copy();
      hasNextFloatNormal = g.hasNextFloatNormal;
      nextFloatNormal = g.nextFloatNormal;
      hasNextDoubleNormal = g.hasNextDoubleNormal;
      nextDoubleNormal = g.nextDoubleNormal;
    }
  }

  /** Captures the current state; {@link #restore} replays every draw made after it. */
  public Snapshot snapshot() {
    mutex.lock();
    try {
      return new Snapshot(this);
    } finally {
      mutex.unlock();
    }
  }

  public void restore(Snapshot s) {
    mutex.lock();
    try {
      engine = s.engine.copy();
      hasNextFloatNormal = s.hasNextFloatNormal;
      nextFloatNormal = s.nextFloatNormal;
      hasNextDoubleNormal = s.hasNextDoubleNormal;
      nextDoubleNormal = s.nextDoubleNormal;
    } finally {
      mutex.unlock();
    }
  }

  /** A new, independent generator in this one's current state. */
  public Generator copy() {
    Generator g = new Generator(0);
    g.restore(snapshot());
    return g;
  }
}
