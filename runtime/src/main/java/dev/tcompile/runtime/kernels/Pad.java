package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/**
 * N-d padding, {@code F.pad}'s modes. {@code pad} lists (before, after) pairs starting from the last dim, as
 * PyTorch's argument does. Constant padding may be negative (it then crops). Every output element reads one
 * input element (or the constant), found per dim by {@link #source}; the backward adds each output gradient
 * to the element it read.
 */
public final class Pad {
  private Pad() {}

  public enum Mode {
    CONSTANT, REFLECT, REPLICATE, CIRCULAR;

    public static Mode of(String name) { return valueOf(name.toUpperCase(java.util.Locale.ROOT)); }
    public String pyName() { return name().toLowerCase(java.util.Locale.ROOT); }
  }

  /** The padded shape. */
  public static int[] outShape(int[] in, int[] pad) {
    int[] out = in.clone();
    for (int i = 0; i < pad.length / 2; i++) {
      int d = in.length - 1 - i;
      out[d] = in[d] + pad[2 * i] + pad[2 * i + 1];
    }
    return out;
  }

  /** The input index output index {@code o} of a dim reads, or -1 for the constant. */
  static int source(int o, int before, int n, Mode mode) {
    int i = o - before;
    if (i >= 0 && i < n) return i;
    return switch (mode) {
      case CONSTANT -> -1;
      case REFLECT -> i < 0 ? -i : 2 * (n - 1) - i;
      case REPLICATE -> i < 0 ? 0 : n - 1;
      case CIRCULAR -> Math.floorMod(i, n);
    };
  }

  /** Per dim, the source index of each output index. */
  static int[][] maps(int[] in, int[] out, int[] pad, Mode mode) {
    int[][] m = new int[in.length][];
    for (int d = 0; d < in.length; d++) {
      int k = in.length - 1 - d;
      int before = k < pad.length / 2 ? pad[2 * k] : 0;
      m[d] = new int[out[d]];
      for (int o = 0; o < out[d]; o++) m[d][o] = source(o, before, in[d], k < pad.length / 2 ? mode : Mode.CONSTANT);
    }
    return m;
  }

  public static NDArray forward(NDArray x, int[] pad, Mode mode, double value) {
    int[] in = x.shape(), out = outShape(in, pad);
    NDArray r = NDArray.empty(DType.FLOAT32, out);
    if (r.numel() == 0) return r;
    float[] src = x.to(DType.FLOAT32).dense().floats(), dst = r.floats();
    walk(maps(in, out, pad, mode), Shapes.contiguousStrides(in), out, (o, s) -> dst[o] = s < 0 ? (float) value : src[s]);
    return r;
  }

  public static NDArray backward(NDArray gradOut, int[] pad, Mode mode, int[] inputShape) {
    int[] out = outShape(inputShape, pad);
    NDArray gi = NDArray.empty(DType.FLOAT32, inputShape);
    if (gradOut.numel() == 0) return gi;
    float[] g = gradOut.to(DType.FLOAT32).dense().floats(), dst = gi.floats();
    walk(maps(inputShape, out, pad, mode), Shapes.contiguousStrides(inputShape), out, (o, s) -> { if (s >= 0) dst[s] += g[o]; });
    return gi;
  }

  interface Visit { void at(int outIndex, int srcIndex); }

  /** Visits every output element in row-major order with the storage index it reads (-1: the constant). */
  static void walk(int[][] maps, int[] inStrides, int[] out, Visit v) {
    int nd = out.length;
    if (nd == 0) { v.at(0, 0); return; }
    // for the leading dims (all but the last): the current index, and the source offset / outside flag so far
    int[] idx = new int[nd], offset = new int[nd];
    boolean[] outside = new boolean[nd];
    for (int d = 0; d < nd - 1; d++) enter(maps, inStrides, idx, offset, outside, d);
    int[] last = maps[nd - 1];
    int st = inStrides[nd - 1];
    for (int o = 0, total = (int) Shapes.numel(out); o < total; ) {
      int base = nd > 1 ? offset[nd - 2] : 0;
      boolean off = nd > 1 && outside[nd - 2];
      for (int j = 0; j < last.length; j++, o++) v.at(o, off || last[j] < 0 ? -1 : base + last[j] * st);
      int d = nd - 2;
      while (d >= 0 && ++idx[d] == out[d]) { idx[d] = 0; d--; }
      if (d < 0) break;
      for (int e = d; e < nd - 1; e++) enter(maps, inStrides, idx, offset, outside, e);
    }
  }

  /** Recomputes the source offset and outside flag through dim {@code d} after idx[d] changed. */
  private static void enter(int[][] maps, int[] inStrides, int[] idx, int[] offset, boolean[] outside, int d) {
    int s = maps[d][idx[d]];
    offset[d] = (d == 0 ? 0 : offset[d - 1]) + Math.max(s, 0) * inStrides[d];
    outside[d] = (d > 0 && outside[d - 1]) || s < 0;
  }
}
