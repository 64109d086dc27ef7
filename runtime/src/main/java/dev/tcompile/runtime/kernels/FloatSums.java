package dev.tcompile.runtime.kernels;

import dev.tcompile.runtime.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float sums in a fixed order, vectorised and split over the pool, for sum/mean over a contiguous range of dims
 * of a contiguous array viewed as (P, R, Q): {@code out[p, q] = sum_r x[p, r, q]}.
 *
 * <p>Accuracy, as PyTorch's cascade sums: a run along memory (Q == 1) is cut into blocks of {@link #BLOCK}
 * elements summed in float by 4 x VL vector accumulators (at most 64 terms per lane), the lanes combined in a
 * fixed pairwise tree, and the block sums added in double. Across rows (Q > 1) each output accumulates blocks of
 * {@link #ROWS} rows in float lanes, folded into double per block. Split points depend only on the shape, never on
 * the thread count or timing, and partial results are combined in index order: the same bits on every run.
 */
final class FloatSums {
  private FloatSums() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();
  static final int BLOCK = 64 * 4 * 8, ROWS = 128, COLS = 512;
  /** Elements below which a sum stays on the calling thread. */
  private static final int PARALLEL_MIN = 1 << 16;

  /** out[p * q + j] = (sum or mean over r of) a[off + (p * r + i) * q + j]; {@code mean} divides by r. */
  static void sum(float[] a, int off, int p, int r, int q, boolean mean, float[] out) {
    long total = (long) p * r * q;
    boolean parallel = total >= PARALLEL_MIN && Parallel.threads() > 1 && !Parallel.inParallelRegion();
    if (q == 1) {
      if (p == 1) { out[0] = finish(row(a, off, r, parallel), r, mean); return; }
      if (!parallel) { rows(a, off, 0, p, r, mean, out); return; }
      Rows task = ROWS_TASK.take();
      try {
        task.a = a; task.off = off; task.r = r; task.mean = mean; task.out = out;
        Parallel.forRange(p, Math.max(1, PARALLEL_MIN / 4 / Math.max(r, 1)), task);
      } finally {
        ROWS_TASK.give(task);
      }
      return;
    }
    int chunks = (q + COLS - 1) / COLS, units = p * chunks;
    Columns task = COLUMNS_TASK.take();
    try {
      task.a = a; task.off = off; task.r = r; task.q = q; task.chunks = chunks; task.mean = mean; task.out = out;
      if (parallel) Parallel.forRange(units, 1, task);
      else task.run(0, units);
    } finally {
      COLUMNS_TASK.give(task);
    }
  }

  /** One row sum call's rows (Q == 1), reused by the calling thread instead of a capturing lambda. */
  private static final class Rows extends Parallel.Reusable implements Parallel.Range {
    float[] a, out;
    int off, r;
    boolean mean;

    @Override public void run(int p0, int p1) { rows(a, off, p0, p1, r, mean, out); }

    @Override protected void clear() { a = out = null; }
  }

  private static final Parallel.PerThread<Rows> ROWS_TASK = new Parallel.PerThread<>(Rows::new);

  /**
   * One column sum call's units (a block of {@link #COLS} columns of one of the P blocks), reused by the calling
   * thread instead of a capturing lambda: a warm call allocates nothing.
   */
  private static final class Columns extends Parallel.Reusable implements Parallel.Range {
    float[] a, out;
    int off, r, q, chunks;
    boolean mean;

    @Override public void run(int u0, int u1) {
      ColumnBuffers b = COLUMN_BUFFERS.get();
      double[] acc = b.acc;
      float[] blk = b.blk;
      for (int u = u0; u < u1; u++) {
        int pi = u / chunks, j0 = u % chunks * COLS, w = Math.min(COLS, q - j0);
        columns(a, off + pi * r * q + j0, r, q, w, acc, blk);
        for (int j = 0; j < w; j++) out[pi * q + j0 + j] = finish(acc[j], r, mean);
      }
    }

    @Override protected void clear() { a = out = null; }
  }

  private static final Parallel.PerThread<Columns> COLUMNS_TASK = new Parallel.PerThread<>(Columns::new);

  /** A thread's accumulators for one part of a column sum, reused call after call (filled before each use). */
  private record ColumnBuffers(double[] acc, float[] blk) {}

  private static final ThreadLocal<ColumnBuffers> COLUMN_BUFFERS = ThreadLocal.withInitial(() -> new ColumnBuffers(new double[COLS], new float[COLS]));

  private static float finish(double s, int n, boolean mean) { return (float) (mean ? s / n : s); }

  private static void rows(float[] a, int off, int p0, int p1, int r, boolean mean, float[] out) {
    for (int i = p0; i < p1; i++) out[i] = finish(row(a, off + i * r, r, false), r, mean);
  }

  /** Sum of a[off..off+n): block sums in float lanes, added in double in block order. */
  static double row(float[] a, int off, int n, boolean parallel) {
    int blocks = (n + BLOCK - 1) / BLOCK;
    if (!parallel || blocks < 2) {
      double s = 0;
      for (int b = 0; b < blocks; b++) s += block(a, off + b * BLOCK, Math.min(BLOCK, n - b * BLOCK));
      return s;
    }
    RowBlocks task = ROW_BLOCKS.take();
    try {
      if (task.partial.length < blocks) task.partial = new float[blocks];
      task.a = a; task.off = off; task.n = n;
      Parallel.forRange(blocks, 4, task);
      double s = 0;
      for (int b = 0; b < blocks; b++) s += task.partial[b];
      return s;
    } finally {
      ROW_BLOCKS.give(task);
    }
  }

  /**
   * One long row's block sums, reused by the calling thread (its partial sums array grows to the longest row seen;
   * each call writes the entries it reads).
   */
  private static final class RowBlocks extends Parallel.Reusable implements Parallel.Range {
    float[] a, partial = new float[0];
    int off, n;

    @Override public void run(int b0, int b1) {
      for (int b = b0; b < b1; b++) partial[b] = block(a, off + b * BLOCK, Math.min(BLOCK, n - b * BLOCK));
    }

    @Override protected void clear() { a = null; }
  }

  private static final Parallel.PerThread<RowBlocks> ROW_BLOCKS = new Parallel.PerThread<>(RowBlocks::new);

  /** Sum of at most {@link #BLOCK} elements: four vector accumulators, then a fixed tree, then the scalar tail. */
  static float block(float[] a, int off, int n) {
    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
    int i = 0;
    for (int e = n - 4 * VL; i <= e; i += 4 * VL) {
      s0 = s0.add(FloatVector.fromArray(S, a, off + i));
      s1 = s1.add(FloatVector.fromArray(S, a, off + i + VL));
      s2 = s2.add(FloatVector.fromArray(S, a, off + i + 2 * VL));
      s3 = s3.add(FloatVector.fromArray(S, a, off + i + 3 * VL));
    }
    for (int e = n - VL; i <= e; i += VL) s0 = s0.add(FloatVector.fromArray(S, a, off + i));
    float s = Lanes.sum(s0.add(s1).add(s2.add(s3)));
    for (; i < n; i++) s += a[off + i];
    return s;
  }

  /**
   * acc[j] = sum over i < r of a[off + i * q + j] for j < w: blocks of {@link #ROWS} rows accumulate in float
   * ({@code blk}), each block folded into double.
   */
  private static void columns(float[] a, int off, int r, int q, int w, double[] acc, float[] blk) {
    java.util.Arrays.fill(acc, 0, w, 0);
    for (int i0 = 0; i0 < r; i0 += ROWS) {
      int i1 = Math.min(r, i0 + ROWS);
      System.arraycopy(a, off + i0 * q, blk, 0, w);
      for (int i = i0 + 1; i < i1; i++) {
        int ro = off + i * q, j = 0;
        for (int e = w - VL; j <= e; j += VL)
          FloatVector.fromArray(S, blk, j).add(FloatVector.fromArray(S, a, ro + j)).intoArray(blk, j);
        for (; j < w; j++) blk[j] += a[ro + j];
      }
      for (int j = 0; j < w; j++) acc[j] += blk[j];
    }
  }
}
