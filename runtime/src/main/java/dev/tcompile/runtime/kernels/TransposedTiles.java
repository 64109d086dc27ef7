package dev.tcompile.runtime.kernels;

import dev.tcompile.runtime.Parallel;

/**
 * add/sub/mul/div over a matrix layout where an operand is transposed (outer stride 1, inner stride large:
 * {@code x.t().mul(y)}). Read along output rows, such an operand touches one cache line per element, all lines a
 * page apart and so in the same few L1 sets: measured 4 ms per 1M floats, gathers or not, tiled or not. Here it
 * is copied 16 x 16 at a time into a small buffer, reading its rows (output columns) contiguously, and the tile
 * is then computed row by row by {@link FloatLoops#binary} from the buffer. Each element is the same IEEE
 * operation on the same two values, so the bits are those of every other path.
 */
final class TransposedTiles {
  private TransposedTiles() {}

  private static final int T = 16;

  /** d = op(x, y) over a {@code [rows, cols]} layout (operands 0 and 1, output 2 with inner stride 1). */
  static void binary(BinaryOp op, ParallelRows.Layout l, float[] x, int xo, float[] y, int yo, float[] d, int dO) {
    int rows = l.shape()[0], cols = l.shape()[1], bands = (rows + T - 1) / T;
    boolean xt = transposed(l, 0), yt = transposed(l, 1);
    int xs = l.stride(0, 1), ys = l.stride(1, 1);
    int[] xi = xt ? null : FloatLoops.gatherIndex(xs), yi = yt ? null : FloatLoops.gatherIndex(ys);
    Parallel.Range body = (b0, b1) -> {
      float[] bx = xt ? new float[T * T] : null, by = yt ? new float[T * T] : null;
      for (int b = b0; b < b1; b++) {
        int r0 = b * T, tr = Math.min(T, rows - r0);
        for (int c0 = 0; c0 < cols; c0 += T) {
          int tc = Math.min(T, cols - c0);
          if (xt) fill(x, xo + r0 * l.stride(0, 0) + c0 * xs, xs, tr, tc, bx);
          if (yt) fill(y, yo + r0 * l.stride(1, 0) + c0 * ys, ys, tr, tc, by);
          for (int r = 0; r < tr; r++) {
            int row = r0 + r;
            FloatLoops.binary(op,
                xt ? bx : x, xt ? r * T : xo + row * l.stride(0, 0) + c0 * xs, xt ? 1 : xs, xi,
                yt ? by : y, yt ? r * T : yo + row * l.stride(1, 0) + c0 * ys, yt ? 1 : ys, yi,
                d, dO + row * l.stride(2, 0) + c0, tc);
          }
        }
      }
    };
    if (l.total() < 2L * ParallelRows.GRAIN || Parallel.threads() <= 1 || Parallel.inParallelRegion()) body.run(0, bands);
    else Parallel.forRange(bands, Math.max(1, ParallelRows.GRAIN / (T * cols)), body);
  }

  /** Operand k steps by 1 down a column and by a large stride along a row. */
  static boolean transposed(ParallelRows.Layout l, int k) {
    return l.stride(k, 0) == 1 && Math.abs(l.stride(k, 1)) >= ParallelRows.TILE_COLS;
  }

  /** buf[r * T + c] = a[o + r + c * cs] for r < tr, c < tc: each c reads tr contiguous floats. */
  private static void fill(float[] a, int o, int cs, int tr, int tc, float[] buf) {
    for (int c = 0; c < tc; c++, o += cs)
      for (int r = 0; r < tr; r++) buf[r * T + c] = a[o + r];
  }
}
