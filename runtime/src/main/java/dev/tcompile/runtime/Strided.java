package dev.tcompile.runtime;

import dev.tcompile.DType;

/**
 * Row-wise iteration over strided operands: the outer dims are walked with a counter, the innermost dim is
 * handed to the caller as a run of {@code len} elements with a per-operand stride. Kernels write their inner
 * loop once and get broadcasting and non-contiguous views for free.
 */
public final class Strided {
  private Strided() {}

  /** Receives, for each innermost run, the storage offset of each operand at its start. */
  @FunctionalInterface
  public interface Row {
    void run(int[] offsets, int len);
  }

  /**
   * Walks {@code shape} with one stride array per operand ({@code strides[k]} has shape.length entries) and
   * calls {@code row} once per innermost run; the run's stride for operand k is {@code strides[k][last]}.
   * A 0-d shape is one run of length 1.
   */
  public static void rows(int[] shape, int[][] strides, int[] base, Row row) {
    int nd = shape.length, nops = base.length;
    int[] offs = base.clone();
    if (nd == 0) { row.run(offs, 1); return; }
    for (int s : shape) if (s == 0) return;
    int len = shape[nd - 1];
    int outer = 1;
    for (int d = 0; d < nd - 1; d++) outer *= shape[d];
    int[] counter = new int[Math.max(nd - 1, 0)];
    for (int r = 0; r < outer; r++) {
      row.run(offs, len);
      // advance the outer counter (dims nd-2 .. 0), updating each operand's offset incrementally
      for (int d = nd - 2; d >= 0; d--) {
        if (++counter[d] < shape[d]) {
          for (int k = 0; k < nops; k++) offs[k] += strides[k][d];
          break;
        }
        counter[d] = 0;
        for (int k = 0; k < nops; k++) offs[k] -= strides[k][d] * (shape[d] - 1);
      }
    }
  }

  /**
   * Copies (with dtype conversion) src, read with {@code srcStrides} over dst's shape, into dst: one run when both
   * sides walk the same contiguous layout, else one run per innermost row. Allocates nothing (a copy runs every
   * step of a compiled program).
   */
  static void copy(NDArray src, int[] srcStrides, NDArray dst) {
    int[] shape = dst.shape(), ds = dst.strides();
    int nd = shape.length;
    for (int s : shape) if (s == 0) return;
    DType st = src.dtype(), dt = dst.dtype();
    Object sd = src.data(), dd = dst.data();
    int si = src.offset(), di = dst.offset();
    if (nd == 0) { run(st, sd, si, 0, dt, dd, di, 0, 1); return; }
    // the same dense layout (in other storage: an overlapping copy keeps its row-by-row order): one run
    if ((sd != dd || si == di) && dst.isContiguous() && java.util.Arrays.equals(srcStrides, ds)) {
      run(st, sd, si, 1, dt, dd, di, 1, dst.numel());
      return;
    }
    int len = shape[nd - 1], sl = srcStrides[nd - 1], dl = ds[nd - 1];
    int outer = 1;
    for (int d = 0; d < nd - 1; d++) outer *= shape[d];
    int[] counter = COUNTER.get();
    if (counter.length < nd) counter = new int[nd];
    java.util.Arrays.fill(counter, 0, nd, 0);
    for (int r = 0; r < outer; r++) {
      run(st, sd, si, sl, dt, dd, di, dl, len);
      // advance the outer counter (dims nd-2 .. 0), updating both offsets incrementally
      for (int d = nd - 2; d >= 0; d--) {
        if (++counter[d] < shape[d]) { si += srcStrides[d]; di += ds[d]; break; }
        counter[d] = 0;
        si -= srcStrides[d] * (shape[d] - 1);
        di -= ds[d] * (shape[d] - 1);
      }
    }
  }

  /**
   * The calling thread's array of {@code rank} ints for the broadcast strides a {@link #copy} reads (it keeps no
   * reference to them, and runs no other copy inside it).
   */
  static int[] scratchStrides(int rank) {
    if (rank >= 8) return new int[rank];
    int[][] byRank = STRIDES.get();
    return byRank[rank];
  }

