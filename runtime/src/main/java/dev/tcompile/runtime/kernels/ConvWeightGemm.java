package dev.tcompile.runtime.kernels;

/**
 * conv2d's weight gradient of an unpadded convolution as a packed GEMM on {@link Gemm}'s micro-kernels:
 * per group {@code gw_g [ocg x kk] = gradOut_g [ocg x P] @ col^T [P x kk]}, the depth P being every output pixel
 * of the batch. The reduction runs along pixels, which are contiguous in both gradOut and the column matrix, so
 * one operand must be transposed: gradOut (the small one) is packed into A panels of output channels, and the
 * column matrix is built straight in its transposed, packed form ({@link TransposedColumns}). The dot-product
 * path ({@link ConvGemm#backwardWeightDots}) loads 7 vectors per 12 FMAs from rows streamed through L2 and sums
 * lanes at the end of every chunk; the micro-kernels reach about the sgemm's speed.
 *
 * <p>Work and determinism as in {@link ConvGemm#backwardWeightDots}: the pixels are split into parts whose bounds
 * depend only on the shape and the thread count, each part accumulates into its own buffer in pixel order, and
 * the parts are added in part order.
 */
final class ConvWeightGemm {
  private ConvWeightGemm() {}

  private static final int NR = Gemm.NR;
  /** Pixels per pass (the micro-kernels' depth): a B panel of DEPTH x NR floats stays in L1 beside an A panel. */
  static final int DEPTH = 128;
  /** Pixels per part below which a part is not worth a thread (its accumulator costs a pass over gw). */
  private static final int PART_PIXELS = 1024;

  /**
   * Whether this path computes g's weight gradient: no padding (every tap read lies inside the image), and copying
   * the transposed columns cheap beside the products. A copy costs about the same per kernel-row segment whatever
   * its length, and each copied column feeds ocg multiply-adds per pixel, so the copy's share goes as
   * 1 / (ocg * segment length). Measured (one thread, CPU time, both paths alternating in one JVM): MNIST conv2
   * (50 channels, segments of 5) 3.19-3.33 ms on dot products, 2.77-2.81 ms here; the 3x3 stride-2 seed layer (33
   * channels, segments of 3) 5.37-5.41 vs 5.17-5.45 ms, within the noise, so it stays on dot products. Small kk
   * (MNIST conv1: 25) would leave most of a 32-column panel idle.
   */
  static boolean applies(ConvGeometry g) {
    int segment = g.p().dilW() == 1 ? g.kw() : 1;
    return g.p().padH() == 0 && g.p().padW() == 0 && g.kk() >= 64 && g.ocg() * segment >= 128;
  }

  /** gw = conv2d's weight gradient, summed over the batch (gw need not be zeroed). */
  static void backwardWeight(ConvGeometry g, float[] go, float[] x, float[] gw) {
    int total = g.n() * g.ohw();
    TransposedColumns cols = TransposedColumns.of(g, NR);
    Parts parts = PARTS.take();
    try {
      parts.g = g; parts.go = go; parts.x = x; parts.cols = cols;
      ConvGemm.sumOverParts(total, total / PART_PIXELS, gw, parts);
    } finally {
      PARTS.give(parts);
    }
  }

  /** The call's part (pixels [p0, p1) into acc), reused by the calling thread. */
  private static final class Parts extends dev.tcompile.runtime.Parallel.Reusable implements ConvGemm.Part {
    ConvGeometry g;
    float[] go, x;
    TransposedColumns cols;

    @Override public void run(float[] acc, int at, int p0, int p1) { part(g, go, x, cols, acc, at, p0, p1); }

    @Override protected void clear() { g = null; go = x = null; cols = null; }
  }

  private static final dev.tcompile.runtime.Parallel.PerThread<Parts> PARTS = new dev.tcompile.runtime.Parallel.PerThread<>(Parts::new);

  private static final ThreadLocal<int[]> BASES = ThreadLocal.withInitial(() -> new int[DEPTH]);

