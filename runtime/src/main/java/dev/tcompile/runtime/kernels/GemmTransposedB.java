package dev.tcompile.runtime.kernels;

import dev.tcompile.runtime.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C = alpha * A B^T + beta * C} (A m x k, B n x k, both row-major: a Linear layer's {@code x W^T}) for few
 * rows of A, computed as {@code C^T = B A^T}: rows of B are broadcast straight from memory, A^T (the small operand)
 * is packed into NR-column panels, and each MR x NR result tile is stored transposed. The packed algorithm would
 * instead transpose all of B (n x k floats) into its panels, a strided copy that cost a quarter of the product.
 *
 * <p>Every C element is one full-depth sum in a fixed order, computed by one task: the bits do not depend on the
 * thread count.
 */
final class GemmTransposedB {
  private GemmTransposedB() {}

  private static final VectorSpecies<Float> S = Gemm.S;
  private static final int VL = Gemm.VL, NR = Gemm.NR, MR = Gemm.MR;
  /** Largest packed A^T (floats) kept for the whole depth: it stays in L2 while B streams past it. */
  static final int MAX_PACKED = 128 * 1024;

  /** True when this path applies: few, short rows of A against at least one full panel of B rows. */
  static boolean applies(int m, int n, int k) {
    return (long) roundUp(m, NR) * k <= MAX_PACKED && n >= MR && m >= 2 && k >= 16;
  }

  private static int roundUp(int v, int r) { return (v + r - 1) / r * r; }

  private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[MR * NR]);
  /** The caller's packed A^T, reused call after call (its own, not a {@link Scratch} slot a caller may hold). */
  private static final ThreadLocal<float[][]> PACKED = ThreadLocal.withInitial(() -> new float[1][]);

  private static float[] packed(int size) {
    float[][] slot = PACKED.get();
    if (slot[0] == null || slot[0].length < size) slot[0] = new float[size];
    return slot[0];
  }

  static void sgemm(int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc) {
    int iPanels = (m + NR - 1) / NR, jPanels = (n + MR - 1) / MR;
    float[] xp = packed(iPanels * NR * k);
    boolean parallel = Parallel.threads() > 1 && (long) m * n * k >= Gemm.PARALLEL_MIN_FLOP && !Parallel.inParallelRegion();
    Call call = CALLS.take();
    try {
      call.m = m; call.n = n; call.k = k; call.alpha = alpha; call.a = a; call.aOff = aOff; call.lda = lda;
      call.b = b; call.bOff = bOff; call.ldb = ldb; call.beta = beta; call.c = c; call.cOff = cOff; call.ldc = ldc;
      call.xp = xp; call.iPanels = iPanels; call.jPanels = jPanels;
      // A^T panels: panel q holds k rows of NR floats (columns i of A^T, zero past m)
      call.pack = true;
      Parallel.run(parallel ? iPanels : 1, call);
      call.pack = false;
      Parallel.run(parallel ? Math.min(jPanels, 4 * Parallel.threads()) : 1, call);
    } finally {
      CALLS.give(call);
    }
  }

  /** One call's arguments, reused by the calling thread: task t packs its share of A^T, or computes its C rows. */
  private static final class Call extends Parallel.Reusable implements Parallel.Task {
    boolean pack;
    int m, n, k, aOff, lda, bOff, ldb, cOff, ldc, iPanels, jPanels;
    float alpha, beta;
    float[] a, b, c, xp;

    @Override public void run(int t, int cnt) {
      if (pack) {
        int q0 = iPanels * t / cnt, q1 = iPanels * (t + 1) / cnt;
        for (int q = q0; q < q1; q++)
          Gemm.packB(true, a, aOff, lda, 0, q * NR, k, Math.min(NR, m - q * NR), xp, q * NR * k);
        return;
      }
      int p0 = (int) ((long) jPanels * t / cnt), p1 = (int) ((long) jPanels * (t + 1) / cnt);
      float[] tile = TILE.get();
      for (int jp = p0; jp < p1; jp++) {
        int j0 = jp * MR, rows = Math.min(MR, n - j0);
        for (int q = 0; q < iPanels; q++) {
          int i0 = q * NR, cols = Math.min(NR, m - i0);
          if (MR == 12) rowsKernel12(k, b, bOff + j0 * ldb, ldb, rows, xp, q * NR * k, tile);
          else rowsKernel6(k, b, bOff + j0 * ldb, ldb, rows, xp, q * NR * k, tile);
          storeTransposed(tile, rows, cols, alpha, beta, c, cOff + i0 * ldc + j0, ldc);
        }
      }
    }

    @Override protected void clear() { a = b = c = xp = null; }
  }

  private static final Parallel.PerThread<Call> CALLS = new Parallel.PerThread<>(Call::new);

  /** C[t][r] (at c[co], row stride ldc) = alpha * tile[r][t] + beta * C[t][r] for r < rows, t < cols. */
  private static void storeTransposed(float[] tile, int rows, int cols, float alpha, float beta, float[] c, int co, int ldc) {
    for (int t = 0; t < cols; t++) {
      int ct = co + t * ldc;
      if (beta == 0f) for (int r = 0; r < rows; r++) c[ct + r] = alpha * tile[r * NR + t];
      else for (int r = 0; r < rows; r++) c[ct + r] = alpha * tile[r * NR + t] + beta * c[ct + r];
    }
  }

  /** tile[r][0..NR) = sum_p w[row r, p] * xp[p][0..NR) for 12 rows of w (row r at w[o + min(r, rows-1) * ldw]). */
  static void rowsKernel12(int k, float[] w, int o, int ldw, int rows, float[] xp, int xo, float[] tile) {
    int o0 = o + Math.min(0, rows - 1) * ldw;
    int o1 = o + Math.min(1, rows - 1) * ldw;
    int o2 = o + Math.min(2, rows - 1) * ldw;
    int o3 = o + Math.min(3, rows - 1) * ldw;
    int o4 = o + Math.min(4, rows - 1) * ldw;
    int o5 = o + Math.min(5, rows - 1) * ldw;
    int o6 = o + Math.min(6, rows - 1) * ldw;
    int o7 = o + Math.min(7, rows - 1) * ldw;
    int o8 = o + Math.min(8, rows - 1) * ldw;
    int o9 = o + Math.min(9, rows - 1) * ldw;
    int o10 = o + Math.min(10, rows - 1) * ldw;
    int o11 = o + Math.min(11, rows - 1) * ldw;
    FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
    FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
    FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
    FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
    FloatVector c4a = FloatVector.zero(S), c4b = FloatVector.zero(S);
    FloatVector c5a = FloatVector.zero(S), c5b = FloatVector.zero(S);
    FloatVector c6a = FloatVector.zero(S), c6b = FloatVector.zero(S);
    FloatVector c7a = FloatVector.zero(S), c7b = FloatVector.zero(S);
    FloatVector c8a = FloatVector.zero(S), c8b = FloatVector.zero(S);
    FloatVector c9a = FloatVector.zero(S), c9b = FloatVector.zero(S);
    FloatVector c10a = FloatVector.zero(S), c10b = FloatVector.zero(S);
    FloatVector c11a = FloatVector.zero(S), c11b = FloatVector.zero(S);
    for (int p = 0; p < k; p++) {
      int xi = xo + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, xp, xi), b1 = FloatVector.fromArray(S, xp, xi + VL);
      { FloatVector x = FloatVector.broadcast(S, w[o0 + p]); c0a = x.fma(b0, c0a); c0b = x.fma(b1, c0b); }
      { FloatVector x = FloatVector.broadcast(S, w[o1 + p]); c1a = x.fma(b0, c1a); c1b = x.fma(b1, c1b); }
      { FloatVector x = FloatVector.broadcast(S, w[o2 + p]); c2a = x.fma(b0, c2a); c2b = x.fma(b1, c2b); }
      { FloatVector x = FloatVector.broadcast(S, w[o3 + p]); c3a = x.fma(b0, c3a); c3b = x.fma(b1, c3b); }
      { FloatVector x = FloatVector.broadcast(S, w[o4 + p]); c4a = x.fma(b0, c4a); c4b = x.fma(b1, c4b); }
      { FloatVector x = FloatVector.broadcast(S, w[o5 + p]); c5a = x.fma(b0, c5a); c5b = x.fma(b1, c5b); }
      { FloatVector x = FloatVector.broadcast(S, w[o6 + p]); c6a = x.fma(b0, c6a); c6b = x.fma(b1, c6b); }
      { FloatVector x = FloatVector.broadcast(S, w[o7 + p]); c7a = x.fma(b0, c7a); c7b = x.fma(b1, c7b); }
      { FloatVector x = FloatVector.broadcast(S, w[o8 + p]); c8a = x.fma(b0, c8a); c8b = x.fma(b1, c8b); }
      { FloatVector x = FloatVector.broadcast(S, w[o9 + p]); c9a = x.fma(b0, c9a); c9b = x.fma(b1, c9b); }
      { FloatVector x = FloatVector.broadcast(S, w[o10 + p]); c10a = x.fma(b0, c10a); c10b = x.fma(b1, c10b); }
      { FloatVector x = FloatVector.broadcast(S, w[o11 + p]); c11a = x.fma(b0, c11a); c11b = x.fma(b1, c11b); }
    }
    c0a.intoArray(tile, 0 * NR); c0b.intoArray(tile, 0 * NR + VL);
    c1a.intoArray(tile, 1 * NR); c1b.intoArray(tile, 1 * NR + VL);
    c2a.intoArray(tile, 2 * NR); c2b.intoArray(tile, 2 * NR + VL);
    c3a.intoArray(tile, 3 * NR); c3b.intoArray(tile, 3 * NR + VL);
    c4a.intoArray(tile, 4 * NR); c4b.intoArray(tile, 4 * NR + VL);
    c5a.intoArray(tile, 5 * NR); c5b.intoArray(tile, 5 * NR + VL);
    c6a.intoArray(tile, 6 * NR); c6b.intoArray(tile, 6 * NR + VL);
    c7a.intoArray(tile, 7 * NR); c7b.intoArray(tile, 7 * NR + VL);
    c8a.intoArray(tile, 8 * NR); c8b.intoArray(tile, 8 * NR + VL);
    c9a.intoArray(tile, 9 * NR); c9b.intoArray(tile, 9 * NR + VL);
    c10a.intoArray(tile, 10 * NR); c10b.intoArray(tile, 10 * NR + VL);
    c11a.intoArray(tile, 11 * NR); c11b.intoArray(tile, 11 * NR + VL);
  }

  /** tile[r][0..NR) = sum_p w[row r, p] * xp[p][0..NR) for 6 rows of w (row r at w[o + min(r, rows-1) * ldw]). */
  static void rowsKernel6(int k, float[] w, int o, int ldw, int rows, float[] xp, int xo, float[] tile) {
    int o0 = o + Math.min(0, rows - 1) * ldw;
    int o1 = o + Math.min(1, rows - 1) * ldw;
    int o2 = o + Math.min(2, rows - 1) * ldw;
    int o3 = o + Math.min(3, rows - 1) * ldw;
    int o4 = o + Math.min(4, rows - 1) * ldw;
    int o5 = o + Math.min(5, rows - 1) * ldw;
    FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
    FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
    FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
    FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
    FloatVector c4a = FloatVector.zero(S), c4b = FloatVector.zero(S);
    FloatVector c5a = FloatVector.zero(S), c5b = FloatVector.zero(S);
    for (int p = 0; p < k; p++) {
      int xi = xo + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, xp, xi), b1 = FloatVector.fromArray(S, xp, xi + VL);
      { FloatVector x = FloatVector.broadcast(S, w[o0 + p]); c0a = x.fma(b0, c0a); c0b = x.fma(b1, c0b); }
      { FloatVector x = FloatVector.broadcast(S, w[o1 + p]); c1a = x.fma(b0, c1a); c1b = x.fma(b1, c1b); }
      { FloatVector x = FloatVector.broadcast(S, w[o2 + p]); c2a = x.fma(b0, c2a); c2b = x.fma(b1, c2b); }
      { FloatVector x = FloatVector.broadcast(S, w[o3 + p]); c3a = x.fma(b0, c3a); c3b = x.fma(b1, c3b); }
      { FloatVector x = FloatVector.broadcast(S, w[o4 + p]); c4a = x.fma(b0, c4a); c4b = x.fma(b1, c4b); }
      { FloatVector x = FloatVector.broadcast(S, w[o5 + p]); c5a = x.fma(b0, c5a); c5b = x.fma(b1, c5b); }
    }
    c0a.intoArray(tile, 0 * NR); c0b.intoArray(tile, 0 * NR + VL);
    c1a.intoArray(tile, 1 * NR); c1b.intoArray(tile, 1 * NR + VL);
    c2a.intoArray(tile, 2 * NR); c2b.intoArray(tile, 2 * NR + VL);
    c3a.intoArray(tile, 3 * NR); c3b.intoArray(tile, 3 * NR + VL);
    c4a.intoArray(tile, 4 * NR); c4b.intoArray(tile, 4 * NR + VL);
    c5a.intoArray(tile, 5 * NR); c5b.intoArray(tile, 5 * NR + VL);
  }
}
