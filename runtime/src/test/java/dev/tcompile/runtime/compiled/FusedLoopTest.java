package dev.tcompile.runtime.compiled;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.kernels.BinaryOp;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The interpreter's blocked loop: vector paths give the scalar definitions' bits, reused scratch never clobbers a live value. */
class FusedLoopTest {
  /** Lengths past several blocks, not a multiple of any vector length. */
  private static final int N = 3 * FusedLoop.BLOCK + 37;

  private static float[] inputs(long seed) {
    Random r = new Random(seed);
    float[] x = new float[N];
    for (int i = 0; i < N; i++) x[i] = (float) (r.nextGaussian() * 3);
    float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 1e-30f, -1e30f};
    System.arraycopy(specials, 0, x, 5, specials.length);
    System.arraycopy(specials, 0, x, N - specials.length, specials.length);
    return x;
  }

  /** Bit patterns, every NaN as one (a NaN's sign and payload are not specified by Java's arithmetic). */
  private static int bits(float v) { return Float.floatToIntBits(v); }

  private static String hex(double v) { return Long.toHexString(Double.doubleToRawLongBits(v)); }

  @ParameterizedTest
  @ValueSource(doubles = {2, 3, 1, 0.5, -1, -2, 1.5})
  void powByAConstantHasTheScalarDefinitionsBits(double p) {
    PointwiseProgram prog = PointwiseProgram.parse("space " + N + "\ninputs FLOAT32\nconst FLOAT32 " + hex(p)
        + "\nbinary POW 0 1\noutput 2 FLOAT32 " + N + "\n");
    float[] x = inputs(1);
    float[] got = new FusedLoop(prog, null).run(NDArray.wrap(x, N))[0].toFloatArray();
    for (int i = 0; i < N; i++)
      assertEquals(bits(BinaryOp.pow(x[i], (float) p)), bits(got[i]), "x = " + x[i] + " ** " + p);
  }

  /**
   * A body whose values die early (their arrays are handed out again) beside one that lives to the end through
   * {@code where} with a scalar condition, which returns an operand's block itself rather than a copy.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void reusedScratchNeverHoldsALiveValue(boolean cond) {
    String text = """
        space %d
        inputs FLOAT32 FLOAT32 BOOL
        binary MUL 0 1
        unary NEG 3
        where 2 4 3
        binary ADD 0 0
        binary MUL 6 6
        binary SUB 7 1
        unary RELU 8
        binary ADD 9 0
        binary MUL 10 5
        output 11 FLOAT32 %d
        output 5 FLOAT32 %d
        """.formatted(N, N, N);
    PointwiseProgram prog = PointwiseProgram.parse(text);
    float[] x = inputs(2), y = inputs(3);
    NDArray[] out = new FusedLoop(prog, null).run(NDArray.wrap(x, N), NDArray.wrap(y, N), NDArray.wrap(new boolean[]{cond}));
    float[] a = out[0].toFloatArray(), w = out[1].toFloatArray();
    for (int i = 0; i < N; i++) {
      float m = x[i] * y[i], wi = cond ? -m : m, d = x[i] + x[i], e = d * d - y[i], r = e < 0 ? 0f : e;
      assertEquals(bits(wi), bits(w[i]), "where at " + i);
      assertEquals(bits((r + x[i]) * wi), bits(a[i]), "result at " + i);
    }
  }

  /**
   * A 0-d input is read through a block its input owns and refills per call (a scalar that changes every step, as
   * Adam's bias corrections do, allocates nothing): each call sees its own values, two scalar inputs of one call
   * keep theirs apart, and -0, NaN and a value repeated after another all come through.
   */
  @Test void scalarInputsThatChangeEveryCallAreReadAfresh() {
    PointwiseProgram prog = PointwiseProgram.parse("""
        space %d
        inputs FLOAT32 FLOAT32 FLOAT32
        binary MUL 0 1
        binary SUB 3 2
        output 4 FLOAT32 %d
        """.formatted(N, N));
    FusedLoop loop = new FusedLoop(prog, null);
    float[] x = inputs(7);
    float[][] scalars = {{0.5f, 2f}, {-0f, 3f}, {Float.NaN, -1f}, {0.5f, 2f}, {1e-30f, 1e30f}, {0.5f, 0.5f}};
    for (float[] s : scalars) {
      float[] got = loop.run(NDArray.wrap(x, N), NDArray.scalar(dev.tcompile.DType.FLOAT32, s[0]),
          NDArray.scalar(dev.tcompile.DType.FLOAT32, s[1]))[0].toFloatArray();
      for (int i = 0; i < N; i++)
        assertEquals(bits(x[i] * s[0] - s[1]), bits(got[i]), "x * " + s[0] + " - " + s[1] + " at " + i);
    }
  }

  /**
   * Operations whose value is an output write it into the output array directly; a later operation still reads it
   * there, and an output listed twice gets its copy.
   */
  @Test void outputsWrittenInPlaceAreStillReadAndCopied() {
    PointwiseProgram prog = PointwiseProgram.parse("""
        space %d
        inputs FLOAT32
        unary TANH 0
        binary MUL 1 0
        unary NEG 2
        output 1 FLOAT32 %d
        output 2 FLOAT32 %d
        output 1 FLOAT32 %d
        output 3 FLOAT32 %d
        """.formatted(N, N, N, N, N));
    float[] x = inputs(5);
    NDArray given = NDArray.wrap(new float[N], N);
    NDArray[] out = new FusedLoop(prog, null).run(new NDArray[]{null, given, null, null}, NDArray.wrap(x, N));
    org.junit.jupiter.api.Assertions.assertSame(given, out[1]);
    float[] t = out[0].toFloatArray(), m = out[1].toFloatArray(), t2 = out[2].toFloatArray(), neg = out[3].toFloatArray();
    float[] tanh = new FusedLoop(PointwiseProgram.parse("space " + N + "\ninputs FLOAT32\nunary TANH 0\noutput 1 FLOAT32 " + N + "\n"), null)
        .run(NDArray.wrap(x, N))[0].toFloatArray();
    for (int i = 0; i < N; i++) {
      assertEquals(bits(tanh[i]), bits(t[i]), "tanh at " + i);
      assertEquals(bits(tanh[i]), bits(t2[i]), "second copy at " + i);
      assertEquals(bits(tanh[i] * x[i]), bits(m[i]), "product at " + i);
      assertEquals(bits(-(tanh[i] * x[i])), bits(neg[i]), "negation at " + i);
    }
  }

  /**
   * A donated output buffer that is an input's own array (an update written over the parameter it reads) is
   * written only by the block's final stores: an operation writing it early would change what later operations
   * of the same block read.
   */
  @Test void anOutputIntoAnInputsArrayIsWrittenAfterTheBlockReadsIt() {
    PointwiseProgram prog = PointwiseProgram.parse("""
        space %d
        inputs FLOAT32
        unary NEG 0
        binary MUL 1 0
        output 1 FLOAT32 %d
        output 2 FLOAT32 %d
        """.formatted(N, N, N));
    float[] x = inputs(6), x0 = x.clone();
    NDArray xa = NDArray.wrap(x, N);
    NDArray[] out = new FusedLoop(prog, null).run(new NDArray[]{xa, null}, xa);
    float[] neg = out[0].toFloatArray(), prod = out[1].toFloatArray();
    for (int i = 0; i < N; i++) {
      assertEquals(bits(-x0[i]), bits(neg[i]), "negation at " + i);
      assertEquals(bits(-x0[i] * x0[i]), bits(prod[i]), "product at " + i);
    }
  }

  /** The vector form of the sums' eight interleaved partial sums gives the scalar loop's bits, for every length and offset. */
  @Test void vectorSumRunHasTheScalarLoopsBits() {
    float[] x = inputs(4);
    for (int i = 0; i < x.length; i++) if (!Float.isFinite(x[i])) x[i] = 1e30f;
    for (int off : new int[]{0, 1, 7}) {
      for (int n = 0; n <= 300; n++) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int j = 0;
        for (; j + 8 <= n; j += 8) {
          s0 += x[off + j]; s1 += x[off + j + 1]; s2 += x[off + j + 2]; s3 += x[off + j + 3];
          s4 += x[off + j + 4]; s5 += x[off + j + 5]; s6 += x[off + j + 6]; s7 += x[off + j + 7];
        }
        for (; j < n; j++) s0 += x[off + j];
        double want = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(FusedLoop.sumRun(x, off, n)), "n = " + n + ", offset " + off);
      }
    }
  }

  /**
   * The per-thread state a loop keeps between calls must not keep the loop (and its generated kernel, a hidden
   * class) alive once the program that owns it is dropped: a thread that ran it holds only what it can let go of.
   */
  @Test void aDroppedLoopIsNotKeptAliveByTheThreadsThatRanIt() throws Exception {
    java.util.List<java.lang.ref.WeakReference<?>> refs = runOnce();
    for (int i = 0; i < 50 && refs.stream().anyMatch(r -> r.get() != null); i++) {
      System.gc();
      Thread.sleep(20);
    }
    org.junit.jupiter.api.Assertions.assertNull(refs.get(0).get(), "the loop is still reachable");
    org.junit.jupiter.api.Assertions.assertNull(refs.get(1).get(), "its generated kernel is still reachable");
  }

  /** Runs a loop with a kernel object of its own once; weak references to the loop and the kernel. */
  private static java.util.List<java.lang.ref.WeakReference<?>> runOnce() {
    VectorKernel kernel = new VectorKernel() {   // leaves every element to the blocked loop
      @Override public int run(float[][] fin, boolean[][] bin, int[] off, float[] scalars, float[][] fout, boolean[][] bout,
                               float[] scratch, int from, int to) { return from; }
    };
    FusedLoop l = new FusedLoop(PointwiseProgram.parse("space " + N + "\ninputs FLOAT32\nunary NEG 0\noutput 1 FLOAT32 " + N + "\n"), kernel);
    float[] x = new float[N];
    x[5] = 2f;
    assertEquals(-2f, l.run(NDArray.wrap(x, N))[0].toFloatArray()[5]);
    return java.util.List.of(new java.lang.ref.WeakReference<>(l), new java.lang.ref.WeakReference<>(kernel));
  }
}
