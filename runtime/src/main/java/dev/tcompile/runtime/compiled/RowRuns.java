package dev.tcompile.runtime.compiled;

/**
 * Walks elements [start, start+len) of a row-major iteration space a run at a time, where a run is a stretch of
 * the innermost dimension, and tracks where each run starts in an array laid out with the given strides (0 for a
 * broadcast or reduced dimension). Gathering strided inputs and accumulating sums both walk the space this way.
 * A cursor, not a callback: one instance per thread is reused walk after walk, so a walk allocates nothing.
 *
 * <pre>{@code
 * for (runs.start(shape, strides, base, start, len); runs.next(); ) use(runs.i, runs.offset, runs.run, runs.stride);
 * }</pre>
 */
final class RowRuns {
  /** The current run: elements [i, i+run) of the walk, starting at {@code offset} and stepping {@code stride}. */
  int i, offset, run, stride;

  private int[] shape, strides, idx = new int[8];
  private int len, next, off;

  /** Positions the cursor before the first run of the walk. */
  void start(int[] shape, int[] strides, int base, int start, int len) {
    int nd = shape.length;
    if (idx.length < nd) idx = new int[nd];
    this.shape = shape;
    this.strides = strides;
    this.len = len;
    next = 0;
    off = base;
    int rem = start;
    for (int d = nd - 1; d >= 0; d--) { idx[d] = rem % shape[d]; rem /= shape[d]; off += idx[d] * strides[d]; }
  }

  /** Moves to the next run; false when the walk is done. */
  boolean next() {
    if (next >= len) return false;
    int last = shape.length - 1, inner = shape[last], st = strides[last];
    i = next;
    offset = off;
    stride = st;
    run = Math.min(inner - idx[last], len - next);
    next += run;
    off += run * st;
    idx[last] += run;
    if (idx[last] == inner) {
      off -= inner * st;
      idx[last] = 0;
      for (int d = last - 1; d >= 0; d--) {
        idx[d]++;
        off += strides[d];
        if (idx[d] < shape[d]) break;
        off -= shape[d] * strides[d];
        idx[d] = 0;
      }
    }
    return true;
  }
}
