package dev.tcompile.runtime.kernels;

import dev.tcompile.runtime.Parallel;

/**
 * conv2d as implicit GEMMs over {@link Gemm}'s micro-kernels: the weights are packed into A panels once per
 * call (shared by all threads), and the column matrix is only ever built a block at a time, straight from the
 * input into B panels ({@link ConvColumns}).
 *
 * <ul>
 *   <li>forward: {@code out_g [ocg x ohw] = W_g [ocg x kk] @ col [kk x ohw]}, tasks = (image, block of columns);
 *   <li>backwardInput: for each NR-column panel, {@code col panel = W_g^T [kk x ocg] @ gradOut_g panel} into a small
 *       buffer, then scatter-added into the input gradient (col2im); one task per image, since neighbouring
 *       panels add into the same input elements;
 *   <li>backwardWeight: unpadded layers with enough channels per group run as a packed GEMM over the batch's
 *       pixels ({@link ConvWeightGemm}); the others compute {@code gw_g += gradOut_g @ col^T} over chunks of whole
 *       images (their columns side by side), a few column-matrix rows at a time, with register-blocked dot products
 *       ({@link Gemm#dotBlocked}); one accumulator per thread's share of the chunks.
 * </ul>
 */
final class ConvGemm {
  private ConvGemm() {}

  private static final int MR = Gemm.MR, NR = Gemm.NR;
  /**
   * Most column-matrix rows per forward pass (the GEMM's k-depth): a weight panel and a B panel then share L1
   * (measured: 240 rows in two passes of 120 instead of one, dilated seed forward 13.5 -> 12.3 ms at one thread and
   * 9.7 -> 6.4 ms at two; 144 rows in one pass).
   */
  private static final int KC = 160;

  /** The forward's k-depth for kk rows: kk in equal parts of at most KC. */
  private static int depth(int kk) {
    int parts = Math.max(1, (kk + KC - 1) / KC);
    return (kk + parts - 1) / parts;
  }

  /** Floats of one forward B block (kept in L2). */
  private static final int B_BLOCK = 64 * 1024;
  /** Output pixels per backwardWeight chunk (whole images, at least one); floats of its column-matrix block. */
  private static final int PIXELS = 1024, COL_BLOCK = 24 * 1024;

  private static int roundUp(int v, int m) { return (v + m - 1) / m * m; }

  /**
   * Rows of the A panels for an m-row weight matrix: MR, or 11 where that computes fewer padded rows
   * (33 channels: 3 x 11 instead of 12 + 12 + 12).
   */
  static int panelRows(int m) {
    return MR == 12 && computedRows(m, 11) < computedRows(m, 12) ? 11 : MR;
  }

  /** Rows the micro-kernels compute for m rows in panels of pr (the last one rounded up to a kernel height). */
  static int computedRows(int m, int pr) {
    int rem = m % pr;
    return m - rem + (rem == 0 ? 0 : Gemm.panelHeight(rem));
  }

  /** Kernel height of the panel of mr rows (pr for a full panel). */
  private static int height(int mr, int pr) { return mr == pr ? pr : Gemm.panelHeight(mr); }

  /**
   * Packs rows of op(W) (W = w[off..] with row stride kk; transposed when {@code trans}) into A panels of pr rows
   * with kernel heights ({@link #height}); panel of row ic starts at {@code ap[apOff + ic * k]}.
   */
  private static void packWeights(boolean trans, float[] w, int off, int kk, int m, int k, int pr, float[] ap, int apOff) {
    for (int ic = 0; ic < m; ic += pr) {
      int mr = Math.min(pr, m - ic);
      Gemm.packA(trans, w, off, kk, ic, 0, mr, k, 1f, ap, apOff + ic * k, height(mr, pr));
    }
  }

  // ------------------------------------------------------------------------------------------------ forward

