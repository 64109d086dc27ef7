package dev.tcompile.runtime.kernels;

/**
 * Per-thread reusable float buffers for kernel temporaries (im2col columns, partial sums): fresh memory is
 * expensive on small VMs, so a kernel asks for a slot and gets the same array back call after call, grown when
 * too small. Contents are unspecified on return; a slot must not be used by two live temporaries at once.
 */
public final class Scratch {
  private Scratch() {}

  /**
   * Slots: column-matrix blocks, per-thread partial results, small row buffers, weights packed once per call
   * by the calling thread (read by every thread of that call), a zero-padded copy of a conv input image, and
   * accumulators the calling thread hands to the parts of a split reduction (written by every thread of that call).
   */
  public static final int COLUMNS = 0, PARTIAL = 1, ROWS = 2, WEIGHTS = 3, PADDED = 4, ACCUMULATORS = 5;
  private static final int SLOTS = 6;

  private static final ThreadLocal<float[][]> BUFS = ThreadLocal.withInitial(() -> new float[SLOTS][]);

  /** This thread's buffer for {@code slot}, at least {@code size} floats long. */
  public static float[] floats(int slot, int size) {
    float[][] b = BUFS.get();
    float[] f = b[slot];
    if (f == null || f.length < size) {
      f = new float[Math.max(size, f == null ? 0 : f.length + (f.length >> 1))];
      b[slot] = f;
    }
    return f;
  }
}