  private static final ThreadLocal<int[][]> STRIDES = ThreadLocal.withInitial(() -> {
    int[][] a = new int[8][];
    for (int r = 0; r < 8; r++) a[r] = new int[r];
    return a;
  });

  /** The calling thread's odometer for {@link #copy} (a copy runs no other copy inside it). */
  private static final ThreadLocal<int[]> COUNTER = ThreadLocal.withInitial(() -> new int[8]);

  /** Copies len elements: d[di + i * ds] = (converted) s[si + i * ss]. */
  private static void run(DType st, Object sd, int si, int ss, DType dt, Object dd, int di, int ds, int len) {
    if (st == DType.FLOAT32 && dt == DType.FLOAT32) {
      float[] s = (float[]) sd, d = (float[]) dd;
      if (ss == 1 && ds == 1) System.arraycopy(s, si, d, di, len);
      else for (int i = 0; i < len; i++) d[di + i * ds] = s[si + i * ss];
    } else if (st == DType.FLOAT64 && dt == DType.FLOAT64) {
      double[] s = (double[]) sd, d = (double[]) dd;
      if (ss == 1 && ds == 1) System.arraycopy(s, si, d, di, len);
      else for (int i = 0; i < len; i++) d[di + i * ds] = s[si + i * ss];
    } else {
      for (int i = 0; i < len; i++) write(dt, dd, di + i * ds, st, sd, si + i * ss);
    }
  }

  private static void write(DType dt, Object dd, int di, DType st, Object sd, int si) {
    switch (dt) {
      case FLOAT32 -> ((float[]) dd)[di] = switch (st) {
        case FLOAT32 -> ((float[]) sd)[si];
        case FLOAT64 -> (float) ((double[]) sd)[si];
        case INT64 -> (float) ((long[]) sd)[si];
        case BOOL -> ((boolean[]) sd)[si] ? 1f : 0f;
      };
      case FLOAT64 -> ((double[]) dd)[di] = switch (st) {
        case FLOAT32 -> ((float[]) sd)[si];
        case FLOAT64 -> ((double[]) sd)[si];
        case INT64 -> (double) ((long[]) sd)[si];
        case BOOL -> ((boolean[]) sd)[si] ? 1d : 0d;
      };
      case INT64 -> ((long[]) dd)[di] = switch (st) {
        case FLOAT32 -> (long) ((float[]) sd)[si];
        case FLOAT64 -> (long) ((double[]) sd)[si];
        case INT64 -> ((long[]) sd)[si];
        case BOOL -> ((boolean[]) sd)[si] ? 1L : 0L;
      };
      case BOOL -> ((boolean[]) dd)[di] = switch (st) {
        case FLOAT32 -> ((float[]) sd)[si] != 0f;
        case FLOAT64 -> ((double[]) sd)[si] != 0d;
        case INT64 -> ((long[]) sd)[si] != 0L;
        case BOOL -> ((boolean[]) sd)[si];
      };
    }
  }

  static void fill(NDArray a, double v) {
    int[] shape = a.shape();
    int last = shape.length - 1;
    int st = last >= 0 ? a.strides()[last] : 0;
    Object data = a.data();
    rows(shape, new int[][]{a.strides()}, new int[]{a.offset()}, (o, len) -> {
      int b = o[0];
      switch (a.dtype()) {
        case FLOAT32 -> { float[] d = (float[]) data; float f = (float) v; for (int i = 0; i < len; i++) d[b + i * st] = f; }
        case FLOAT64 -> { double[] d = (double[]) data; for (int i = 0; i < len; i++) d[b + i * st] = v; }
        case INT64 -> { long[] d = (long[]) data; long l = (long) v; for (int i = 0; i < len; i++) d[b + i * st] = l; }
        case BOOL -> { boolean[] d = (boolean[]) data; boolean z = v != 0; for (int i = 0; i < len; i++) d[b + i * st] = z; }
      }
    });
  }
}
