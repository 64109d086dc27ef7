package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;

/**
 * The gradient of {@code nll_loss(log_softmax(x, 1), target)} with respect to {@code x} in one pass:
 * {@code log_softmax_backward(nll_loss_backward(g, target), logp)} without the [N, C] gradient of the loss in
 * memory. Each row of that gradient (one non-zero, or none for an ignored target) is built in a per-thread row
 * buffer and handed to the log_softmax row kernel, so the result has the unfused pair's bits exactly.
 * Mean or sum reduction, no class weights, 2-d input.
 */
public final class NllLogSoftmaxBackward {
  private NllLogSoftmaxBackward() {}

  private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);

  /** {@code g}: the loss's 0-d gradient; {@code logp}: log_softmax's [N, C] output; {@code outOrNull}: a dense buffer or null. */
  public static NDArray run(NDArray g, NDArray target, NDArray logp, Losses.Reduction r, long ignoreIndex, NDArray outOrNull) {
    if (r == Losses.Reduction.NONE || logp.dim() != 2 || target.dim() != 1 || target.size(0) != logp.size(0) || g.numel() != 1)
      throw new TorchException("nll_log_softmax_backward: a 0-d gradient, [N, C] log-probabilities and [N] targets with mean or sum reduction"
          + " expected, got " + dev.tcompile.runtime.Shapes.str(g.shape()) + ", " + dev.tcompile.runtime.Shapes.str(logp.shape())
          + " and " + dev.tcompile.runtime.Shapes.str(target.shape()));
    int n = logp.size(0), c = logp.size(1);
    // int64 targets are read in place (a compiled step's labels): no copy per call
    boolean direct = target.dtype() == DType.INT64 && target.isContiguous();
    long[] t = direct ? target.longs() : target.toLongArray();
    int to = direct ? target.offset() : 0;
    double count = 0;   // the total weight nll_loss's mean divides by: 1 per counted target
    for (int p = 0; p < n; p++) {
      long ti = t[to + p];
      if (ti != ignoreIndex) { checked(ti, c); count += 1; }
    }
    float scale = r == Losses.Reduction.MEAN ? (float) (1.0 / count) : 1f;
    float value = -1f * (float) g.getDouble(0) * scale;   // nll_loss_backward's -w[t] * g * scale with w = 1
    float[] y = logp.to(DType.FLOAT32).dense().floats();
    NDArray out = OutputBuffer.of(outOrNull, DType.FLOAT32, n, c, "nll_log_softmax_backward");
    Rows rows = ROWS.take();
    try {
      rows.t = t; rows.to = to; rows.c = c; rows.ignoreIndex = ignoreIndex; rows.value = value; rows.y = y; rows.o = out.floats();
      Parallel.forRange(n, Math.max(1, (1 << 15) / Math.max(1, c)), rows);
    } finally {
      ROWS.give(rows);
    }
    return out;
  }

  /** One call's rows, reused by the calling thread: each row's loss gradient built in a per-thread buffer. */
  private static final class Rows extends Parallel.Reusable implements Parallel.Range {
    long[] t;
    int to, c;
    long ignoreIndex;
    float value;
    float[] y, o;

    @Override public void run(int p0, int p1) {
      float[][] holder = ROW.get();
      if (holder[0].length < c) holder[0] = new float[c];
      float[] row = holder[0];
      for (int p = p0; p < p1; p++) {
        java.util.Arrays.fill(row, 0, c, 0f);
        long tp = t[to + p];
        if (tp != ignoreIndex) row[(int) tp] = value;
        Softmax.rowBackward(row, 0, y, o, p * c, c, true);
      }
    }

    @Override protected void clear() { t = null; y = o = null; }
  }

  private static final Parallel.PerThread<Rows> ROWS = new Parallel.PerThread<>(Rows::new);

  private static void checked(long t, int c) {
    if (t < 0 || t >= c) throw new TorchException("Target " + t + " is out of bounds.");
  }
}
