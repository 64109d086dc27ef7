package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * softmax / log_softmax along one dim and their backward passes. The array is viewed as (outer, size, inner). Float32
 * forward passes reproduce PyTorch 1.13's CPU kernels (AVX2) operation for operation, so results are PyTorch's bits
 * and the same on every run: rows along the last dim ({@link #rowForward}, parallel over rows, which are
 * independent), other dims in {@link SoftmaxOtherDim}. Backward sums follow ATen's order ({@link #laneSum}).
 */
public final class Softmax {
  private Softmax() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();

  private static int outer(int[] s, int d) { int n = 1; for (int i = 0; i < d; i++) n *= s[i]; return n; }
  private static int inner(int[] s, int d) { int n = 1; for (int i = d + 1; i < s.length; i++) n *= s[i]; return n; }

  /** Rows per parallel task: at least 32K elements each (rows are independent, so any split gives the same bits). */
  private static int rowsPerTask(int size) { return Math.max(1, (1 << 15) / Math.max(1, size)); }

  public static NDArray forward(NDArray x, int dim, boolean log) { return forward(x, dim, log, null); }

  /**
   * One call's contiguous rows of n, reused by the calling thread: forward ({@code g} null) from {@code a}, or
   * backward from the gradient {@code g} and the forward result {@code a}, into {@code o}.
   */
  private static final class Rows extends dev.tcompile.runtime.Parallel.Reusable implements dev.tcompile.runtime.Parallel.Range {
    float[] g, a, o;
    int n;
    boolean log;

    @Override public void run(int p0, int p1) {
      if (g == null) for (int p = p0; p < p1; p++) rowForward(a, o, p * n, n, log);
      else for (int p = p0; p < p1; p++) rowBackward(g, p * n, a, o, p * n, n, log);
    }

    @Override protected void clear() { g = a = o = null; }
  }

  private static final dev.tcompile.runtime.Parallel.PerThread<Rows> ROWS = new dev.tcompile.runtime.Parallel.PerThread<>(Rows::new);

  /**
   * {@link #forward(NDArray, int, boolean)} into {@code into} when non-null: a dense array (offset 0) of the result's
   * dtype and shape that aliases no input (a memory plan's buffer), which is returned.
   */
  public static NDArray forward(NDArray x, int dim, boolean log, NDArray into) {
    if (x.dtype() == DType.FLOAT64) {
      NDArray r = DoubleSoftmax.forward(x, dim, log);
      if (into == null) return r;
      into.copyFrom(r);
      return into;
    }
    NDArray xd = x.to(DType.FLOAT32).dense();
    int[] s = xd.shape();
    NDArray out = into != null ? into : NDArray.empty(DType.FLOAT32, s);
    if (xd.numel() == 0) return out;
    int size = s.length == 0 ? 1 : s[dim], outer = s.length == 0 ? 1 : outer(s, dim), inner = s.length == 0 ? 1 : inner(s, dim);
    float[] a = xd.floats(), o = out.floats();
    if (s.length == 0 || dim == s.length - 1) { // ATen's *_lastdim kernels: whole rows
      Rows rows = ROWS.take();
      try {
        rows.a = a; rows.o = o; rows.n = size; rows.log = log;
        dev.tcompile.runtime.Parallel.forRange(outer, rowsPerTask(size), rows);
      } finally {
        ROWS.give(rows);
      }
      return out;
    }
    SoftmaxOtherDim.forward(a, o, outer, size, inner, log);
    return out;
  }

  /**
   * One contiguous row {@code a[b..b+n)} -> {@code o[b..b+n)}, ATen 1.13's {@code _vec_softmax_lastdim} /
   * {@code _vec_log_softmax_lastdim} operation for operation: max (NaN propagates; an all -inf row gives NaN as in
   * PyTorch), e = SLEEF exp(x - max) for every element (ATen's vec::map runs its tail through the vector exp too),
   * their sum in ATen's lane order ({@link #laneSum}); then softmax: e * (1 / sum), log_softmax:
   * (x - max) - SLEEF log(sum) — never x - (max + log(sum)), which loses the log-sum once |max| is large.
   */
  static void rowForward(float[] a, float[] o, int b, int n, boolean log) {
    FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) mv = mv.max(FloatVector.fromArray(S, a, b + i)); // max propagates NaN
    float max = mv.reduceLanes(VectorOperators.MAX); // exact in any order
    for (; i < n; i++) max = Math.max(max, a[b + i]);
    FloatVector maxv = FloatVector.broadcast(S, max);
    i = 0;
    for (int e = n - VL; i <= e; i += VL) VectorFns.expfSleef(FloatVector.fromArray(S, a, b + i).sub(maxv)).intoArray(o, b + i);
    if (i < n) expTail(a, o, b + i, n - i, max);
    float sum = laneSum(o, null, b, n);
    i = 0;
    if (log) {
      float lse = SleefLogf.log(sum);
      FloatVector lsev = FloatVector.broadcast(S, lse);
      for (int e = n - VL; i <= e; i += VL) FloatVector.fromArray(S, a, b + i).sub(maxv).sub(lsev).intoArray(o, b + i);
      for (; i < n; i++) o[b + i] = (a[b + i] - max) - lse;
    } else {
      float inv = 1f / sum;
      FloatVector iv = FloatVector.broadcast(S, inv);
      for (int e = n - VL; i <= e; i += VL) FloatVector.fromArray(S, o, b + i).mul(iv).intoArray(o, b + i);
      for (; i < n; i++) o[b + i] *= inv;
    }
  }

  /**
   * exp(x - max) for a row's last k < VL elements in scalar form, a lane's bits ({@link VectorFns#expfSleefScalar}):
   * a masked vector access to the last row, past the array's end, allocated its mask on every call in about half of
   * fresh JVMs (one 64-byte object per compiled train step), and vector code in a rarely taken branch is what C2
   * declines to inline.
   */
  private static void expTail(float[] a, float[] o, int off, int k, float max) {
    for (int j = off; j < off + k; j++) o[j] = VectorFns.expfSleefScalar(a[j] - max);
  }

  /** ATen's reduction width for float on AVX2 (Vectorized<float>::size()), kept on every machine. */
  private static final int LANES = 8;

  /**
   * {@code sum(x[b..b+n))}, or {@code sum(x * y)} when {@code y} is given, summed as ATen 1.13's
   * {@code vec::reduce_all} / {@code map2_reduce_all} do on AVX2. n < 8: the (rounded) terms in one lane, left to
   * right. Otherwise 8 float lanes: lane {@code j} starts at term {@code j} and accumulates terms {@code j + 8, ...}
   * in order (the tail, under 8 terms, goes to lanes 0, 1, ...); products are accumulated with a fused multiply-add,
   * as GCC contracts ATen's {@code acc + x * y}. The lanes are then combined as {@code VecReduceAllSIMD}'s shuffles
   * do: ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)). The same bits on every run and machine.
   */
  static float laneSum(float[] x, float[] y, int b, int n) {
    if (n < LANES) {
      float s = 0;
      for (int i = 0; i < n; i++) s += y == null ? x[b + i] : x[b + i] * y[b + i];
      return s;
    }
    float l0, l1, l2, l3, l4, l5, l6, l7;
    int i = LANES;
    if (y == null) {
      l0 = x[b]; l1 = x[b + 1]; l2 = x[b + 2]; l3 = x[b + 3]; l4 = x[b + 4]; l5 = x[b + 5]; l6 = x[b + 6]; l7 = x[b + 7];
      for (; i + LANES <= n; i += LANES) {
        int k = b + i;
        l0 += x[k]; l1 += x[k + 1]; l2 += x[k + 2]; l3 += x[k + 3]; l4 += x[k + 4]; l5 += x[k + 5]; l6 += x[k + 6]; l7 += x[k + 7];
      }
    } else {
      l0 = x[b] * y[b]; l1 = x[b + 1] * y[b + 1]; l2 = x[b + 2] * y[b + 2]; l3 = x[b + 3] * y[b + 3];
      l4 = x[b + 4] * y[b + 4]; l5 = x[b + 5] * y[b + 5]; l6 = x[b + 6] * y[b + 6]; l7 = x[b + 7] * y[b + 7];
      for (; i + LANES <= n; i += LANES) {
        int k = b + i;
        l0 = Math.fma(x[k], y[k], l0); l1 = Math.fma(x[k + 1], y[k + 1], l1); l2 = Math.fma(x[k + 2], y[k + 2], l2);
        l3 = Math.fma(x[k + 3], y[k + 3], l3); l4 = Math.fma(x[k + 4], y[k + 4], l4); l5 = Math.fma(x[k + 5], y[k + 5], l5);
        l6 = Math.fma(x[k + 6], y[k + 6], l6); l7 = Math.fma(x[k + 7], y[k + 7], l7);
      }
    }
    // the tail goes to lanes 0, 1, ... in order; no array, so nothing is allocated per row
    for (int j = 0; i < n; i++, j++) {
      int k = b + i;
      switch (j) {
        case 0 -> l0 = tailAdd(l0, x, y, k);
        case 1 -> l1 = tailAdd(l1, x, y, k);
        case 2 -> l2 = tailAdd(l2, x, y, k);
        case 3 -> l3 = tailAdd(l3, x, y, k);
        case 4 -> l4 = tailAdd(l4, x, y, k);
        case 5 -> l5 = tailAdd(l5, x, y, k);
        default -> l6 = tailAdd(l6, x, y, k);
      }
    }
    return ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7));
  }

  /** One tail term added to a lane: {@code l + x[k]}, or {@code fma(x[k], y[k], l)}. */
  private static float tailAdd(float l, float[] x, float[] y, int k) { return y == null ? l + x[k] : Math.fma(x[k], y[k], l); }

  /**
   * softmax: gx = y * (g - sum(g * y)); log_softmax: gx = g - exp(y) * sum(g). Rows along the last dim follow
   * ATen 1.13's {@code _vec_host_softmax_backward_lastdim} ({@link #rowBackward}); other dims
   * {@link SoftmaxOtherDim#backward}.
   */
  public static NDArray backward(NDArray g, NDArray y, int dim, boolean log) {
    if (y.dtype() == DType.FLOAT64) return DoubleSoftmax.backward(g, y, dim, log);
    NDArray gd = g.to(DType.FLOAT32).dense(), yd = y.dense();
    int[] s = yd.shape();
    NDArray out = NDArray.empty(DType.FLOAT32, s);
    if (yd.numel() == 0) return out;
    int size = s.length == 0 ? 1 : s[dim], outer = s.length == 0 ? 1 : outer(s, dim), inner = s.length == 0 ? 1 : inner(s, dim);
    float[] ga = gd.floats(), ya = yd.floats(), o = out.floats();
    if (s.length == 0 || dim == s.length - 1) { // ATen's *_backward_lastdim kernels: whole rows
      Rows rows = ROWS.take();
      try {
        rows.g = ga; rows.a = ya; rows.o = o; rows.n = size; rows.log = log;
        dev.tcompile.runtime.Parallel.forRange(outer, rowsPerTask(size), rows);
      } finally {
        ROWS.give(rows);
      }
      return out;
    }
    SoftmaxOtherDim.backward(ga, ya, o, outer, size, inner, log);
    return out;
  }

  /**
   * One row: the gradient from {@code ga[gb..gb+n)}, output and forward result at {@code b}, as ATen's vec::map2:
   * log_softmax g - exp(y) * sum as one fused multiply-add (GCC contracts it) with SLEEF exp in every lane, the
   * tail's too; softmax (g - sum) * y.
   */
  static void rowBackward(float[] ga, int gb, float[] ya, float[] o, int b, int n, boolean log) {
    if (gb != b && !log) throw new IllegalArgumentException("softmax rows share one offset");
    float d = laneSum(ga, log ? null : ya, log ? gb : b, n);
    FloatVector dv = FloatVector.broadcast(S, d);
    int i = 0;
    if (log) {
      for (int e = n - VL; i <= e; i += VL) {
        FloatVector ey = VectorFns.expfSleef(FloatVector.fromArray(S, ya, b + i));
        ey.neg().fma(dv, FloatVector.fromArray(S, ga, gb + i)).intoArray(o, b + i);
      }
      if (i < n) logBackwardTail(ga, gb + i, ya, o, b + i, n - i, d);
    } else {
      for (int e = n - VL; i <= e; i += VL) {
        FloatVector yv = FloatVector.fromArray(S, ya, b + i);
        yv.mul(FloatVector.fromArray(S, ga, b + i).sub(dv)).intoArray(o, b + i);
      }
      for (; i < n; i++) o[b + i] = ya[b + i] * (ga[b + i] - d);
    }
  }

  /** log_softmax backward's last k < VL elements (g at gOff, y and o at off) in scalar form, as {@link #expTail}. */
  private static void logBackwardTail(float[] ga, int gOff, float[] ya, float[] o, int off, int k, float d) {
    for (int j = 0; j < k; j++) o[off + j] = Math.fma(-VectorFns.expfSleefScalar(ya[off + j]), d, ga[gOff + j]);
  }
}
