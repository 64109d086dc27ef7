package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * softmax / log_softmax along one dim and their backward passes. The array is viewed as
 * (outer, size, inner); each (outer, inner) line is reduced with the max subtracted first. Lines along the last
 * dim (inner == 1, the common case) take vectorised loops ({@link #rowForward}, {@link #rowBackward}).
 */
public final class Softmax {
  private Softmax() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();

  private static int outer(int[] s, int d) { int n = 1; for (int i = 0; i < d; i++) n *= s[i]; return n; }
  private static int inner(int[] s, int d) { int n = 1; for (int i = d + 1; i < s.length; i++) n *= s[i]; return n; }

  /** Rows per parallel task: at least 32K elements each (rows are independent, so any split gives the same bits). */
  private static int rowsPerTask(int size) { return Math.max(1, (1 << 15) / Math.max(1, size)); }

  public static NDArray forward(NDArray x, int dim, boolean log) {
    NDArray xd = x.to(DType.FLOAT32).dense();
    int[] s = xd.shape();
    NDArray out = NDArray.empty(DType.FLOAT32, s);
    if (xd.numel() == 0) return out;
    int size = s.length == 0 ? 1 : s[dim], outer = s.length == 0 ? 1 : outer(s, dim), inner = s.length == 0 ? 1 : inner(s, dim);
    float[] a = xd.floats(), o = out.floats();
    if (inner == 1) {
      final int n = size;
      dev.tcompile.runtime.Parallel.forRange(outer, rowsPerTask(size), (p0, p1) -> {
        for (int p = p0; p < p1; p++) rowForward(a, o, p * n, n, log);
      });
      return out;
    }
    for (int p = 0; p < outer; p++) {
      for (int q = 0; q < inner; q++) {
        int base = p * size * inner + q;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) max = Math.max(max, a[base + i * inner]);
        if (Float.isInfinite(max) && max < 0) max = 0;
        double sum = 0;
        for (int i = 0; i < size; i++) {
          float e = (float) Math.exp(a[base + i * inner] - max);
          sum += e;
          if (!log) o[base + i * inner] = e;
        }
        if (log) {
          float lse = (float) Math.log(sum);
          for (int i = 0; i < size; i++) o[base + i * inner] = a[base + i * inner] - max - lse;
        } else {
          float inv = (float) (1.0 / sum);
          for (int i = 0; i < size; i++) o[base + i * inner] *= inv;
        }
      }
    }
    return out;
  }

  /** One contiguous line {@code a[b..b+n)} -> {@code o[b..b+n)}: max, exp(x - max) summed per lane, normalise. */
  static void rowForward(float[] a, float[] o, int b, int n, boolean log) {
    FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) mv = mv.max(FloatVector.fromArray(S, a, b + i)); // max propagates NaN
    float max = mv.reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) max = Math.max(max, a[b + i]);
    if (Float.isInfinite(max) && max < 0) max = 0;
    FloatVector maxv = FloatVector.broadcast(S, max), acc = FloatVector.zero(S);
    i = 0;
    for (int e = n - VL; i <= e; i += VL) {
      FloatVector ev = FloatVector.fromArray(S, a, b + i).sub(maxv);
      ev = VectorFns.expf(ev);
      acc = acc.add(ev);
      if (!log) ev.intoArray(o, b + i);
    }
    double sum = Lanes.sum(acc);
    for (; i < n; i++) {
      float ev = (float) Math.exp(a[b + i] - max);
      sum += ev;
      if (!log) o[b + i] = ev;
    }
    i = 0;
    if (log) {
      FloatVector shift = FloatVector.broadcast(S, max + (float) Math.log(sum));
      float sh = max + (float) Math.log(sum);
      for (int e = n - VL; i <= e; i += VL) FloatVector.fromArray(S, a, b + i).sub(shift).intoArray(o, b + i);
      for (; i < n; i++) o[b + i] = a[b + i] - sh;
    } else {
      float inv = (float) (1.0 / sum);
      FloatVector iv = FloatVector.broadcast(S, inv);
      for (int e = n - VL; i <= e; i += VL) FloatVector.fromArray(S, o, b + i).mul(iv).intoArray(o, b + i);
      for (; i < n; i++) o[b + i] *= inv;
    }
  }

  /** softmax: gx = y * (g - sum(g * y)); log_softmax: gx = g - exp(y) * sum(g). */
  public static NDArray backward(NDArray g, NDArray y, int dim, boolean log) {
    NDArray gd = g.to(DType.FLOAT32).dense(), yd = y.dense();
    int[] s = yd.shape();
    NDArray out = NDArray.empty(DType.FLOAT32, s);
    if (yd.numel() == 0) return out;
    int size = s.length == 0 ? 1 : s[dim], outer = s.length == 0 ? 1 : outer(s, dim), inner = s.length == 0 ? 1 : inner(s, dim);
    float[] ga = gd.floats(), ya = yd.floats(), o = out.floats();
    if (inner == 1) {
      final int n = size;
      dev.tcompile.runtime.Parallel.forRange(outer, rowsPerTask(size), (p0, p1) -> {
        for (int p = p0; p < p1; p++) rowBackward(ga, ya, o, p * n, n, log);
      });
      return out;
    }
    for (int p = 0; p < outer; p++) {
      for (int q = 0; q < inner; q++) {
        int base = p * size * inner + q;
        double dot = 0;
        for (int i = 0; i < size; i++) {
          int k = base + i * inner;
          dot += log ? ga[k] : ga[k] * ya[k];
        }
        float d = (float) dot;
        for (int i = 0; i < size; i++) {
          int k = base + i * inner;
          o[k] = log ? ga[k] - (float) Math.exp(ya[k]) * d : ya[k] * (ga[k] - d);
        }
      }
    }
    return out;
  }

  static void rowBackward(float[] ga, float[] ya, float[] o, int b, int n, boolean log) {
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) {
      FloatVector gv = FloatVector.fromArray(S, ga, b + i);
      acc = log ? acc.add(gv) : gv.fma(FloatVector.fromArray(S, ya, b + i), acc);
    }
    double dot = Lanes.sum(acc);
    for (; i < n; i++) dot += log ? ga[b + i] : ga[b + i] * ya[b + i];
    float d = (float) dot;
    FloatVector dv = FloatVector.broadcast(S, d);
    i = 0;
    if (log) {
      for (int e = n - VL; i <= e; i += VL) {
        FloatVector ey = VectorFns.expf(FloatVector.fromArray(S, ya, b + i));
        FloatVector.fromArray(S, ga, b + i).sub(ey.mul(dv)).intoArray(o, b + i);
      }
      for (; i < n; i++) o[b + i] = ga[b + i] - (float) Math.exp(ya[b + i]) * d;
    } else {
      for (int e = n - VL; i <= e; i += VL) {
        FloatVector yv = FloatVector.fromArray(S, ya, b + i);
        yv.mul(FloatVector.fromArray(S, ga, b + i).sub(dv)).intoArray(o, b + i);
      }
      for (; i < n; i++) o[b + i] = ya[b + i] * (ga[b + i] - d);
    }
  }
}