  /** out = conv(x, w) then the epilogue (bias, ReLU) on each block while it is in cache. */
  static void forward(ConvGeometry g, float[] x, float[] w, float[] out, float[] bias, boolean relu) {
    int ocg = g.ocg(), kk = g.kk(), pr = panelRows(ocg), rows = computedRows(ocg, pr);
    float[] wp = Scratch.floats(Scratch.WEIGHTS, g.groups() * rows * kk);
    for (int gr = 0; gr < g.groups(); gr++) packWeights(false, w, gr * ocg * kk, kk, ocg, kk, pr, wp, gr * rows * kk);
    int kc = depth(kk), nbMax = Math.max(NR, B_BLOCK / kc / NR * NR), ohw = g.ohw();
    int blocks = (ohw + nbMax - 1) / nbMax;
    Conv2d.Params p = g.p();
    Forward f = FORWARDS.take();
    try {
      f.g = g; f.x = x; f.wp = wp; f.out = out; f.bias = bias; f.relu = relu; f.blocks = blocks; f.nbMax = nbMax;
      if ((p.padH() > 0 || p.padW() > 0) && g.kh() * g.kw() > 1) {
        // Padded: each thread first copies an image into a zero-bordered buffer, so that packing sees no padding
        // (runs reaching into it took masked loads tap by tap: 35-40% of the packing time, measured on the
        // dilated seed layer). One task per image when there are enough images, so each is padded only once.
        f.padded = ConvGeometry.of(g.n(), g.c(), g.h() + 2 * p.padH(), g.w() + 2 * p.padW(), g.oc(), g.kh(), g.kw(),
            g.oh(), g.ow(), g.groups(), p.strideH(), p.strideW(), 0, 0, p.dilH(), p.dilW(), null);
        f.chw = g.c() * f.padded.hw();
        f.perImage = g.n() >= 2 * Parallel.threads() ? blocks : 1;
        f.call = CALL_IDS.incrementAndGet();
        Parallel.run(g.n() * blocks / f.perImage, f);
      } else {
        f.padded = null;
        Parallel.run(g.n() * blocks, f);
      }
    } finally {
      FORWARDS.give(f);
    }
  }

  /** Numbers the padded forward calls, so that a thread's padded image is known to be this call's. */
  private static final java.util.concurrent.atomic.AtomicLong CALL_IDS = new java.util.concurrent.atomic.AtomicLong();

  /**
   * One forward call's arguments, reused by the calling thread. Unpadded: task t is image t / blocks, column
   * block t % blocks. Padded: task t covers perImage blocks of image t * perImage / blocks.
   */
  private static final class Forward extends Parallel.Reusable implements Parallel.Task {
    ConvGeometry g, padded;
    float[] x, wp, out, bias;
    boolean relu;
    int blocks, nbMax, perImage, chw;
    long call;

    @Override public void run(int t, int count) {
      int ohw = g.ohw();
      if (padded == null) {
        int i = t / blocks, j0 = t % blocks * nbMax, nb = Math.min(nbMax, ohw - j0);
        forwardBlock(g, x, i * g.c() * g.hw(), wp, out, i, j0, nb);
        Conv2d.epilogue(out, i * g.oc() * ohw, g.oc(), ohw, j0, nb, bias, relu);
        return;
      }
      int i = t * perImage / blocks;
      PaddedImage img = PADDED.get();
      if (img.call != call || img.image != i) img.fill(call, i, x, g, Scratch.floats(Scratch.PADDED, chw));
      for (int b = t * perImage % blocks, bEnd = b + perImage; b < bEnd; b++) {
        int j0 = b * nbMax, nb = Math.min(nbMax, ohw - j0);
        forwardBlock(padded, img.buf, 0, wp, out, i, j0, nb);
        Conv2d.epilogue(out, i * g.oc() * ohw, g.oc(), ohw, j0, nb, bias, relu);
      }
    }

    @Override protected void clear() { g = padded = null; x = wp = out = bias = null; }
  }

  private static final Parallel.PerThread<Forward> FORWARDS = new Parallel.PerThread<>(Forward::new);

  /** Which image of which call a thread's padded buffer holds. */
  private static final class PaddedImage {
    long call = -1;
    int image = -1;
    float[] buf;

