package dev.tcompile.runtime.kernels;

import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.Strided;

/**
 * {@link Strided#rows} for elementwise kernels, made cheaper in two ways: adjacent dims are merged wherever every
 * operand's layout allows (a dense tensor, or one broadcast from a scalar, becomes one long row), and above
 * {@link #GRAIN} elements the rows (or the pieces of a single long row) are split over the {@link Parallel} pool.
 * Split points depend only on the shape and the thread count; each element is computed by exactly one task
 * from its own inputs, so the result does not depend on which thread ran what.
 */
final class ParallelRows {
  private ParallelRows() {}

  /** Elements below which a walk stays on the calling thread (thread wake-up costs more than the work). */
  static final int GRAIN = 1 << 15;

  /** A shape with its operands' strides after merging dims; {@link #inner} gives each operand's run stride. */
  static final class Layout {
    private final int[] shape;
    private final int[][] strides;
    private final long total;

    private Layout(int[] shape, int[][] strides, long total) { this.shape = shape; this.strides = strides; this.total = total; }

    /** Stride of operand {@code k} along a run (0 for a single-element layout). */
    int inner(int k) { return shape.length == 0 ? 0 : strides[k][shape.length - 1]; }

    /**
     * A matrix (two dims after merging) with an operand stepping through memory along rows (inner stride at least
     * {@link #TILE_COLS}) and contiguously down columns (outer stride 1): x.t() and the like.
     */
    boolean transposed() {
      if (shape.length != 2 || shape[0] < TILE_ROWS || shape[1] < TILE_COLS) return false;
      for (int[] s : strides) if (Math.abs(s[1]) >= TILE_COLS && Math.abs(s[0]) == 1) return true;
      return false;
    }

    int[] shape() { return shape; }

    /** Stride of operand k along merged dim d. */
    int stride(int k, int d) { return strides[k][d]; }

    long total() { return total; }

    /**
     * Calls {@code row} once per run, as {@link Strided#rows} does, but possibly for pieces of rows and from
     * several threads: {@code row} must write only the run it is given and only read its offsets array.
     */
    void rows(int[] base, Strided.Row row) {
      if (total == 0) return;
      int nd = shape.length, nops = base.length;
      if (nd == 0) { row.run(base.clone(), 1); return; }
      int len = shape[nd - 1], outer = (int) (total / len);
      if (total < 2L * GRAIN || Parallel.threads() <= 1 || Parallel.inParallelRegion()) {
        walk(shape, strides, base, 0, outer, row);
        return;
      }
      if (outer == 1) {                                          // one long row: split it
        Parallel.forRange(len, GRAIN, (from, to) -> {
          int[] offs = new int[nops];
          for (int k = 0; k < nops; k++) offs[k] = base[k] + from * strides[k][nd - 1];
          row.run(offs, to - from);
        });
        return;
      }
      Parallel.forRange(outer, Math.max(1, GRAIN / len), (r0, r1) -> walk(shape, strides, base, r0, r1, row));
    }
  }

  /** Smallest rows x columns for which {@link Layout#transposed} picks {@link TransposedTiles}. */
  static final int TILE_ROWS = 16, TILE_COLS = 64;

  /** Merges dims d and d+1 wherever every operand steps over d+1 exactly as one step of d; drops size-1 dims. */
  static Layout of(int[] shape, int[]... strides) {
    int nd = shape.length, nops = strides.length;
    long total = 1;
    for (int s : shape) total *= s;
    int[] sh = new int[nd];
    int[][] st = new int[nops][nd];
    int m = 0;
    for (int d = 0; d < nd; d++) {
      if (shape[d] == 1) continue;                                // size-1 dims never move an offset
      boolean merge = m > 0;
      for (int k = 0; k < nops && merge; k++) merge = st[k][m - 1] == strides[k][d] * shape[d];
      if (merge) {
        sh[m - 1] *= shape[d];
        for (int k = 0; k < nops; k++) st[k][m - 1] = strides[k][d];
      } else {
        sh[m] = shape[d];
        for (int k = 0; k < nops; k++) st[k][m] = strides[k][d];
        m++;
      }
    }
    int[][] fst = new int[nops][];
    for (int k = 0; k < nops; k++) fst[k] = java.util.Arrays.copyOf(st[k], m);
    return new Layout(java.util.Arrays.copyOf(sh, m), fst, total);
  }

  /** Runs rows [r0, r1) of the merged layout in order, starting from row r0's offsets. */
  private static void walk(int[] shape, int[][] strides, int[] base, int r0, int r1, Strided.Row row) {
    int nd = shape.length, nops = base.length, len = shape[nd - 1];
    int[] offs = base.clone(), counter = new int[Math.max(nd - 1, 0)];
    for (int d = nd - 2, r = r0; d >= 0; d--) {
      counter[d] = r % shape[d];
      r /= shape[d];
      for (int k = 0; k < nops; k++) offs[k] += counter[d] * strides[k][d];
    }
    for (int r = r0; r < r1; r++) {
      row.run(offs, len);
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
}
