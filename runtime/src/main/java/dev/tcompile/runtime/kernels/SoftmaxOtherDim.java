package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 softmax / log_softmax (forward and backward) along a dim that is not the last, as PyTorch 1.13's CPU
 * kernels compute them. The array is viewed as (outer, size, inner) and each (outer, inner) column is reduced on its
 * own.
 * <ul>
 * <li>softmax ({@code _vec_softmax}): columns in groups of 8 (AVX2 lanes) take vector code — max, e = SLEEF
 *     exp(x - max), a float sum from 0 in order along the dim, then e / sum (a division); the last
 *     {@code inner % 8} columns of each outer index take its scalar path: {@code std::max}, glibc expf, float sum,
 *     e / sum. ATen splits by thread count; this is its split with one thread (PyTorch's own results depend on it).
 * <li>log_softmax ({@code _vec_logsoftmax}): the same split of columns (its chunks of the inner dim are multiples
 *     of 8, so only the last {@code inner % 8} columns are scalar); max by {@code x > max ? x : max} from -inf, a
 *     float sum from 0 of SLEEF exp(x - max) (glibc expf in the scalar columns), SLEEF log of every sum, then
 *     (x - max) - log(sum).
 * </ul>
 */
final class SoftmaxOtherDim {
  private SoftmaxOtherDim() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** ATen's float vector width on AVX2: which columns go through its vector code. */
  private static final int LANES = 8;

  static void forward(float[] a, float[] o, int outer, int size, int inner, boolean log) {
    int vecEnd = inner - inner % LANES;
    for (int p = 0; p < outer; p++) {
      int base = p * size * inner;
      for (int q = 0; q < vecEnd; q += S.length()) {
        VectorMask<Float> m = S.indexInRange(q, vecEnd);
        if (log) columnsLogVector(a, o, base + q, size, inner, m);
        else columnsVector(a, o, base + q, size, inner, m);
      }
      for (int q = vecEnd; q < inner; q++) {
        if (log) columnLogScalar(a, o, base + q, size, inner);
        else columnScalar(a, o, base + q, size, inner);
      }
    }
  }

  /** The columns at {@code c + lane} (lanes in {@code m}) through ATen's vector code. */
  private static void columnsVector(float[] a, float[] o, int c, int size, int inner, VectorMask<Float> m) {
    FloatVector max = FloatVector.fromArray(S, a, c, m);
    for (int d = 1; d < size; d++) max = max.max(FloatVector.fromArray(S, a, c + d * inner, m)); // NaN propagates
    FloatVector sum = FloatVector.zero(S);
    for (int d = 0; d < size; d++) {
      FloatVector e = VectorFns.expfSleef(FloatVector.fromArray(S, a, c + d * inner, m).sub(max));
      e.intoArray(o, c + d * inner, m);
      sum = sum.add(e);
    }
    for (int d = 0; d < size; d++) FloatVector.fromArray(S, o, c + d * inner, m).div(sum).intoArray(o, c + d * inner, m);
  }

  /** The columns at {@code c + lane} (lanes in {@code m}) through {@code _vec_logsoftmax}'s vector code. */
  private static void columnsLogVector(float[] a, float[] o, int c, int size, int inner, VectorMask<Float> m) {
    FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    for (int d = 0; d < size; d++) {
      FloatVector x = FloatVector.fromArray(S, a, c + d * inner, m);
      max = max.blend(x, x.compare(VectorOperators.GT, max)); // a NaN never becomes the max
    }
    FloatVector sum = FloatVector.zero(S);
    for (int d = 0; d < size; d++) sum = sum.add(VectorFns.expfSleef(FloatVector.fromArray(S, a, c + d * inner, m).sub(max)));
    float[] lse = sum.toArray();
    for (int j = 0; j < lse.length; j++) lse[j] = SleefLogf.log(lse[j]);
    FloatVector lsev = FloatVector.fromArray(S, lse, 0);
    for (int d = 0; d < size; d++) FloatVector.fromArray(S, a, c + d * inner, m).sub(max).sub(lsev).intoArray(o, c + d * inner, m);
  }

  /** {@code std::max(a, b)}: {@code (a < b) ? b : a}, so a NaN after the first element is passed over. */
  private static float stdMax(float a, float b) { return a < b ? b : a; }

  private static void columnScalar(float[] a, float[] o, int c, int size, int inner) {
    float max = a[c];
    for (int d = 1; d < size; d++) max = stdMax(max, a[c + d * inner]);
    float sum = 0;
    for (int d = 0; d < size; d++) {
      float e = GlibcExpf.expf(a[c + d * inner] - max);
      o[c + d * inner] = e;
      sum += e;
    }
    for (int d = 0; d < size; d++) o[c + d * inner] = o[c + d * inner] / sum;
  }

  private static void columnLogScalar(float[] a, float[] o, int c, int size, int inner) {
    float max = Float.NEGATIVE_INFINITY;
    for (int d = 0; d < size; d++) {
      float x = a[c + d * inner];
      max = x > max ? x : max;
    }
    float sum = 0;
    for (int d = 0; d < size; d++) sum += GlibcExpf.expf(a[c + d * inner] - max);
    float lse = SleefLogf.log(sum); // ATen maps the vector log over the sums, the scalar columns' too
    for (int d = 0; d < size; d++) o[c + d * inner] = (a[c + d * inner] - max) - lse;
  }

  /**
   * Backward along a dim that is not the last, into {@code o}, from the gradient {@code g} and the forward result
   * {@code y} ({@code _vec_softmax_backward} / {@code _vec_log_softmax_backward}, built with FMA contraction): per
   * column, softmax sums g * y from 0 by fused multiply-adds, then y * (g - sum); log_softmax sums g from 0, then
   * fma(-exp(y), sum, g) with SLEEF exp in the vector columns and glibc expf in the last {@code inner % 8}.
   */
  static void backward(float[] g, float[] y, float[] o, int outer, int size, int inner, boolean log) {
    int vecEnd = inner - inner % LANES;
    for (int p = 0; p < outer; p++) {
      int base = p * size * inner;
      for (int q = 0; q < vecEnd; q += S.length()) columnsBackwardVector(g, y, o, base + q, size, inner, S.indexInRange(q, vecEnd), log);
      for (int q = vecEnd; q < inner; q++) columnBackwardScalar(g, y, o, base + q, size, inner, log);
    }
  }

  private static void columnsBackwardVector(float[] g, float[] y, float[] o, int c, int size, int inner, VectorMask<Float> m, boolean log) {
    FloatVector sum = FloatVector.zero(S);
    for (int d = 0; d < size; d++) {
      FloatVector gv = FloatVector.fromArray(S, g, c + d * inner, m);
      sum = log ? sum.add(gv) : gv.fma(FloatVector.fromArray(S, y, c + d * inner, m), sum);
    }
    for (int d = 0; d < size; d++) {
      int k = c + d * inner;
      FloatVector gv = FloatVector.fromArray(S, g, k, m), yv = FloatVector.fromArray(S, y, k, m);
      (log ? VectorFns.expfSleef(yv).neg().fma(sum, gv) : yv.mul(gv.sub(sum))).intoArray(o, k, m);
    }
  }

  private static void columnBackwardScalar(float[] g, float[] y, float[] o, int c, int size, int inner, boolean log) {
    float sum = 0;
    for (int d = 0; d < size; d++) {
      int k = c + d * inner;
      sum = log ? sum + g[k] : Math.fma(g[k], y[k], sum);
    }
    for (int d = 0; d < size; d++) {
      int k = c + d * inner;
      o[k] = log ? Math.fma(-GlibcExpf.expf(y[k]), sum, g[k]) : y[k] * (g[k] - sum);
    }
  }
}
