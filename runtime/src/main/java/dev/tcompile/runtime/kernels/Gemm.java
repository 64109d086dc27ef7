package dev.tcompile.runtime.kernels;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM, BLAS conventions in row-major storage:
 * {@code C = alpha * op(A) * op(B) + beta * C}, op(A) m x k, op(B) k x n, C m x n.
 * {@code lda/ldb/ldc} are row strides (elements between consecutive rows of the stored matrix).
 * When beta == 0, C is overwritten without being read (NaNs in C do not propagate), as BLAS does.
 *
 * <p>Implementation (BLIS/GotoBLAS design, vectors along n): B is packed in blocks of {@code KC x NC} into
 * {@code NR}-column panels (NR = two vectors of {@link FloatVector#SPECIES_PREFERRED}), A into {@code MR}-row
 * panels scaled by alpha; an {@code MR x NR} register-blocked micro-kernel (MR = 12 with 512-bit vectors and
 * 32 registers, with 8- and 4-row kernels for a short last panel; 6 with 256-bit AVX2) runs each A panel, kept in L1, against every B panel of the block, which
 * stays in L2. Packing buffers are per thread and reused. Problems of at least {@link #PARALLEL_MIN_FLOP}
 * multiply-adds use {@link Parallel#threads()} threads: B blocks are packed once and shared, A panels are
 * claimed by the threads ({@link #blockedShared}); C with few rows is split by columns instead. Small problems
 * and matrix-vector shapes (m == 1 or n == 1) take unpacked vector loops instead. Two shapes of the training
 * steps skip a packing copy: {@code A B^T} with few rows of A (a Linear layer's {@code x W^T}) runs as
 * {@code (B A^T)^T} in {@link GemmTransposedB}; untransposed B against at most two A panels is read in place.
 * No path splits k across threads: one and two threads give the same bits.
 */
public final class Gemm {
  private Gemm() {}

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int VL = S.length();
  /** Micro-tile width (columns of C per micro-kernel call): two vectors. */
  static final int NR = 2 * VL;
  /** Micro-tile height (rows of C per micro-kernel call). */
  static final int MR = VL >= 16 ? 12 : 6;
  /** Depth of a packed block (k-direction). */
  static final int KC = 256;
  /** Width of a packed block of B (kept in L2): KC * NC floats. */
  static final int NC = Math.max(NR, (512 / NR) * NR);
  /** Rows of C up to which untransposed B is read in place rather than packed (see {@link #blocked}). */
  static final int IN_PLACE_B_MAX_M = 2 * MR;
  /** m*n*k below which packing is skipped. */
  static final long SMALL_FLOP = 32L * 32 * 32;
  /** m*n up to which A B^T (both contiguous in k) uses {@link #dotBlocked} instead of packing. */
  static final long DOT_MAX_MN = 64L * 160;
  /** m*n*k from which sgemm uses several threads. */
  public static final long PARALLEL_MIN_FLOP = 64L * 64 * 64;

  private static final class Buffers {
    final float[] a = new float[MR * KC];
    final float[] b = new float[KC * NC];
    final float[] tile = new float[MR * NR];
  }

  private static final ThreadLocal<Buffers> BUF = ThreadLocal.withInitial(Buffers::new);

  public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
    if (m < 0 || n < 0 || k < 0)
      throw new TorchException("sgemm: negative size m=" + m + ", n=" + n + ", k=" + k);
    if (m == 0 || n == 0) return;
    if (ldc < n && m > 1) throw new TorchException("sgemm: ldc=" + ldc + " < n=" + n);
    if (k == 0 || alpha == 0f) { scaleC(m, n, beta, c, cOff, ldc); return; }
    long flop = (long) m * n * k;
    boolean dotForm = !transA && (transB || (n == 1 && ldb == 1));
    if (flop <= SMALL_FLOP || ((m == 1 || n == 1) && (dotForm || !transB))) {
      if (dotForm) { dotGemm(transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc); return; }
      if (!transB) { axpyGemm(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc); return; }
    }
    if (!transA && transB && (long) m * n <= DOT_MAX_MN && k >= 2 * VL) {
      // small C, long contiguous rows on both sides (conv weight gradients, Linear with few outputs):
      // register-blocked dot products need no packing, which would cost as much as the arithmetic here
      dotBlocked(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    if (!transA && transB && GemmTransposedB.applies(m, n, k)) {
      GemmTransposedB.sgemm(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    int threads = Parallel.threads();
    if (threads > 1 && flop >= PARALLEL_MIN_FLOP && !Parallel.inParallelRegion()) {
      if ((m + MR - 1) / MR >= 2 * threads) {
        blockedShared(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        return;
      }
      // few rows: split C by columns (each part packs its own, small, copy of A)
      boolean splitN = n >= m;
      int units = splitN ? (n + NR - 1) / NR : (m + MR - 1) / MR;
      // a few parts per thread, claimed dynamically: a thread the OS schedules late takes fewer
      int parts = (int) Math.min(Math.min(units, 4L * threads), Math.max(threads, flop / PARALLEL_MIN_FLOP));
      if (parts > 1) {
        Call call = CALLS.take();
        try {
          call.set(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
          call.phase = splitN ? Call.SPLIT_N : Call.SPLIT_M;
          call.units = units;
          Parallel.run(parts, call);
        } finally {
          CALLS.give(call);
        }
        return;
      }
    }
    blocked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /** C = beta * C (C zeroed, not read, when beta == 0). */
  private static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      int co = cOff + i * ldc;
      if (beta == 0f) java.util.Arrays.fill(c, co, co + n, 0f);
      else if (beta != 1f) for (int j = 0; j < n; j++) c[co + j] *= beta;
    }
  }

  /** The packed, register-blocked algorithm on one thread. */
  static void blocked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
    Buffers buf = BUF.get();
    float[] bp = buf.b;
    // B rows contiguous in n and few A panels to share a packed B block: packing B would copy as many floats
    // as the kernels load, so they read B in place
    boolean inPlaceB = !transB && m <= IN_PLACE_B_MAX_M;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        if (inPlaceB) {
          float bt = pc == 0 ? beta : 1f;
          for (int ic = 0; ic < m; ic += MR)
            rowPanelInPlaceB(transA, a, aOff, lda, alpha, Math.min(MR, m - ic), ic, pc, kc, b, bOff + pc * ldb + jc, ldb,
                nc, c, cOff + jc, ldc, bt, buf);
          continue;
        }
        packB(transB, b, bOff, ldb, pc, jc, kc, nc, bp, 0);
        float bt = pc == 0 ? beta : 1f;
        for (int ic = 0; ic < m; ic += MR)
          rowPanel(transA, a, aOff, lda, alpha, Math.min(MR, m - ic), ic, pc, kc, bp, nc, c, cOff + jc, ldc, bt, buf);
      }
    }
  }

  /**
   * The packed algorithm on several threads, as BLIS parallelises it: each KC x NC block of B is packed once
   * (its NR panels split over the threads) into the caller's buffer, then the MR-row panels of A are claimed by
   * the threads, each packing its panel into its own buffer and running it against the shared B block.
   */
  static void blockedShared(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
    Call call = CALLS.take();
    try {
      call.set(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      call.bp = BUF.get().b;
      int mPanels = (m + MR - 1) / MR;
      for (int jc = 0; jc < n; jc += NC) {
        int nc = Math.min(NC, n - jc), nPanels = (nc + NR - 1) / NR;
        for (int pc = 0; pc < k; pc += KC) {
          call.jc = jc; call.nc = nc; call.pc = pc; call.kc = Math.min(KC, k - pc); call.panels = nPanels;
          call.phase = Call.PACK_B;
          Parallel.run(Math.min(nPanels, 2 * Parallel.threads()), call);
          call.bt = pc == 0 ? beta : 1f;
          call.phase = Call.ROW_PANELS;
          Parallel.run(mPanels, call);
        }
      }
    } finally {
      CALLS.give(call);
    }
  }

  /**
   * One parallel sgemm call's arguments and the step it is in, reused call after call by the calling thread (no
   * capturing lambda per call): the tasks of {@link #sgemm}'s split by columns or rows, and of
   * {@link #blockedShared}'s shared packing of a B block and its A panels.
   */
  private static final class Call extends Parallel.Reusable implements Parallel.Task {
    static final int SPLIT_N = 0, SPLIT_M = 1, PACK_B = 2, ROW_PANELS = 3;
    int phase;
    boolean transA, transB;
    int m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
    float alpha, beta;
    float[] a, b, c;
    /** SPLIT_N / SPLIT_M: NR-column or MR-row units of C split over the tasks. */
    int units;
    /** PACK_B / ROW_PANELS: the shared packed block (the caller's buffer), its position, size and beta. */
    float[] bp;
    int jc, nc, pc, kc, panels;
    float bt;

    void set(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
      this.transA = transA; this.transB = transB; this.m = m; this.n = n; this.k = k; this.alpha = alpha;
      this.a = a; this.aOff = aOff; this.lda = lda; this.b = b; this.bOff = bOff; this.ldb = ldb;
      this.beta = beta; this.c = c; this.cOff = cOff; this.ldc = ldc;
    }

    @Override public void run(int t, int cnt) {
      switch (phase) {
        case SPLIT_N -> {
          int u0 = (int) ((long) units * t / cnt), u1 = (int) ((long) units * (t + 1) / cnt);
          int j0 = u0 * NR, j1 = Math.min(n, u1 * NR);
          if (j0 < j1) blocked(transA, transB, m, j1 - j0, k, alpha, a, aOff, lda,
              b, bOff + (transB ? j0 * ldb : j0), ldb, beta, c, cOff + j0, ldc);
        }
        case SPLIT_M -> {
          int u0 = (int) ((long) units * t / cnt), u1 = (int) ((long) units * (t + 1) / cnt);
          int i0 = u0 * MR, i1 = Math.min(m, u1 * MR);
          if (i0 < i1) blocked(transA, transB, i1 - i0, n, k, alpha, a, aOff + (transA ? i0 : i0 * lda), lda,
              b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
        }
        case PACK_B -> {
          int q0 = (int) ((long) panels * t / cnt), q1 = (int) ((long) panels * (t + 1) / cnt);
          int j0 = q0 * NR, j1 = Math.min(nc, q1 * NR);
          if (j0 < j1) packB(transB, b, bOff, ldb, pc, jc + j0, kc, j1 - j0, bp, j0 * kc);
        }
        default -> {
          int ic = t * MR;
          rowPanel(transA, a, aOff, lda, alpha, Math.min(MR, m - ic), ic, pc, kc, bp, nc, c, cOff + jc, ldc, bt, BUF.get());
        }
      }
    }

    @Override protected void clear() { a = b = c = bp = null; }
  }

  private static final Parallel.PerThread<Call> CALLS = new Parallel.PerThread<>(Call::new);

  /** Packs rows [ic, ic+mr) x [pc, pc+kc) of alpha*op(A) and multiplies them by the packed B block (nc wide). */
  private static void rowPanel(boolean transA, float[] a, int aOff, int lda, float alpha, int mr, int ic, int pc, int kc,
                               float[] bp, int nc, float[] c, int cOff, int ldc, float bt, Buffers buf) {
    float[] ap = buf.a, tile = buf.tile;
    int h = panelHeight(mr);                       // the last panel may use a shorter kernel
    packA(transA, a, aOff, lda, ic, pc, mr, kc, alpha, ap, 0, h);
    for (int jr = 0; jr < nc; jr += NR)
      microTile(h, mr, Math.min(NR, nc - jr), kc, ap, 0, bp, jr * kc, c, cOff + ic * ldc + jr, ldc, bt, tile);
  }

  /**
   * As {@link #rowPanel}, with the kc x nc block of (untransposed) B read in place at b[bo], row stride ldb; only a
   * last panel narrower than NR is packed (the kernels load whole NR-wide rows).
   */
  private static void rowPanelInPlaceB(boolean transA, float[] a, int aOff, int lda, float alpha, int mr, int ic, int pc,
                                       int kc, float[] b, int bo, int ldb, int nc, float[] c, int cOff, int ldc, float bt,
                                       Buffers buf) {
    float[] ap = buf.a, tile = buf.tile;
    int h = MR, full = nc - nc % NR;   // the in-place kernels exist for full-height panels only
    packA(transA, a, aOff, lda, ic, pc, mr, kc, alpha, ap, 0, h);
    for (int jr = 0; jr < full; jr += NR)
      microTile(h, mr, NR, kc, ap, 0, b, bo + jr, ldb, c, cOff + ic * ldc + jr, ldc, bt, tile);
    if (full < nc) {
      packB(false, b, bo, ldb, 0, full, kc, nc - full, buf.b, 0);
      microTile(h, mr, nc - full, kc, ap, 0, buf.b, 0, c, cOff + ic * ldc + full, ldc, bt, tile);
    }
  }

  /**
   * C[mr x nr] (at c[co], row stride ldc) = packed A panel of {@code h >= mr} rows (at ap[ao]) * packed B panel
   * (at bp[bo]) + bt * C; a partial tile (mr < h or nr < NR) goes through {@code tile} (MR x NR floats), so
   * nothing outside the mr x nr block of C is touched.
   */
  static void microTile(int h, int mr, int nr, int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                        float bt, float[] tile) {
    microTile(h, mr, nr, kc, ap, ao, bp, bo, NR, c, co, ldc, bt, tile);
  }

  /**
   * As above with the B panel's rows {@code ldbp} apart (B read in place); a B panel narrower than NR must then
   * still have NR readable floats per row.
   */
  static void microTile(int h, int mr, int nr, int kc, float[] ap, int ao, float[] bp, int bo, int ldbp, float[] c, int co,
                        int ldc, float bt, float[] tile) {
    if (mr == h && nr == NR) {
      microKernel(h, kc, ap, ao, bp, bo, ldbp, c, co, ldc, bt);
      return;
    }
    microKernel(h, kc, ap, ao, bp, bo, ldbp, tile, 0, NR, 0f);
    // masked vector copy of the mr x nr corner (a scalar copy cost as much as the kernel for a 10-row product)
    VectorMask<Float> m0 = S.indexInRange(0, nr), m1 = S.indexInRange(VL, nr);
    for (int r = 0; r < mr; r++) {
      int cr = co + r * ldc, tr = r * NR;
      if (cr + NR > c.length) {
        // a row whose two vectors would reach past the end of C: a masked access there checks its lanes one by
        // one, building a boolean[] per access; the scalar copy gives the same bits (fma rounds once either way)
        for (int j = 0; j < nr; j++) c[cr + j] = bt != 0f ? Math.fma(c[cr + j], bt, tile[tr + j]) : tile[tr + j];
        continue;
      }
      FloatVector t0 = FloatVector.fromArray(S, tile, tr), t1 = FloatVector.fromArray(S, tile, tr + VL);
      if (bt != 0f) {
        FloatVector bv = FloatVector.broadcast(S, bt);   // made here, not carried into the loop (see Conv2d.epilogue)
        t0 = FloatVector.fromArray(S, c, cr, m0).fma(bv, t0);
        t1 = FloatVector.fromArray(S, c, cr + VL, m1).fma(bv, t1);
      }
      t0.intoArray(c, cr, m0);
      t1.intoArray(c, cr + VL, m1);
    }
  }

  /** Rows of the micro-kernel used for a panel of {@code mr <= MR} rows: MR, or 8 or 4 for a short last panel. */
  static int panelHeight(int mr) {
    if (mr == MR || MR != 12) return MR;
    return mr <= 4 ? 4 : mr <= 8 ? 8 : 12;
  }

  /** C[h x NR] = A panel (kc x h at ap[ao]) * B panel (kc x NR at bp[bo]) + beta * C. */
  static void microKernel(int h, int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, float beta) {
    switch (h) {
      case 12 -> kernel12(kc, ap, ao, bp, bo, c, co, ldc, beta);
      case 11 -> kernel11(kc, ap, ao, bp, bo, c, co, ldc, beta);
      case 8 -> kernel8(kc, ap, ao, bp, bo, c, co, ldc, beta);
      case 4 -> kernel4(kc, ap, ao, bp, bo, c, co, ldc, beta);
      default -> kernel6(kc, ap, ao, bp, bo, c, co, ldc, beta);
    }
  }

  /**
   * As above with the B panel's rows {@code ldbp} apart: NR when packed; otherwise B is read in place and h must
   * be MR. The packed kernels keep the constant stride NR (with a variable stride C2 keeps a range check per B
   * load: measured 6% slower on 1024^3).
   */
  static void microKernel(int h, int kc, float[] ap, int ao, float[] bp, int bo, int ldbp, float[] c, int co, int ldc, float beta) {
    if (ldbp == NR) microKernel(h, kc, ap, ao, bp, bo, c, co, ldc, beta);
    else if (MR == 12) kernel12s(kc, ap, ao, bp, bo, ldbp, c, co, ldc, beta);
    else kernel6s(kc, ap, ao, bp, bo, ldbp, c, co, ldc, beta);
  }

  /** Packs op(B)[pc..pc+kc) x [jc..jc+nc) into NR-column panels at bp[bpOff..]: panel q holds kc rows of NR floats. */
  static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, float[] bp, int bpOff) {
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr), base = bpOff + jr * kc;
      if (!transB) {
        int src = bOff + pc * ldb + jc + jr;
        if (nr == NR) {
          for (int p = 0; p < kc; p++, src += ldb) {
            int d = base + p * NR;
            FloatVector.fromArray(S, b, src).intoArray(bp, d);
            FloatVector.fromArray(S, b, src + VL).intoArray(bp, d + VL);
          }
        } else {
          for (int p = 0; p < kc; p++, src += ldb) {
            int d = base + p * NR;
            System.arraycopy(b, src, bp, d, nr);
            java.util.Arrays.fill(bp, d + nr, d + NR, 0f);
          }
        }
      } else {
        // one source row (contiguous in k) at a time; the inner-loop form p-outer/jj-inner with a variable
        // stride jj * ldb measured 13x slower here (C2 cannot eliminate its range checks)
        for (int jj = 0; jj < nr; jj++) {
          int src = bOff + (jc + jr + jj) * ldb + pc;
          for (int p = 0; p < kc; p++) bp[base + p * NR + jj] = b[src + p];
        }
        for (int jj = nr; jj < NR; jj++) for (int p = 0; p < kc; p++) bp[base + p * NR + jj] = 0f;
      }
    }
  }

  /** Packs alpha * op(A)[ic..ic+mr) x [pc..pc+kc) at ap[apOff..] as kc columns of {@code h} floats (rows past mr zero). */
  static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mr, int kc, float alpha,
                    float[] ap, int apOff, int h) {
    if (!transA) {
      for (int r = 0; r < mr; r++) {
        int src = aOff + (ic + r) * lda + pc, d = apOff + r;
        if (alpha == 1f) for (int p = 0; p < kc; p++) ap[d + p * h] = a[src + p];
        else for (int p = 0; p < kc; p++) ap[d + p * h] = alpha * a[src + p];
      }
    } else {
      for (int p = 0; p < kc; p++) {
        int src = aOff + (pc + p) * lda + ic, d = apOff + p * h;
        if (alpha == 1f) for (int r = 0; r < mr; r++) ap[d + r] = a[src + r];
        else for (int r = 0; r < mr; r++) ap[d + r] = alpha * a[src + r];
      }
    }
    if (mr < h) for (int p = 0; p < kc; p++) for (int r = mr; r < h; r++) ap[apOff + p * h + r] = 0f;
  }

  /** C[i][j] = alpha * dot(A row i, op(B) column j) + beta * C[i][j], both contiguous in k. */
  private static void dotGemm(boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      int ao = aOff + i * lda, co = cOff + i * ldc;
      for (int j = 0; j < n; j++) {
        float s = alpha * dot(a, ao, b, bOff + (transB ? j * ldb : 0), k);
        c[co + j] = beta == 0f ? s : s + beta * c[co + j];
      }
    }
  }

  /**
   * C = alpha * A B^T + beta * C with A rows and B rows contiguous in k: 4 x 3 blocks of C accumulate twelve
   * vector partial sums (7 loads per 12 FMAs), reduced across lanes at the end; edges use single dot products.
   */
  static void dotBlocked(int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc) {
    int m4 = m - m % 4, n3 = n - n % 3;
    float[] lanes = BUF.get().tile;
    for (int i = 0; i < m4; i += 4)
      for (int j = 0; j < n3; j += 3)
        dot4x3(k, alpha, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, beta, c, cOff + i * ldc + j, ldc, lanes);
    for (int i = 0; i < m; i++) {
      int j0 = i < m4 ? n3 : 0;
      for (int j = j0; j < n; j++) {
        float s = alpha * dot(a, aOff + i * lda, b, bOff + j * ldb, k);
        int ci = cOff + i * ldc + j;
        c[ci] = beta == 0f ? s : s + beta * c[ci];
      }
    }
  }

  /** {@code lanes}: scratch for 12 vectors (the accumulators are summed from memory: passing them to a call would box them). */
  private static void dot4x3(int k, float alpha, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                             float beta, float[] c, int co, int ldc, float[] lanes) {
    FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00;
    FloatVector s20 = s00, s21 = s00, s22 = s00, s30 = s00, s31 = s00, s32 = s00;
    int a1 = ao + lda, a2 = a1 + lda, a3 = a2 + lda, b1 = bo + ldb, b2 = b1 + ldb;
    int p = 0;
    for (int e = k - VL; p <= e; p += VL) {
      FloatVector y0 = FloatVector.fromArray(S, b, bo + p), y1 = FloatVector.fromArray(S, b, b1 + p), y2 = FloatVector.fromArray(S, b, b2 + p);
      FloatVector x = FloatVector.fromArray(S, a, ao + p);
      s00 = x.fma(y0, s00); s01 = x.fma(y1, s01); s02 = x.fma(y2, s02);
      x = FloatVector.fromArray(S, a, a1 + p);
      s10 = x.fma(y0, s10); s11 = x.fma(y1, s11); s12 = x.fma(y2, s12);
      x = FloatVector.fromArray(S, a, a2 + p);
      s20 = x.fma(y0, s20); s21 = x.fma(y1, s21); s22 = x.fma(y2, s22);
      x = FloatVector.fromArray(S, a, a3 + p);
      s30 = x.fma(y0, s30); s31 = x.fma(y1, s31); s32 = x.fma(y2, s32);
    }
    // twelve locals, not an array, and no vector handed to a method: either allocated on every call
    s00.intoArray(lanes, 0); s01.intoArray(lanes, VL); s02.intoArray(lanes, 2 * VL);
    s10.intoArray(lanes, 3 * VL); s11.intoArray(lanes, 4 * VL); s12.intoArray(lanes, 5 * VL);
    s20.intoArray(lanes, 6 * VL); s21.intoArray(lanes, 7 * VL); s22.intoArray(lanes, 8 * VL);
    s30.intoArray(lanes, 9 * VL); s31.intoArray(lanes, 10 * VL); s32.intoArray(lanes, 11 * VL);
    float r0 = Lanes.treeOfVector(lanes, 0, VL), r1 = Lanes.treeOfVector(lanes, VL, VL), r2 = Lanes.treeOfVector(lanes, 2 * VL, VL);
    float r3 = Lanes.treeOfVector(lanes, 3 * VL, VL), r4 = Lanes.treeOfVector(lanes, 4 * VL, VL), r5 = Lanes.treeOfVector(lanes, 5 * VL, VL);
    float r6 = Lanes.treeOfVector(lanes, 6 * VL, VL), r7 = Lanes.treeOfVector(lanes, 7 * VL, VL), r8 = Lanes.treeOfVector(lanes, 8 * VL, VL);
    float r9 = Lanes.treeOfVector(lanes, 9 * VL, VL), r10 = Lanes.treeOfVector(lanes, 10 * VL, VL), r11 = Lanes.treeOfVector(lanes, 11 * VL, VL);
    for (; p < k; p++) {
      float y0 = b[bo + p], y1 = b[b1 + p], y2 = b[b2 + p];
      float x0 = a[ao + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
      r0 += x0 * y0; r1 += x0 * y1; r2 += x0 * y2;
      r3 += x1 * y0; r4 += x1 * y1; r5 += x1 * y2;
      r6 += x2 * y0; r7 += x2 * y1; r8 += x2 * y2;
      r9 += x3 * y0; r10 += x3 * y1; r11 += x3 * y2;
    }
    store3(alpha, beta, c, co, r0, r1, r2);
    store3(alpha, beta, c, co + ldc, r3, r4, r5);
    store3(alpha, beta, c, co + 2 * ldc, r6, r7, r8);
    store3(alpha, beta, c, co + 3 * ldc, r9, r10, r11);
  }

  private static void store3(float alpha, float beta, float[] c, int ci, float v0, float v1, float v2) {
    c[ci] = beta == 0f ? alpha * v0 : alpha * v0 + beta * c[ci];
    c[ci + 1] = beta == 0f ? alpha * v1 : alpha * v1 + beta * c[ci + 1];
    c[ci + 2] = beta == 0f ? alpha * v2 : alpha * v2 + beta * c[ci + 2];
  }

  /** Lane i takes lane i ^ h: adding it folds the upper h lanes of each 2h-lane block onto the lower ones. */
  private static final VectorShuffle<Float> F8 = fold(8), F4 = fold(4), F2 = fold(2), F1 = fold(1);

  private static VectorShuffle<Float> fold(int h) { return VectorShuffle.fromOp(S, i -> h < VL ? i ^ h : i); }

  /**
   * Sum of the lanes in a fixed order (halves added lane-wise, log2(VL) times): the same bits on every JIT tier,
   * unlike reduceLanes(ADD), and a few shuffles and adds instead of {@link Lanes#sum}'s trip through an array.
   */
  static float hsum(FloatVector v) {
    if (VL > 16) return Lanes.sum(v);
    if (VL == 16) v = v.add(v.rearrange(F8));
    if (VL >= 8) v = v.add(v.rearrange(F4));
    if (VL >= 4) v = v.add(v.rearrange(F2));
    if (VL >= 2) v = v.add(v.rearrange(F1));
    return v.lane(0);
  }

  /** Vector dot product of x[xo..xo+n) and y[yo..yo+n). */
  static float dot(float[] x, int xo, float[] y, int yo, int n) {
    FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
    int i = 0;
    for (int e = n - 2 * VL; i <= e; i += 2 * VL) {
      s0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), s0);
      s1 = FloatVector.fromArray(S, x, xo + i + VL).fma(FloatVector.fromArray(S, y, yo + i + VL), s1);
    }
    for (int e = n - VL; i <= e; i += VL)
      s0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), s0);
    float s = Lanes.sum(s0.add(s1));   // (not hsum: matrix-vector results keep their bits, printed in golden tests)
    for (; i < n; i++) s += x[xo + i] * y[yo + i];
    return s;
  }

  /** C row i = beta * C row i + sum_p (alpha * op(A)[i][p]) * B row p, with B not transposed. */
  private static void axpyGemm(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      int co = cOff + i * ldc;
      if (beta == 0f) java.util.Arrays.fill(c, co, co + n, 0f);
      else if (beta != 1f) for (int j = 0; j < n; j++) c[co + j] *= beta;
      for (int p = 0; p < k; p++) {
        float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
        axpy(av, b, bOff + p * ldb, c, co, n);
      }
    }
  }

  /** y[yo..yo+n) += alpha * x[xo..xo+n). */
  static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
    FloatVector av = FloatVector.broadcast(S, alpha);
    int i = 0;
    for (int e = n - VL; i <= e; i += VL)
      FloatVector.fromArray(S, x, xo + i).fma(av, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
    for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
  }

  /** 6 x NR micro-kernel: C[6 x NR] = packed A panel (kc x 6) * packed B panel (kc x NR) + beta * C. */
  static void kernel6(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, float beta) {
    FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
    FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
    FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
    FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
    FloatVector c4a = FloatVector.zero(S), c4b = FloatVector.zero(S);
    FloatVector c5a = FloatVector.zero(S), c5b = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      int ai = ao + p * 6, bi = bo + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 0]); c0a = x.fma(b0, c0a); c0b = x.fma(b1, c0b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 1]); c1a = x.fma(b0, c1a); c1b = x.fma(b1, c1b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 2]); c2a = x.fma(b0, c2a); c2b = x.fma(b1, c2b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 3]); c3a = x.fma(b0, c3a); c3b = x.fma(b1, c3b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 4]); c4a = x.fma(b0, c4a); c4b = x.fma(b1, c4b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 5]); c5a = x.fma(b0, c5a); c5b = x.fma(b1, c5b); }
    }
    if (beta == 0f) {
      c0a.intoArray(c, co); c0b.intoArray(c, co + VL);
      c1a.intoArray(c, co + 1 * ldc); c1b.intoArray(c, co + 1 * ldc + VL);
      c2a.intoArray(c, co + 2 * ldc); c2b.intoArray(c, co + 2 * ldc + VL);
      c3a.intoArray(c, co + 3 * ldc); c3b.intoArray(c, co + 3 * ldc + VL);
      c4a.intoArray(c, co + 4 * ldc); c4b.intoArray(c, co + 4 * ldc + VL);
      c5a.intoArray(c, co + 5 * ldc); c5b.intoArray(c, co + 5 * ldc + VL);
    } else {
      FloatVector bv = FloatVector.broadcast(S, beta);
      FloatVector.fromArray(S, c, co).fma(bv, c0a).intoArray(c, co); FloatVector.fromArray(S, c, co + VL).fma(bv, c0b).intoArray(c, co + VL);
      FloatVector.fromArray(S, c, co + 1 * ldc).fma(bv, c1a).intoArray(c, co + 1 * ldc); FloatVector.fromArray(S, c, co + 1 * ldc + VL).fma(bv, c1b).intoArray(c, co + 1 * ldc + VL);
      FloatVector.fromArray(S, c, co + 2 * ldc).fma(bv, c2a).intoArray(c, co + 2 * ldc); FloatVector.fromArray(S, c, co + 2 * ldc + VL).fma(bv, c2b).intoArray(c, co + 2 * ldc + VL);
      FloatVector.fromArray(S, c, co + 3 * ldc).fma(bv, c3a).intoArray(c, co + 3 * ldc); FloatVector.fromArray(S, c, co + 3 * ldc + VL).fma(bv, c3b).intoArray(c, co + 3 * ldc + VL);
      FloatVector.fromArray(S, c, co + 4 * ldc).fma(bv, c4a).intoArray(c, co + 4 * ldc); FloatVector.fromArray(S, c, co + 4 * ldc + VL).fma(bv, c4b).intoArray(c, co + 4 * ldc + VL);
      FloatVector.fromArray(S, c, co + 5 * ldc).fma(bv, c5a).intoArray(c, co + 5 * ldc); FloatVector.fromArray(S, c, co + 5 * ldc + VL).fma(bv, c5b).intoArray(c, co + 5 * ldc + VL);
    }
  }

  /** 12 x NR micro-kernel: C[12 x NR] = packed A panel (kc x 12) * packed B panel (kc x NR) + beta * C. */
  static void kernel12(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, float beta) {
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
    for (int p = 0; p < kc; p++) {
      int ai = ao + p * 12, bi = bo + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 0]); c0a = x.fma(b0, c0a); c0b = x.fma(b1, c0b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 1]); c1a = x.fma(b0, c1a); c1b = x.fma(b1, c1b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 2]); c2a = x.fma(b0, c2a); c2b = x.fma(b1, c2b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 3]); c3a = x.fma(b0, c3a); c3b = x.fma(b1, c3b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 4]); c4a = x.fma(b0, c4a); c4b = x.fma(b1, c4b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 5]); c5a = x.fma(b0, c5a); c5b = x.fma(b1, c5b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 6]); c6a = x.fma(b0, c6a); c6b = x.fma(b1, c6b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 7]); c7a = x.fma(b0, c7a); c7b = x.fma(b1, c7b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 8]); c8a = x.fma(b0, c8a); c8b = x.fma(b1, c8b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 9]); c9a = x.fma(b0, c9a); c9b = x.fma(b1, c9b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 10]); c10a = x.fma(b0, c10a); c10b = x.fma(b1, c10b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 11]); c11a = x.fma(b0, c11a); c11b = x.fma(b1, c11b); }
    }
    if (beta == 0f) {
      c0a.intoArray(c, co); c0b.intoArray(c, co + VL);
      c1a.intoArray(c, co + 1 * ldc); c1b.intoArray(c, co + 1 * ldc + VL);
      c2a.intoArray(c, co + 2 * ldc); c2b.intoArray(c, co + 2 * ldc + VL);
      c3a.intoArray(c, co + 3 * ldc); c3b.intoArray(c, co + 3 * ldc + VL);
      c4a.intoArray(c, co + 4 * ldc); c4b.intoArray(c, co + 4 * ldc + VL);
      c5a.intoArray(c, co + 5 * ldc); c5b.intoArray(c, co + 5 * ldc + VL);
      c6a.intoArray(c, co + 6 * ldc); c6b.intoArray(c, co + 6 * ldc + VL);
      c7a.intoArray(c, co + 7 * ldc); c7b.intoArray(c, co + 7 * ldc + VL);
      c8a.intoArray(c, co + 8 * ldc); c8b.intoArray(c, co + 8 * ldc + VL);
      c9a.intoArray(c, co + 9 * ldc); c9b.intoArray(c, co + 9 * ldc + VL);
      c10a.intoArray(c, co + 10 * ldc); c10b.intoArray(c, co + 10 * ldc + VL);
      c11a.intoArray(c, co + 11 * ldc); c11b.intoArray(c, co + 11 * ldc + VL);
    } else {
      FloatVector bv = FloatVector.broadcast(S, beta);
      FloatVector.fromArray(S, c, co).fma(bv, c0a).intoArray(c, co); FloatVector.fromArray(S, c, co + VL).fma(bv, c0b).intoArray(c, co + VL);
      FloatVector.fromArray(S, c, co + 1 * ldc).fma(bv, c1a).intoArray(c, co + 1 * ldc); FloatVector.fromArray(S, c, co + 1 * ldc + VL).fma(bv, c1b).intoArray(c, co + 1 * ldc + VL);
      FloatVector.fromArray(S, c, co + 2 * ldc).fma(bv, c2a).intoArray(c, co + 2 * ldc); FloatVector.fromArray(S, c, co + 2 * ldc + VL).fma(bv, c2b).intoArray(c, co + 2 * ldc + VL);
      FloatVector.fromArray(S, c, co + 3 * ldc).fma(bv, c3a).intoArray(c, co + 3 * ldc); FloatVector.fromArray(S, c, co + 3 * ldc + VL).fma(bv, c3b).intoArray(c, co + 3 * ldc + VL);
      FloatVector.fromArray(S, c, co + 4 * ldc).fma(bv, c4a).intoArray(c, co + 4 * ldc); FloatVector.fromArray(S, c, co + 4 * ldc + VL).fma(bv, c4b).intoArray(c, co + 4 * ldc + VL);
      FloatVector.fromArray(S, c, co + 5 * ldc).fma(bv, c5a).intoArray(c, co + 5 * ldc); FloatVector.fromArray(S, c, co + 5 * ldc + VL).fma(bv, c5b).intoArray(c, co + 5 * ldc + VL);
      FloatVector.fromArray(S, c, co + 6 * ldc).fma(bv, c6a).intoArray(c, co + 6 * ldc); FloatVector.fromArray(S, c, co + 6 * ldc + VL).fma(bv, c6b).intoArray(c, co + 6 * ldc + VL);
      FloatVector.fromArray(S, c, co + 7 * ldc).fma(bv, c7a).intoArray(c, co + 7 * ldc); FloatVector.fromArray(S, c, co + 7 * ldc + VL).fma(bv, c7b).intoArray(c, co + 7 * ldc + VL);
      FloatVector.fromArray(S, c, co + 8 * ldc).fma(bv, c8a).intoArray(c, co + 8 * ldc); FloatVector.fromArray(S, c, co + 8 * ldc + VL).fma(bv, c8b).intoArray(c, co + 8 * ldc + VL);
      FloatVector.fromArray(S, c, co + 9 * ldc).fma(bv, c9a).intoArray(c, co + 9 * ldc); FloatVector.fromArray(S, c, co + 9 * ldc + VL).fma(bv, c9b).intoArray(c, co + 9 * ldc + VL);
      FloatVector.fromArray(S, c, co + 10 * ldc).fma(bv, c10a).intoArray(c, co + 10 * ldc); FloatVector.fromArray(S, c, co + 10 * ldc + VL).fma(bv, c10b).intoArray(c, co + 10 * ldc + VL);
      FloatVector.fromArray(S, c, co + 11 * ldc).fma(bv, c11a).intoArray(c, co + 11 * ldc); FloatVector.fromArray(S, c, co + 11 * ldc + VL).fma(bv, c11b).intoArray(c, co + 11 * ldc + VL);
    }
  }

  /** 11 x NR micro-kernel (three panels cover 33 rows, a common channel count): C[11 x NR] = packed A panel (kc x 11) * packed B panel (kc x NR) + beta * C. */
  static void kernel11(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, float beta) {
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
    for (int p = 0; p < kc; p++) {
      int ai = ao + p * 11, bi = bo + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 0]); c0a = x.fma(b0, c0a); c0b = x.fma(b1, c0b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 1]); c1a = x.fma(b0, c1a); c1b = x.fma(b1, c1b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 2]); c2a = x.fma(b0, c2a); c2b = x.fma(b1, c2b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 3]); c3a = x.fma(b0, c3a); c3b = x.fma(b1, c3b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 4]); c4a = x.fma(b0, c4a); c4b = x.fma(b1, c4b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 5]); c5a = x.fma(b0, c5a); c5b = x.fma(b1, c5b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 6]); c6a = x.fma(b0, c6a); c6b = x.fma(b1, c6b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 7]); c7a = x.fma(b0, c7a); c7b = x.fma(b1, c7b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 8]); c8a = x.fma(b0, c8a); c8b = x.fma(b1, c8b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 9]); c9a = x.fma(b0, c9a); c9b = x.fma(b1, c9b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 10]); c10a = x.fma(b0, c10a); c10b = x.fma(b1, c10b); }
    }
    if (beta == 0f) {
      c0a.intoArray(c, co); c0b.intoArray(c, co + VL);
      c1a.intoArray(c, co + 1 * ldc); c1b.intoArray(c, co + 1 * ldc + VL);
      c2a.intoArray(c, co + 2 * ldc); c2b.intoArray(c, co + 2 * ldc + VL);
      c3a.intoArray(c, co + 3 * ldc); c3b.intoArray(c, co + 3 * ldc + VL);
      c4a.intoArray(c, co + 4 * ldc); c4b.intoArray(c, co + 4 * ldc + VL);
      c5a.intoArray(c, co + 5 * ldc); c5b.intoArray(c, co + 5 * ldc + VL);
      c6a.intoArray(c, co + 6 * ldc); c6b.intoArray(c, co + 6 * ldc + VL);
      c7a.intoArray(c, co + 7 * ldc); c7b.intoArray(c, co + 7 * ldc + VL);
      c8a.intoArray(c, co + 8 * ldc); c8b.intoArray(c, co + 8 * ldc + VL);
      c9a.intoArray(c, co + 9 * ldc); c9b.intoArray(c, co + 9 * ldc + VL);
      c10a.intoArray(c, co + 10 * ldc); c10b.intoArray(c, co + 10 * ldc + VL);
    } else {
      FloatVector bv = FloatVector.broadcast(S, beta);
      FloatVector.fromArray(S, c, co).fma(bv, c0a).intoArray(c, co); FloatVector.fromArray(S, c, co + VL).fma(bv, c0b).intoArray(c, co + VL);
      FloatVector.fromArray(S, c, co + 1 * ldc).fma(bv, c1a).intoArray(c, co + 1 * ldc); FloatVector.fromArray(S, c, co + 1 * ldc + VL).fma(bv, c1b).intoArray(c, co + 1 * ldc + VL);
      FloatVector.fromArray(S, c, co + 2 * ldc).fma(bv, c2a).intoArray(c, co + 2 * ldc); FloatVector.fromArray(S, c, co + 2 * ldc + VL).fma(bv, c2b).intoArray(c, co + 2 * ldc + VL);
      FloatVector.fromArray(S, c, co + 3 * ldc).fma(bv, c3a).intoArray(c, co + 3 * ldc); FloatVector.fromArray(S, c, co + 3 * ldc + VL).fma(bv, c3b).intoArray(c, co + 3 * ldc + VL);
      FloatVector.fromArray(S, c, co + 4 * ldc).fma(bv, c4a).intoArray(c, co + 4 * ldc); FloatVector.fromArray(S, c, co + 4 * ldc + VL).fma(bv, c4b).intoArray(c, co + 4 * ldc + VL);
      FloatVector.fromArray(S, c, co + 5 * ldc).fma(bv, c5a).intoArray(c, co + 5 * ldc); FloatVector.fromArray(S, c, co + 5 * ldc + VL).fma(bv, c5b).intoArray(c, co + 5 * ldc + VL);
      FloatVector.fromArray(S, c, co + 6 * ldc).fma(bv, c6a).intoArray(c, co + 6 * ldc); FloatVector.fromArray(S, c, co + 6 * ldc + VL).fma(bv, c6b).intoArray(c, co + 6 * ldc + VL);
      FloatVector.fromArray(S, c, co + 7 * ldc).fma(bv, c7a).intoArray(c, co + 7 * ldc); FloatVector.fromArray(S, c, co + 7 * ldc + VL).fma(bv, c7b).intoArray(c, co + 7 * ldc + VL);
      FloatVector.fromArray(S, c, co + 8 * ldc).fma(bv, c8a).intoArray(c, co + 8 * ldc); FloatVector.fromArray(S, c, co + 8 * ldc + VL).fma(bv, c8b).intoArray(c, co + 8 * ldc + VL);
      FloatVector.fromArray(S, c, co + 9 * ldc).fma(bv, c9a).intoArray(c, co + 9 * ldc); FloatVector.fromArray(S, c, co + 9 * ldc + VL).fma(bv, c9b).intoArray(c, co + 9 * ldc + VL);
      FloatVector.fromArray(S, c, co + 10 * ldc).fma(bv, c10a).intoArray(c, co + 10 * ldc); FloatVector.fromArray(S, c, co + 10 * ldc + VL).fma(bv, c10b).intoArray(c, co + 10 * ldc + VL);
    }
  }

  /** 4 x NR micro-kernel: C[4 x NR] = packed A panel (kc x 4) * packed B panel (kc x NR) + beta * C. */
  static void kernel4(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, float beta) {
    FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
    FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
    FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
    FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      int ai = ao + p * 4, bi = bo + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 0]); c0a = x.fma(b0, c0a); c0b = x.fma(b1, c0b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 1]); c1a = x.fma(b0, c1a); c1b = x.fma(b1, c1b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 2]); c2a = x.fma(b0, c2a); c2b = x.fma(b1, c2b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 3]); c3a = x.fma(b0, c3a); c3b = x.fma(b1, c3b); }
    }
    if (beta == 0f) {
      c0a.intoArray(c, co); c0b.intoArray(c, co + VL);
      c1a.intoArray(c, co + 1 * ldc); c1b.intoArray(c, co + 1 * ldc + VL);
      c2a.intoArray(c, co + 2 * ldc); c2b.intoArray(c, co + 2 * ldc + VL);
      c3a.intoArray(c, co + 3 * ldc); c3b.intoArray(c, co + 3 * ldc + VL);
    } else {
      FloatVector bv = FloatVector.broadcast(S, beta);
      FloatVector.fromArray(S, c, co).fma(bv, c0a).intoArray(c, co); FloatVector.fromArray(S, c, co + VL).fma(bv, c0b).intoArray(c, co + VL);
      FloatVector.fromArray(S, c, co + 1 * ldc).fma(bv, c1a).intoArray(c, co + 1 * ldc); FloatVector.fromArray(S, c, co + 1 * ldc + VL).fma(bv, c1b).intoArray(c, co + 1 * ldc + VL);
      FloatVector.fromArray(S, c, co + 2 * ldc).fma(bv, c2a).intoArray(c, co + 2 * ldc); FloatVector.fromArray(S, c, co + 2 * ldc + VL).fma(bv, c2b).intoArray(c, co + 2 * ldc + VL);
      FloatVector.fromArray(S, c, co + 3 * ldc).fma(bv, c3a).intoArray(c, co + 3 * ldc); FloatVector.fromArray(S, c, co + 3 * ldc + VL).fma(bv, c3b).intoArray(c, co + 3 * ldc + VL);
    }
  }

  /** 8 x NR micro-kernel: C[8 x NR] = packed A panel (kc x 8) * packed B panel (kc x NR) + beta * C. */
  static void kernel8(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, float beta) {
    FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
    FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
    FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
    FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
    FloatVector c4a = FloatVector.zero(S), c4b = FloatVector.zero(S);
    FloatVector c5a = FloatVector.zero(S), c5b = FloatVector.zero(S);
    FloatVector c6a = FloatVector.zero(S), c6b = FloatVector.zero(S);
    FloatVector c7a = FloatVector.zero(S), c7b = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      int ai = ao + p * 8, bi = bo + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 0]); c0a = x.fma(b0, c0a); c0b = x.fma(b1, c0b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 1]); c1a = x.fma(b0, c1a); c1b = x.fma(b1, c1b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 2]); c2a = x.fma(b0, c2a); c2b = x.fma(b1, c2b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 3]); c3a = x.fma(b0, c3a); c3b = x.fma(b1, c3b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 4]); c4a = x.fma(b0, c4a); c4b = x.fma(b1, c4b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 5]); c5a = x.fma(b0, c5a); c5b = x.fma(b1, c5b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 6]); c6a = x.fma(b0, c6a); c6b = x.fma(b1, c6b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 7]); c7a = x.fma(b0, c7a); c7b = x.fma(b1, c7b); }
    }
    if (beta == 0f) {
      c0a.intoArray(c, co); c0b.intoArray(c, co + VL);
      c1a.intoArray(c, co + 1 * ldc); c1b.intoArray(c, co + 1 * ldc + VL);
      c2a.intoArray(c, co + 2 * ldc); c2b.intoArray(c, co + 2 * ldc + VL);
      c3a.intoArray(c, co + 3 * ldc); c3b.intoArray(c, co + 3 * ldc + VL);
      c4a.intoArray(c, co + 4 * ldc); c4b.intoArray(c, co + 4 * ldc + VL);
      c5a.intoArray(c, co + 5 * ldc); c5b.intoArray(c, co + 5 * ldc + VL);
      c6a.intoArray(c, co + 6 * ldc); c6b.intoArray(c, co + 6 * ldc + VL);
      c7a.intoArray(c, co + 7 * ldc); c7b.intoArray(c, co + 7 * ldc + VL);
    } else {
      FloatVector bv = FloatVector.broadcast(S, beta);
      FloatVector.fromArray(S, c, co).fma(bv, c0a).intoArray(c, co); FloatVector.fromArray(S, c, co + VL).fma(bv, c0b).intoArray(c, co + VL);
      FloatVector.fromArray(S, c, co + 1 * ldc).fma(bv, c1a).intoArray(c, co + 1 * ldc); FloatVector.fromArray(S, c, co + 1 * ldc + VL).fma(bv, c1b).intoArray(c, co + 1 * ldc + VL);
      FloatVector.fromArray(S, c, co + 2 * ldc).fma(bv, c2a).intoArray(c, co + 2 * ldc); FloatVector.fromArray(S, c, co + 2 * ldc + VL).fma(bv, c2b).intoArray(c, co + 2 * ldc + VL);
      FloatVector.fromArray(S, c, co + 3 * ldc).fma(bv, c3a).intoArray(c, co + 3 * ldc); FloatVector.fromArray(S, c, co + 3 * ldc + VL).fma(bv, c3b).intoArray(c, co + 3 * ldc + VL);
      FloatVector.fromArray(S, c, co + 4 * ldc).fma(bv, c4a).intoArray(c, co + 4 * ldc); FloatVector.fromArray(S, c, co + 4 * ldc + VL).fma(bv, c4b).intoArray(c, co + 4 * ldc + VL);
      FloatVector.fromArray(S, c, co + 5 * ldc).fma(bv, c5a).intoArray(c, co + 5 * ldc); FloatVector.fromArray(S, c, co + 5 * ldc + VL).fma(bv, c5b).intoArray(c, co + 5 * ldc + VL);
      FloatVector.fromArray(S, c, co + 6 * ldc).fma(bv, c6a).intoArray(c, co + 6 * ldc); FloatVector.fromArray(S, c, co + 6 * ldc + VL).fma(bv, c6b).intoArray(c, co + 6 * ldc + VL);
      FloatVector.fromArray(S, c, co + 7 * ldc).fma(bv, c7a).intoArray(c, co + 7 * ldc); FloatVector.fromArray(S, c, co + 7 * ldc + VL).fma(bv, c7b).intoArray(c, co + 7 * ldc + VL);
    }
  }


  /** kernel12 with B's rows ldbp apart (read in place): C[12 x NR] = packed A panel (kc x 12) * packed B panel (kc x NR) + beta * C. */
  static void kernel12s(int kc, float[] ap, int ao, float[] bp, int bo, int ldbp, float[] c, int co, int ldc, float beta) {
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
    for (int p = 0; p < kc; p++) {
      int ai = ao + p * 12, bi = bo + p * ldbp;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 0]); c0a = x.fma(b0, c0a); c0b = x.fma(b1, c0b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 1]); c1a = x.fma(b0, c1a); c1b = x.fma(b1, c1b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 2]); c2a = x.fma(b0, c2a); c2b = x.fma(b1, c2b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 3]); c3a = x.fma(b0, c3a); c3b = x.fma(b1, c3b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 4]); c4a = x.fma(b0, c4a); c4b = x.fma(b1, c4b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 5]); c5a = x.fma(b0, c5a); c5b = x.fma(b1, c5b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 6]); c6a = x.fma(b0, c6a); c6b = x.fma(b1, c6b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 7]); c7a = x.fma(b0, c7a); c7b = x.fma(b1, c7b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 8]); c8a = x.fma(b0, c8a); c8b = x.fma(b1, c8b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 9]); c9a = x.fma(b0, c9a); c9b = x.fma(b1, c9b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 10]); c10a = x.fma(b0, c10a); c10b = x.fma(b1, c10b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 11]); c11a = x.fma(b0, c11a); c11b = x.fma(b1, c11b); }
    }
    if (beta == 0f) {
      c0a.intoArray(c, co); c0b.intoArray(c, co + VL);
      c1a.intoArray(c, co + 1 * ldc); c1b.intoArray(c, co + 1 * ldc + VL);
      c2a.intoArray(c, co + 2 * ldc); c2b.intoArray(c, co + 2 * ldc + VL);
      c3a.intoArray(c, co + 3 * ldc); c3b.intoArray(c, co + 3 * ldc + VL);
      c4a.intoArray(c, co + 4 * ldc); c4b.intoArray(c, co + 4 * ldc + VL);
      c5a.intoArray(c, co + 5 * ldc); c5b.intoArray(c, co + 5 * ldc + VL);
      c6a.intoArray(c, co + 6 * ldc); c6b.intoArray(c, co + 6 * ldc + VL);
      c7a.intoArray(c, co + 7 * ldc); c7b.intoArray(c, co + 7 * ldc + VL);
      c8a.intoArray(c, co + 8 * ldc); c8b.intoArray(c, co + 8 * ldc + VL);
      c9a.intoArray(c, co + 9 * ldc); c9b.intoArray(c, co + 9 * ldc + VL);
      c10a.intoArray(c, co + 10 * ldc); c10b.intoArray(c, co + 10 * ldc + VL);
      c11a.intoArray(c, co + 11 * ldc); c11b.intoArray(c, co + 11 * ldc + VL);
    } else {
      FloatVector bv = FloatVector.broadcast(S, beta);
      FloatVector.fromArray(S, c, co).fma(bv, c0a).intoArray(c, co); FloatVector.fromArray(S, c, co + VL).fma(bv, c0b).intoArray(c, co + VL);
      FloatVector.fromArray(S, c, co + 1 * ldc).fma(bv, c1a).intoArray(c, co + 1 * ldc); FloatVector.fromArray(S, c, co + 1 * ldc + VL).fma(bv, c1b).intoArray(c, co + 1 * ldc + VL);
      FloatVector.fromArray(S, c, co + 2 * ldc).fma(bv, c2a).intoArray(c, co + 2 * ldc); FloatVector.fromArray(S, c, co + 2 * ldc + VL).fma(bv, c2b).intoArray(c, co + 2 * ldc + VL);
      FloatVector.fromArray(S, c, co + 3 * ldc).fma(bv, c3a).intoArray(c, co + 3 * ldc); FloatVector.fromArray(S, c, co + 3 * ldc + VL).fma(bv, c3b).intoArray(c, co + 3 * ldc + VL);
      FloatVector.fromArray(S, c, co + 4 * ldc).fma(bv, c4a).intoArray(c, co + 4 * ldc); FloatVector.fromArray(S, c, co + 4 * ldc + VL).fma(bv, c4b).intoArray(c, co + 4 * ldc + VL);
      FloatVector.fromArray(S, c, co + 5 * ldc).fma(bv, c5a).intoArray(c, co + 5 * ldc); FloatVector.fromArray(S, c, co + 5 * ldc + VL).fma(bv, c5b).intoArray(c, co + 5 * ldc + VL);
      FloatVector.fromArray(S, c, co + 6 * ldc).fma(bv, c6a).intoArray(c, co + 6 * ldc); FloatVector.fromArray(S, c, co + 6 * ldc + VL).fma(bv, c6b).intoArray(c, co + 6 * ldc + VL);
      FloatVector.fromArray(S, c, co + 7 * ldc).fma(bv, c7a).intoArray(c, co + 7 * ldc); FloatVector.fromArray(S, c, co + 7 * ldc + VL).fma(bv, c7b).intoArray(c, co + 7 * ldc + VL);
      FloatVector.fromArray(S, c, co + 8 * ldc).fma(bv, c8a).intoArray(c, co + 8 * ldc); FloatVector.fromArray(S, c, co + 8 * ldc + VL).fma(bv, c8b).intoArray(c, co + 8 * ldc + VL);
      FloatVector.fromArray(S, c, co + 9 * ldc).fma(bv, c9a).intoArray(c, co + 9 * ldc); FloatVector.fromArray(S, c, co + 9 * ldc + VL).fma(bv, c9b).intoArray(c, co + 9 * ldc + VL);
      FloatVector.fromArray(S, c, co + 10 * ldc).fma(bv, c10a).intoArray(c, co + 10 * ldc); FloatVector.fromArray(S, c, co + 10 * ldc + VL).fma(bv, c10b).intoArray(c, co + 10 * ldc + VL);
      FloatVector.fromArray(S, c, co + 11 * ldc).fma(bv, c11a).intoArray(c, co + 11 * ldc); FloatVector.fromArray(S, c, co + 11 * ldc + VL).fma(bv, c11b).intoArray(c, co + 11 * ldc + VL);
    }
  }

  /** kernel6 with B's rows ldbp apart (read in place): C[6 x NR] = packed A panel (kc x 6) * packed B panel (kc x NR) + beta * C. */
  static void kernel6s(int kc, float[] ap, int ao, float[] bp, int bo, int ldbp, float[] c, int co, int ldc, float beta) {
    FloatVector c0a = FloatVector.zero(S), c0b = FloatVector.zero(S);
    FloatVector c1a = FloatVector.zero(S), c1b = FloatVector.zero(S);
    FloatVector c2a = FloatVector.zero(S), c2b = FloatVector.zero(S);
    FloatVector c3a = FloatVector.zero(S), c3b = FloatVector.zero(S);
    FloatVector c4a = FloatVector.zero(S), c4b = FloatVector.zero(S);
    FloatVector c5a = FloatVector.zero(S), c5b = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      int ai = ao + p * 6, bi = bo + p * ldbp;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 0]); c0a = x.fma(b0, c0a); c0b = x.fma(b1, c0b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 1]); c1a = x.fma(b0, c1a); c1b = x.fma(b1, c1b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 2]); c2a = x.fma(b0, c2a); c2b = x.fma(b1, c2b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 3]); c3a = x.fma(b0, c3a); c3b = x.fma(b1, c3b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 4]); c4a = x.fma(b0, c4a); c4b = x.fma(b1, c4b); }
      { FloatVector x = FloatVector.broadcast(S, ap[ai + 5]); c5a = x.fma(b0, c5a); c5b = x.fma(b1, c5b); }
    }
    if (beta == 0f) {
      c0a.intoArray(c, co); c0b.intoArray(c, co + VL);
      c1a.intoArray(c, co + 1 * ldc); c1b.intoArray(c, co + 1 * ldc + VL);
      c2a.intoArray(c, co + 2 * ldc); c2b.intoArray(c, co + 2 * ldc + VL);
      c3a.intoArray(c, co + 3 * ldc); c3b.intoArray(c, co + 3 * ldc + VL);
      c4a.intoArray(c, co + 4 * ldc); c4b.intoArray(c, co + 4 * ldc + VL);
      c5a.intoArray(c, co + 5 * ldc); c5b.intoArray(c, co + 5 * ldc + VL);
    } else {
      FloatVector bv = FloatVector.broadcast(S, beta);
      FloatVector.fromArray(S, c, co).fma(bv, c0a).intoArray(c, co); FloatVector.fromArray(S, c, co + VL).fma(bv, c0b).intoArray(c, co + VL);
      FloatVector.fromArray(S, c, co + 1 * ldc).fma(bv, c1a).intoArray(c, co + 1 * ldc); FloatVector.fromArray(S, c, co + 1 * ldc + VL).fma(bv, c1b).intoArray(c, co + 1 * ldc + VL);
      FloatVector.fromArray(S, c, co + 2 * ldc).fma(bv, c2a).intoArray(c, co + 2 * ldc); FloatVector.fromArray(S, c, co + 2 * ldc + VL).fma(bv, c2b).intoArray(c, co + 2 * ldc + VL);
      FloatVector.fromArray(S, c, co + 3 * ldc).fma(bv, c3a).intoArray(c, co + 3 * ldc); FloatVector.fromArray(S, c, co + 3 * ldc + VL).fma(bv, c3b).intoArray(c, co + 3 * ldc + VL);
      FloatVector.fromArray(S, c, co + 4 * ldc).fma(bv, c4a).intoArray(c, co + 4 * ldc); FloatVector.fromArray(S, c, co + 4 * ldc + VL).fma(bv, c4b).intoArray(c, co + 4 * ldc + VL);
      FloatVector.fromArray(S, c, co + 5 * ldc).fma(bv, c5a).intoArray(c, co + 5 * ldc); FloatVector.fromArray(S, c, co + 5 * ldc + VL).fma(bv, c5b).intoArray(c, co + 5 * ldc + VL);
    }
  }
}
