package dev.tcompile.runtime.kernels;

import dev.tcompile.runtime.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Innermost float loops with the op switch hoisted out of the loop, each body one Vector API operation:
 * add/sub/mul/div for contiguous runs against a contiguous run or a broadcast scalar (either side), neg/abs/relu,
 * and the transcendental functions of {@link VectorMath}. Lanes are independent, so results are the scalar
 * loop's bit for bit. Callers split long runs over the pool ({@link ParallelRows}).
 */
final class FloatLoops {
  private FloatLoops() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();

  /** Runs of at least this many elements are split over {@link Parallel#threads()} by {@link #unaryParallel}. */
  static final int PARALLEL_MIN = 1 << 16;

  /** {@link #unary} over a dense run, split over the pool when long. */
  static void unaryParallel(UnaryOp op, float[] x, int xo, float[] d, int dO, int n) {
    if (n >= PARALLEL_MIN && Parallel.threads() > 1 && !Parallel.inParallelRegion())
      Parallel.forRange(n, 8192, (from, to) -> unary(op, x, xo + from, d, dO + from, to - from));
    else unary(op, x, xo, d, dO, n);
  }

  static void unary(UnaryOp op, float[] x, int xo, float[] d, int dO, int n) {
    if (VectorMath.supports(op)) { VectorMath.apply(op, x, xo, d, dO, n); return; }
    int i = 0;
    switch (op) {
      case NEG -> {
        for (int e = n - VL; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).neg().intoArray(d, dO + i);
        for (; i < n; i++) d[dO + i] = -x[xo + i];
      }
      case ABS -> {
        for (int e = n - VL; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).abs().intoArray(d, dO + i);
        for (; i < n; i++) d[dO + i] = Math.abs(x[xo + i]);
      }
      case RELU -> {
        // x < 0 ? 0 : x keeps NaN and -0.0, as ATen's clamp_min(x, 0); a blend, not a branch per element
        FloatVector zero = FloatVector.zero(S);
        for (int e = n - VL; i <= e; i += VL) {
          FloatVector v = FloatVector.fromArray(S, x, xo + i);
          v.blend(zero, v.lt(0f)).intoArray(d, dO + i);
        }
        for (; i < n; i++) { float v = x[xo + i]; d[dO + i] = v < 0 ? 0f : v; }
      }
      case ONE_MINUS_SQUARE -> {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int e = n - VL; i <= e; i += VL) {
          FloatVector v = FloatVector.fromArray(S, x, xo + i);
          v.neg().fma(v, one).intoArray(d, dO + i);
        }
        for (; i < n; i++) d[dO + i] = op.apply(x[xo + i]);
      }
      default -> { for (; i < n; i++) d[dO + i] = op.apply(x[xo + i]); }
    }
  }

  /** d[dO + i] = x[xo + i * xs] for i < n (a strided run made dense). */
  static void gather(float[] x, int xo, int xs, float[] d, int dO, int n) {
    int[] idx = gatherIndex(xs);
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) load(x, xo + i * xs, xs, idx).intoArray(d, dO + i);
    for (; i < n; i++) d[dO + i] = x[xo + i * xs];
  }

  /** True for the ops {@link #binary} vectorises (the others take a scalar loop). */
  static boolean vectorised(BinaryOp op) {
    return op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.DIV;
  }

  static void binary(BinaryOp op, float[] x, int xo, int xs, float[] y, int yo, int ys, float[] d, int dO, int n) {
    binary(op, x, xo, xs, gatherIndex(xs), y, yo, ys, gatherIndex(ys), d, dO, n);
  }

  /** {@link #binary} with the operands' gather indexes ({@link #gatherIndex}) made once by the caller. */
  static void binary(BinaryOp op, float[] x, int xo, int xs, int[] xi, float[] y, int yo, int ys, int[] yi, float[] d, int dO, int n) {
    if (vectorised(op)) {
      if (xs == 1 && ys == 1) { dense(op, x, xo, y, yo, d, dO, n); return; }
      if (xs == 1 && ys == 0) { denseScalar(op, x, xo, y[yo], d, dO, n); return; }
      if (xs == 0 && ys == 1) { scalarDense(op, x[xo], y, yo, d, dO, n); return; }
      if (n >= VL) { strided(op, x, xo, xs, xi, y, yo, ys, yi, d, dO, n); return; }
    }
    for (int i = 0; i < n; i++) d[dO + i] = op.apply(x[xo + i * xs], y[yo + i * ys]);
  }

  /**
   * add/sub/mul/div with at least one operand of stride other than 0 and 1 (a transposed or sliced view): its
   * vectors are gathered ({@link #load}), the rest as in the dense loops; the scalar tail computes the same IEEE
   * operation, so every element has the bits of the dense loop's.
   */
  private static void strided(BinaryOp op, float[] x, int xo, int xs, int[] xi, float[] y, int yo, int ys, int[] yi,
                              float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) {
      FloatVector a = load(x, xo + i * xs, xs, xi), b = load(y, yo + i * ys, ys, yi);
      FloatVector r = switch (op) {
        case ADD -> a.add(b);
        case SUB -> a.sub(b);
        case MUL -> a.mul(b);
        case DIV -> a.div(b);
        default -> throw new IllegalStateException(op.toString());
      };
      r.intoArray(d, dO + i);
    }
    for (; i < n; i++) d[dO + i] = op.apply(x[xo + i * xs], y[yo + i * ys]);
  }

  /** Lane offsets {0, s, 2s, ...} of a stride-s gather (null for strides 0 and 1, read without one). */
  static int[] gatherIndex(int stride) {
    if (stride == 0 || stride == 1) return null;
    int[] idx = new int[VL];
    for (int l = 0; l < VL; l++) idx[l] = l * stride;
    return idx;
  }

  /** VL elements a[off], a[off + stride], ...: a broadcast, a plain load, even lanes of two loads, or a gather. */
  static FloatVector load(float[] a, int off, int stride, int[] idx) {
    if (stride == 1) return FloatVector.fromArray(S, a, off);
    if (stride == 0) return FloatVector.broadcast(S, a[off]);
    if (stride == 2 && off + 2 * VL <= a.length)
      return FloatVector.fromArray(S, a, off).rearrange(EVEN, FloatVector.fromArray(S, a, off + VL));
    return FloatVector.fromArray(S, a, off, idx, 0);
  }

  /** Even lanes of two concatenated vectors: one vector of a stride-2 run. */
  private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);

  private static void dense(BinaryOp op, float[] x, int xo, float[] y, int yo, float[] d, int dO, int n) {
    int i = 0, e = n - VL;
    switch (op) {
      case ADD -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).add(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i);
                    for (; i < n; i++) d[dO + i] = x[xo + i] + y[yo + i]; }
      case SUB -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).sub(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i);
                    for (; i < n; i++) d[dO + i] = x[xo + i] - y[yo + i]; }
      case MUL -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).mul(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i);
                    for (; i < n; i++) d[dO + i] = x[xo + i] * y[yo + i]; }
      case DIV -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).div(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i);
                    for (; i < n; i++) d[dO + i] = x[xo + i] / y[yo + i]; }
      default -> throw new IllegalStateException(op.toString());
    }
  }

  private static void denseScalar(BinaryOp op, float[] x, int xo, float b, float[] d, int dO, int n) {
    int i = 0, e = n - VL;
    FloatVector bv = FloatVector.broadcast(S, b);
    switch (op) {
      case ADD -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).add(bv).intoArray(d, dO + i);
                    for (; i < n; i++) d[dO + i] = x[xo + i] + b; }
      case SUB -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).sub(bv).intoArray(d, dO + i);
                    for (; i < n; i++) d[dO + i] = x[xo + i] - b; }
      case MUL -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).mul(bv).intoArray(d, dO + i);
                    for (; i < n; i++) d[dO + i] = x[xo + i] * b; }
      case DIV -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).div(bv).intoArray(d, dO + i);
                    for (; i < n; i++) d[dO + i] = x[xo + i] / b; }
      default -> throw new IllegalStateException(op.toString());
    }
  }

  private static void scalarDense(BinaryOp op, float a, float[] y, int yo, float[] d, int dO, int n) {
    int i = 0, e = n - VL;
    FloatVector av = FloatVector.broadcast(S, a);
    switch (op) {
      case ADD -> { for (; i <= e; i += VL) av.add(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i);
                    for (; i < n; i++) d[dO + i] = a + y[yo + i]; }
      case SUB -> { for (; i <= e; i += VL) av.sub(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i);
                    for (; i < n; i++) d[dO + i] = a - y[yo + i]; }
      case MUL -> { for (; i <= e; i += VL) av.mul(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i);
                    for (; i < n; i++) d[dO + i] = a * y[yo + i]; }
      case DIV -> { for (; i <= e; i += VL) av.div(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i);
                    for (; i < n; i++) d[dO + i] = a / y[yo + i]; }
      default -> throw new IllegalStateException(op.toString());
    }
  }
}