    /** Copies image i of x into buf with zero borders of the geometry's padding. */
    void fill(long call, int i, float[] x, ConvGeometry g, float[] buf) {
      Conv2d.Params p = g.p();
      int h = g.h(), w = g.w(), pw = w + 2 * p.padW(), ph = h + 2 * p.padH(), src = i * g.c() * g.hw();
      for (int c = 0, d = 0; c < g.c(); c++) {
        java.util.Arrays.fill(buf, d, d + p.padH() * pw + p.padW(), 0f);
        d += p.padH() * pw + p.padW();
        for (int r = 0; r < h; r++, src += w) {
          System.arraycopy(x, src, buf, d, w);
          d += w;
          if (r + 1 < h) { java.util.Arrays.fill(buf, d, d + 2 * p.padW(), 0f); d += 2 * p.padW(); }
        }
        int tail = p.padW() + p.padH() * pw;
        java.util.Arrays.fill(buf, d, d + tail, 0f);
        d += tail;
      }
      this.call = call;
      this.image = i;
      this.buf = buf;
    }
  }

  private static final ThreadLocal<PaddedImage> PADDED = ThreadLocal.withInitial(PaddedImage::new);

  /** Output columns [j0, j0+nb) of image i, whose input starts at x[imageOff]. */
  private static void forwardBlock(ConvGeometry g, float[] x, int imageOff, float[] wp, float[] out, int i, int j0, int nb) {
    int ocg = g.ocg(), kk = g.kk(), ohw = g.ohw(), pr = panelRows(ocg), rows = computedRows(ocg, pr);
    int depth = depth(kk);
    float[] bp = Scratch.floats(Scratch.COLUMNS, depth * roundUp(nb, NR));
    float[] tile = Scratch.floats(Scratch.ROWS, MR * NR);
    for (int gr = 0; gr < g.groups(); gr++) {
      int xo = imageOff + gr * g.cg() * g.hw(), co = (i * g.oc() + gr * ocg) * ohw + j0;
      for (int pc = 0; pc < kk; pc += depth) {
        int kc = Math.min(depth, kk - pc);
        ConvColumns.pack(x, xo, g, pc, kc, j0, nb, NR, bp, 0);
        float beta = pc == 0 ? 0f : 1f;
        for (int ic = 0; ic < ocg; ic += pr) {
          int mr = Math.min(pr, ocg - ic), h = height(mr, pr), ao = (gr * rows + ic) * kk + pc * h;
          for (int jr = 0; jr < nb; jr += NR)
            Gemm.microTile(h, mr, Math.min(NR, nb - jr), kc, wp, ao, bp, jr * kc, out, co + ic * ohw + jr, ohw, beta, tile);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ backward

  /** gi += conv2d's input gradient: gi must come zeroed (a fresh array), every image's part is only added to. */
  static void backwardInput(ConvGeometry g, float[] go, float[] w, float[] gi) {
    int ocg = g.ocg(), kk = g.kk(), pr = panelRows(kk), rows = computedRows(kk, pr);
    float[] wp = Scratch.floats(Scratch.WEIGHTS, g.groups() * rows * ocg);
    for (int gr = 0; gr < g.groups(); gr++) packWeights(true, w, gr * ocg * kk, kk, kk, ocg, pr, wp, gr * rows * ocg);
    BackwardInput b = BACKWARD_INPUTS.take();
    try {
      b.g = g; b.go = go; b.wp = wp; b.gi = gi;
      Parallel.run(g.n(), b);
    } finally {
      BACKWARD_INPUTS.give(b);
    }
  }

  /** One backwardInput call's arguments, reused by the calling thread: task i is image i. */
  private static final class BackwardInput extends Parallel.Reusable implements Parallel.Task {
    ConvGeometry g;
    float[] go, wp, gi;

    @Override public void run(int i, int count) { backwardInputImage(g, go, wp, gi, i); }

    @Override protected void clear() { g = null; go = wp = gi = null; }
  }

  private static final Parallel.PerThread<BackwardInput> BACKWARD_INPUTS = new Parallel.PerThread<>(BackwardInput::new);

  private static void backwardInputImage(ConvGeometry g, float[] go, float[] wp, float[] gi, int i) {
    int ocg = g.ocg(), kk = g.kk(), ohw = g.ohw(), pr = panelRows(kk), rows = computedRows(kk, pr), cghw = g.cg() * g.hw();
    int nbMax = Math.max(NR, B_BLOCK / Math.max(ocg, 1) / NR * NR);
    float[] bp = Scratch.floats(Scratch.COLUMNS, ocg * roundUp(Math.min(nbMax, ohw), NR));
    float[] col = Scratch.floats(Scratch.ROWS, rows * NR);
    for (int gr = 0; gr < g.groups(); gr++) {
      int xo = i * g.c() * g.hw() + gr * cghw, goOff = (i * g.oc() + gr * ocg) * ohw;
      for (int j0 = 0; j0 < ohw; j0 += nbMax) {
        int nb = Math.min(nbMax, ohw - j0);
        Gemm.packB(false, go, goOff, ohw, 0, j0, ocg, nb, bp, 0);
        for (int jr = 0; jr < nb; jr += NR) {
          for (int ic = 0; ic < kk; ic += pr)
            Gemm.microKernel(height(Math.min(pr, kk - ic), pr), ocg, wp, (gr * rows + ic) * ocg, bp, jr * ocg, col, ic * NR, NR, 0f);
          ConvColumns.scatterAdd(col, 0, NR, g, j0 + jr, Math.min(NR, nb - jr), gi, xo);
        }
      }
    }
  }

  /** gw = conv2d's weight gradient, summed over the batch: a packed GEMM where it applies, else dot products. */
  static void backwardWeight(ConvGeometry g, float[] go, float[] x, float[] gw) {
    if (ConvWeightGemm.applies(g)) ConvWeightGemm.backwardWeight(g, go, x, gw);
    else backwardWeightDots(g, go, x, gw);
  }

  /** gw = conv2d's weight gradient through register-blocked dot products (any padding). */
  static void backwardWeightDots(ConvGeometry g, float[] go, float[] x, float[] gw) {
    int n = g.n(), imgs = Math.max(1, PIXELS / Math.max(1, g.ohw())), chunks = (n + imgs - 1) / imgs;
    WeightDots part = WEIGHT_DOTS.take();
    try {
      part.g = g; part.go = go; part.x = x; part.imgs = imgs;
      sumOverParts(chunks, chunks, gw, part);
    } finally {
      WEIGHT_DOTS.give(part);
    }
  }

  /** backwardWeightDots' part, reused by the calling thread: chunks [c0, c1) of imgs images each. */
  private static final class WeightDots extends Parallel.Reusable implements Part {
    ConvGeometry g;
    float[] go, x;
    int imgs;

    @Override public void run(float[] acc, int at, int c0, int c1) {
      for (int ch = c0; ch < c1; ch++)
        backwardWeightChunk(g, go, x, acc, at, ch * imgs, Math.min(g.n(), (ch + 1) * imgs), ch > c0);
    }

    @Override protected void clear() { g = null; go = x = null; }
  }

  private static final Parallel.PerThread<WeightDots> WEIGHT_DOTS = new Parallel.PerThread<>(WeightDots::new);

  /** One part of a split sum: writes (not adds) its sum over units [u0, u1), u0 < u1, to {@code acc[at..at+len)}. */
  @FunctionalInterface
  interface Part {
    void run(float[] acc, int at, int u0, int u1);
  }

  /**
   * {@code out} = the sum over units [0, units) computed by {@code part}, split into at most {@code maxParts} parts
   * (a few per thread, claimed dynamically: a thread the OS runs late takes fewer). Each part has its own
   * accumulator (not each thread: one thread may run several parts): part 0 writes {@code out}, the others the
   * calling thread's reused buffer; they are added in part order. The part bounds depend only on {@code units},
   * {@code maxParts} and the thread count, so the bits do too.
   */
  static void sumOverParts(int units, int maxParts, float[] out, Part part) {
    int threads = Parallel.inParallelRegion() ? 1 : Parallel.threads();
    int parts = threads == 1 ? 1 : Math.max(1, Math.min(4 * threads, maxParts));
    int len = out.length;
    float[] rest = Scratch.floats(Scratch.ACCUMULATORS, (parts - 1) * len);
    Sum sum = SUMS.take();
    try {
      sum.units = units; sum.len = len; sum.out = out; sum.rest = rest; sum.part = part;
      Parallel.run(parts, sum);
    } finally {
      SUMS.give(sum);
    }
    for (int t = 1; t < parts; t++) Gemm.axpy(1f, rest, (t - 1) * len, out, 0, len);
  }

  /** sumOverParts' task, reused by the calling thread: part t of count into its accumulator. */
  private static final class Sum extends Parallel.Reusable implements Parallel.Task {
    int units, len;
    float[] out, rest;
    Part part;

    @Override public void run(int t, int count) {
      float[] acc = t == 0 ? out : rest;
      int at = t == 0 ? 0 : (t - 1) * len;
      int u0 = (int) ((long) units * t / count), u1 = (int) ((long) units * (t + 1) / count);
      if (u0 == u1) java.util.Arrays.fill(acc, at, at + len, 0f);
      else part.run(acc, at, u0, u1);
    }

    @Override protected void clear() { out = rest = null; part = null; }
  }

  private static final Parallel.PerThread<Sum> SUMS = new Parallel.PerThread<>(Sum::new);

  /** gw (+)= gradOut @ col^T over images [i0, i1), their output pixels side by side. */
  private static void backwardWeightChunk(ConvGeometry g, float[] go, float[] x, float[] gw, int gwOff, int i0, int i1, boolean acc) {
    int ocg = g.ocg(), kk = g.kk(), ohw = g.ohw(), len = (i1 - i0) * ohw, rows = Math.max(3, COL_BLOCK / len / 3 * 3);
    int ld = rowStride(len);
    float[] colCat = Scratch.floats(Scratch.COLUMNS, rows * ld);
    for (int gr = 0; gr < g.groups(); gr++) {
      // gradOut rows: read in place for one image, copied side by side for several
      float[] a = go;
      int aOff = (i0 * g.oc() + gr * ocg) * ohw, lda = ohw;
      if (i1 - i0 > 1) {
        a = Scratch.floats(Scratch.PARTIAL, ocg * ld);
        aOff = 0;
        lda = ld;
        for (int i = i0; i < i1; i++)
          for (int o = 0; o < ocg; o++)
            System.arraycopy(go, (i * g.oc() + gr * ocg + o) * ohw, a, o * ld + (i - i0) * ohw, ohw);
      }
      for (int k0 = 0; k0 < kk; k0 += rows) {
        int kb = Math.min(rows, kk - k0);
        for (int i = i0; i < i1; i++)
          ConvColumns.pack(x, (i * g.c() + gr * g.cg()) * g.hw(), g, k0, kb, 0, ohw, ld, colCat, (i - i0) * ohw);
        Gemm.dotBlocked(ocg, kb, len, 1f, a, aOff, lda, colCat, 0, ld, acc ? 1f : 0f, gw, gwOff + gr * ocg * kk + k0, kk);
      }
    }
  }

  /**
   * Row stride of the side-by-side blocks: len, plus one cache line where len floats are a multiple of 1 KiB. Rows
   * 4 KiB apart (MNIST conv2: 16 images of 64 pixels) all fall into the same L1 set, and the dot products' seven
   * row streams and the packing's row-by-row stores then evict one another (measured: packing 1280 -> 900 us).
   * The sums do not change: each dot product reads the same elements in the same order.
   */
  private static int rowStride(int len) { return len % 256 == 0 ? len + 16 : len; }
}
