package dev.tcompile.runtime.compiled;

/**
 * Walks elements [start, start+len) of a row-major iteration space a run at a time, where a run is a stretch of
 * the innermost dimension, and tracks where each run starts in an array laid out with the given strides (0 for a
 * broadcast or reduced dimension). Gathering strided inputs and accumulating sums both walk the space this way.
 */
final class RowRuns {
  private RowRuns() {}

  /** One run: elements [i, i+run) of the walk start at {@code offset}, stepping {@code stride}. */
  @FunctionalInterface
  interface Run {
    void accept(int i, int offset, int run, int stride);
  }

  static void walk(int[] shape, int[] strides, int base, int start, int len, Run visit) {
    int nd = shape.length, last = nd - 1;
    int[] idx = new int[nd];
    int off = base, rem = start;
    for (int d = last; d >= 0; d--) { idx[d] = rem % shape[d]; rem /= shape[d]; off += idx[d] * strides[d]; }
    int inner = shape[last], st = strides[last];
    for (int i = 0; i < len; ) {
      int run = Math.min(inner - idx[last], len - i);
      visit.accept(i, off, run, st);
      i += run;
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
    }
  }
}
