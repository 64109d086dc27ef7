package dev.tcompile.runtime;

import dev.tcompile.runtime.kernels.Conv2d;
import dev.tcompile.runtime.kernels.Gemm;
import dev.tcompile.runtime.kernels.Softmax;
import dev.tcompile.runtime.kernels.VectorMath;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Background warm-up of the Vector API kernels. Until C2 compiles them, Vector API code runs in the interpreter
 * (or C1) hundreds of times slower than compiled (a fresh JVM's first 1024x1024 matmul took seconds). When the
 * first array is created, a daemon thread runs the hot kernels (GEMM packing and micro-kernels of every panel
 * height, conv2d forward and backward, exp/log/tanh/sigmoid/gelu/sqrt, softmax) on small inputs of its own often
 * enough for C2 to compile them (about 1 s of one core on the loaded 2-core build machine, plus the compiler's
 * own time, which the user's first calls would otherwise spend), so a large call made after that finds compiled
 * code: a 1024x1024 matmul made 3 s after start took 0.13-1.2 s instead of 2.2-3.1 s there.
 *
 * <p>Off unless {@code -Dtcompile.warmup=true}: on that 2-core machine it did not shorten the first epoch of
 * {@code tcompile demo} (whose compiled train step runs generated kernels the warm-up cannot know; 12.7 s on
 * average over six runs against 11.2 s without, inside the noise), and a large call made at once got slower
 * (it competes for the cores); it pays off where a program has idle cores and time before its first large call.
 * With foreground JIT compilation and a fixed young generation (launcher flags tried later) it still made no
 * measurable difference to that epoch (8.6-9.6 s of CPU time with it, 9.2-10.0 s without; bench/RESULTS-startup.md).
 *
 * <p>It cannot change a result: the kernels are pure functions of their inputs, every buffer the warm-up
 * touches is its own (Gemm's and Scratch's buffers are per thread), its kernel calls never take the shared
 * thread pool ({@link Parallel#runOnThisThread}), and compiled and interpreted code give bit-identical results
 * (no FMA contraction or reassociation in Java). {@code tcompile.warmup.rounds} sets the number of rounds
 * (default {@link #DEFAULT_ROUNDS}).
 */
public final class Warmup {
  private Warmup() {}

  public static final String PROPERTY = "tcompile.warmup";
  /** Rounds of the kernel set; enough for C2 to compile the micro-kernels (checked with -XX:+PrintCompilation). */
  public static final int DEFAULT_ROUNDS = 100;
  /** Wall-clock cap: on a busy machine the warm-up gives up rather than compete with the user's work for long. */
  static final long MAX_NANOS = 5_000_000_000L;

  private static final AtomicBoolean STARTED = new AtomicBoolean();

  /** True when {@code -Dtcompile.warmup=true} (or {@code on}, {@code 1}). */
  public static boolean enabled() {
    String v = System.getProperty(PROPERTY, "false").trim().toLowerCase(java.util.Locale.ROOT);
    return v.equals("true") || v.equals("on") || v.equals("1");
  }

  /** Starts the background warm-up once per JVM, when enabled; returns its thread, or null when not started. */
  public static Thread startInBackground() {
    if (!enabled() || !STARTED.compareAndSet(false, true)) return null;
    Thread t = new Thread(() -> {
      try {
        run(rounds());
      } catch (RuntimeException e) {
        // best effort: its results are discarded, and WarmupTest runs the same rounds in the foreground
      }
    }, "tcompile-warmup");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
    return t;
  }

  /** Whether this JVM's background warm-up has been started (for tests). */
  static boolean started() { return STARTED.get(); }

  private static int rounds() {
    try {
      return Math.max(0, Integer.parseInt(System.getProperty(PROPERTY + ".rounds", "" + DEFAULT_ROUNDS).trim()));
    } catch (NumberFormatException e) {
      return DEFAULT_ROUNDS;
    }
  }

  /** Runs {@code rounds} rounds of the kernel set on the calling thread (stops early past {@link #MAX_NANOS}). */
  public static void run(int rounds) {
    Parallel.runOnThisThread(() -> {
      Inputs in = new Inputs();
      long start = System.nanoTime();
      for (int r = 0; r < rounds && System.nanoTime() - start < MAX_NANOS; r++) round(in);
    });
  }

  /** The warm-up's own operands and outputs (never shared with another thread). */
  private static final class Inputs {
    final float[] a = fill(64 * 64, 1), b = fill(64 * 256, 2), c = new float[28 * 256];
    final float[] v = fill(1024, 3), out = new float[1024];
    final NDArray x = NDArray.wrap(fill(2 * 4 * 12 * 12, 4), 2, 4, 12, 12);
    final NDArray w = NDArray.wrap(fill(8 * 4 * 3 * 3, 5), 8, 4, 3, 3);
    final NDArray bias = NDArray.wrap(fill(8, 6), 8);
    final NDArray logits = NDArray.wrap(fill(16 * 64, 7), 16, 64);
  }

  /** Values in [-1, 1) from a fixed integer hash (no RNG state is touched). */
  private static float[] fill(int n, int seed) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      int h = (i + 1) * 0x9E3779B1 ^ seed * 0x85EBCA6B;
      h ^= h >>> 15;
      f[i] = (h & 0xFFFF) / 32768f - 1f;
    }
    return f;
  }

  private static void round(Inputs in) {
    float[] a = in.a, b = in.b, c = in.c;
    // packed GEMM with a short depth (k = 8): many cheap micro-kernel calls reach C2's invocation thresholds
    // sooner than a few long ones; 12-row panels and the short last ones (4 and 8 rows), C overwritten and added
    // to (a kernel compiled without having seen one of the two branches would be deoptimised on the user's call),
    // B plain and transposed, A transposed
    for (int i = 0; i < 4; i++) {
      Gemm.sgemm(false, false, 28, 256, 8, 1f, a, 0, 8, b, 0, 256, 0f, c, 0, 256);
      Gemm.sgemm(false, false, 20, 256, 8, 1f, a, 0, 8, b, 0, 256, 1f, c, 0, 256);
    }
    Gemm.sgemm(false, true, 28, 256, 8, 1f, a, 0, 8, b, 0, 8, 0f, c, 0, 256);
    Gemm.sgemm(true, false, 28, 256, 8, 1f, a, 0, 28, b, 0, 256, 1f, c, 0, 256);
    // unpacked forms: register-blocked dots (A B^T, small C), matrix-vector products
    Gemm.sgemm(false, true, 16, 24, 96, 1f, a, 0, 96, b, 0, 96, 0f, c, 0, 24);
    Gemm.sgemm(false, false, 1, 256, 64, 1f, a, 0, 64, b, 0, 256, 0f, c, 0, 256);
    Gemm.sgemm(false, true, 64, 1, 64, 1f, a, 0, 64, b, 0, 64, 0f, c, 0, 1);
    Conv2d.Params p = Conv2d.Params.of(1, 1, 1, 1);
    NDArray y = Conv2d.forward(in.x, in.w, in.bias, p, true);
    Conv2d.backwardInput(y, in.w, in.x.shape(), p);
    Conv2d.backwardWeight(y, in.x, in.w.shape(), p);
    Conv2d.backwardBias(y);
    VectorMath.exp(in.v, 0, in.out, 0, 1024);
    VectorMath.tanh(in.v, 0, in.out, 0, 1024);
    VectorMath.sigmoid(in.v, 0, in.out, 0, 1024);
    VectorMath.gelu(in.v, 0, in.out, 0, 1024);
    VectorMath.log(in.out, 0, in.out, 0, 1024);
    VectorMath.sqrt(in.v, 0, in.out, 0, 1024);
    Softmax.forward(in.logits, 1, true);
    Softmax.forward(in.logits, 1, false);
  }
}