  /** acc[at..] = the weight gradient summed over the batch's pixels [p0, p1) (pixel i*ohw + j: image i, pixel j). */
  private static void part(ConvGeometry g, float[] go, float[] x, TransposedColumns cols, float[] acc, int at, int p0, int p1) {
    int ocg = g.ocg(), kk = g.kk(), pr = ConvGemm.panelRows(ocg), rows = ConvGemm.computedRows(ocg, pr);
    int panels = (kk + NR - 1) / NR;
    float[] ap = Scratch.floats(Scratch.PARTIAL, rows * DEPTH);
    float[] bp = Scratch.floats(Scratch.COLUMNS, DEPTH * NR + TransposedColumns.SLACK);
    float[] tile = Scratch.floats(Scratch.ROWS, Gemm.MR * NR);
    int[] base = BASES.get();
    for (int gr = 0; gr < g.groups(); gr++) {
      int cOff = at + gr * ocg * kk;
      for (int q0 = p0; q0 < p1; q0 += DEPTH) {
        int kc = Math.min(DEPTH, p1 - q0);
        pixels(g, gr, q0, kc, base);
        packGradOut(g, go, gr, q0, kc, pr, ap);
        float beta = q0 == p0 ? 0f : 1f;
        for (int jp = 0; jp < panels; jp++) {
          int j0 = jp * NR, nr = Math.min(NR, kk - j0);
          cols.pack(x, base, kc, jp, bp);
          for (int ic = 0; ic < ocg; ic += pr) {
            int mr = Math.min(pr, ocg - ic), h = mr == pr ? pr : Gemm.panelHeight(mr);
            Gemm.microTile(h, mr, nr, kc, ap, ic * kc, bp, 0, acc, cOff + ic * kk + j0, kk, beta, tile);
          }
        }
      }
    }
  }

  /** base[p] = input offset of the first tap of pixel q0 + p (group gr's first channel), for p < kc. */
  private static void pixels(ConvGeometry g, int gr, int q0, int kc, int[] base) {
    int ohw = g.ohw(), ow = g.ow(), sH = g.p().strideH() * g.w(), sW = g.p().strideW();
    int i = q0 / ohw, j = q0 - i * ohw, oh = j / ow, q = j - oh * ow;
    int img = (i * g.c() + gr * g.cg()) * g.hw(), imgStep = g.c() * g.hw();
    for (int p = 0; p < kc; p++) {
      base[p] = img + oh * sH + q * sW;
      if (++q == ow) {
        q = 0;
        if (++oh == g.oh()) { oh = 0; img += imgStep; }
      }
    }
  }

  /**
   * A panels of gradOut rows (output channels of group gr) x pixels [q0, q0+kc): the panel of channel ic starts at
   * ap[ic * kc] and holds kc columns of its kernel height h (rows past the last channel zero).
   */
  private static void packGradOut(ConvGeometry g, float[] go, int gr, int q0, int kc, int pr, float[] ap) {
    int ocg = g.ocg(), ohw = g.ohw();
    for (int ic = 0; ic < ocg; ic += pr) {
      int mr = Math.min(pr, ocg - ic), h = mr == pr ? pr : Gemm.panelHeight(mr), pOff = ic * kc;
      // pixels of one image are contiguous in gradOut: strided copies per image, four channels at a time (one
      // row at a time stored a float every h; measured 3 cycles per float on the seed layer, a fifth of its time)
      int r = 0;
      for (; r + 4 <= mr; r += 4) {
        int o = gr * ocg + ic + r;
        for (int q = q0, d = pOff + r, end = q0 + kc; q < end; ) {
          int i = q / ohw, j = q - i * ohw, run = Math.min(end - q, ohw - j);
          int s0 = (i * g.oc() + o) * ohw + j, s1 = s0 + ohw, s2 = s1 + ohw, s3 = s2 + ohw;
          for (int t = 0; t < run; t++, d += h) {
            ap[d] = go[s0 + t];
            ap[d + 1] = go[s1 + t];
            ap[d + 2] = go[s2 + t];
            ap[d + 3] = go[s3 + t];
          }
          q += run;
        }
      }
      for (; r < mr; r++) {
        int o = gr * ocg + ic + r;
        for (int q = q0, d = pOff + r, end = q0 + kc; q < end; ) {
          int i = q / ohw, j = q - i * ohw, run = Math.min(end - q, ohw - j);
          int src = (i * g.oc() + o) * ohw + j;
          for (int t = 0; t < run; t++, d += h) ap[d] = go[src + t];
          q += run;
        }
      }
      for (int p = 0; p < kc; p++) for (int z = mr; z < h; z++) ap[pOff + p * h + z] = 0f;
    }
  }
}
