package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The transposed column matrix of an unpadded convolution (one row per output pixel, one column per
 * column-matrix row {@code k = (ci*kh + ki)*kw + kj}) packed straight from the input into GEMM B panels of
 * {@code nr} columns: {@code bp[p*nr + j] = x[base[p] + offset(j0 + j)]}, with {@code offset(k) = ci*h*w +
 * ki*dilH*w + kj*dilW} the same for every pixel. Columns whose offsets are consecutive (the taps of one kernel row
 * when dilW is 1) form segments that read one stretch of an input row. A segment is copied for all pixels in one
 * loop (its input offset and panel column fixed) as one vector per pixel whose lanes past the segment spill into
 * the next segments' columns, which are written afterwards; a segment whose vector would spill into the next
 * pixel's row takes a masked store instead. Measured on MNIST conv2's panels (2M floats): 0.28 ms this way, 0.58 ms
 * pixel by pixel (all segments of a row in turn, every store unmasked), 0.8 ms with a 16-lane gather per half
 * row (about 20 cycles each on this Zen 4), 0.7-0.9 ms element by element, and masked stores throughout cost
 * more than the micro-kernels on the 3x3 seed layer.
 */
final class TransposedColumns {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256, S128 = FloatVector.SPECIES_128;
  /**
   * Floats a panel buffer should have past its last row: a masked store whose whole vector would reach past the
   * array's end takes the Vector API's lane-by-lane bounds check.
   */
  static final int SLACK = S.length();

  /** Copy width in floats (4, 8 or the preferred length): the smallest that holds the longest segment. */
  private final int vl;
  private final int nr;
  /** Segments of panel q: indices first[q] .. first[q+1]-1 into src (input offset), dst (column) and len. */
  private final int[] first, src, dst, len;

  private TransposedColumns(int vl, int nr, int[] first, int[] src, int[] dst, int[] len) {
    this.vl = vl;
    this.nr = nr;
    this.first = first;
    this.src = src;
    this.dst = dst;
    this.len = len;
  }

  /** What the segments depend on: the kernel's shape and dilation, the channels per group, the image's size. */
  private int kh, kw, kk, hw, w, dilH, dilW;

  private boolean fits(ConvGeometry g, int nr) {
    Conv2d.Params p = g.p();
    return kh == g.kh() && kw == g.kw() && kk == g.kk() && hw == g.hw() && w == g.w() && dilH == p.dilH() && dilW == p.dilW()
        && this.nr == nr;
  }

  /** Per thread, the segments of the layers seen lately (they are the same every step: 8 KB of tables for MNIST's conv2). */
  private static final ThreadLocal<TransposedColumns[]> CACHE = ThreadLocal.withInitial(() -> new TransposedColumns[32]);

  /** Segments of g's kk columns in panels of nr (immutable, so a cached table serves every later call). */
  static TransposedColumns of(ConvGeometry g, int nr) {
    TransposedColumns[] cache = CACHE.get();
    int i = 0;
    for (; i < cache.length && cache[i] != null; i++) if (cache[i].fits(g, nr)) return cache[i];
    // bounded: a program with many layer shapes rebuilds rather than grows
    if (i == cache.length) { java.util.Arrays.fill(cache, null); i = 0; }
    TransposedColumns t = build(g, nr);
    Conv2d.Params p = g.p();
    t.kh = g.kh(); t.kw = g.kw(); t.kk = g.kk(); t.hw = g.hw(); t.w = g.w(); t.dilH = p.dilH(); t.dilW = p.dilW();
    cache[i] = t;
    return t;
  }

  private static TransposedColumns build(ConvGeometry g, int nr) {
    Conv2d.Params p = g.p();
    int khw = g.kh() * g.kw(), kk = g.kk();
    int[] off = new int[kk];
    int longest = 1, run = 1;
    for (int k = 0; k < kk; k++) {
      int ci = k / khw, ki = k % khw / g.kw(), kj = k % g.kw();
      off[k] = ci * g.hw() + ki * p.dilH() * g.w() + kj * p.dilW();
      run = k > 0 && off[k] == off[k - 1] + 1 ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    int vl = longest <= 4 || S.length() < 8 ? 4 : longest <= 8 || S.length() < 16 ? 8 : S.length();
    int panels = (kk + nr - 1) / nr;
    int[] first = new int[panels + 1], src = new int[kk], dst = new int[kk], lens = new int[kk];
    int segs = 0;
    for (int q = 0; q < panels; q++) {
      first[q] = segs;
      for (int k = q * nr, end = Math.min(kk, k + nr); k < end; ) {
        int len = 1;
        while (k + len < end && len < vl && off[k + len] == off[k] + len) len++;
        src[segs] = off[k];
        lens[segs] = len;
        dst[segs++] = k - q * nr;
        k += len;
      }
    }
    first[panels] = segs;
    return new TransposedColumns(vl, nr, first, src, dst, lens);
  }

  /**
   * Panel q for pixels p < kc into bp[0 .. kc*nr) (columns past the matrix's last one are left unspecified);
   * bp should have {@link #SLACK} more floats. Pixels are in increasing input order (base ascending).
   */
  void pack(float[] x, int[] base, int kc, int q, float[] bp) {
    int s0 = first[q], s1 = first[q + 1], reach = 0;
    for (int s = s0; s < s1; s++) reach = Math.max(reach, src[s] + vl);
    // the last pixels of the batch may read whole vectors past the end of x: those are copied element by element
    int fast = kc;
    while (fast > 0 && base[fast - 1] + reach > x.length) fast--;
    for (int s = s0; s < s1; s++) {   // in column order: a segment overwrites the spill of the one before
      int o = src[s], d = dst[s];
      boolean spills = d + vl > nr;
      if (vl == 4) { if (spills) copy128(x, base, fast, o, bp, d, nr, len[s]); else copy128(x, base, fast, o, bp, d, nr); }
      else if (vl == 8) { if (spills) copy256(x, base, fast, o, bp, d, nr, len[s]); else copy256(x, base, fast, o, bp, d, nr); }
      else { if (spills) copy(x, base, fast, o, bp, d, nr, len[s]); else copy(x, base, fast, o, bp, d, nr); }
    }
    for (int p = fast; p < kc; p++)
      for (int s = s0; s < s1; s++)
        for (int t = 0, from = base[p] + src[s], d = p * nr + dst[s]; t < len[s]; t++) bp[d + t] = x[from + t];
  }

  // One species per method, a compile-time constant in each (C2 intrinsifies the vector calls only then).
  // bp[d + p*nr ..] = x[base[p] + o ..] for p < kc: whole vectors, or the first n lanes.

  private static void copy(float[] x, int[] base, int kc, int o, float[] bp, int d, int nr) {
    for (int p = 0; p < kc; p++, d += nr) FloatVector.fromArray(S, x, base[p] + o).intoArray(bp, d);
  }

  private static void copy(float[] x, int[] base, int kc, int o, float[] bp, int d, int nr, int n) {
    VectorMask<Float> m = S.indexInRange(0, n);
    for (int p = 0; p < kc; p++, d += nr) FloatVector.fromArray(S, x, base[p] + o).intoArray(bp, d, m);
  }

  private static void copy256(float[] x, int[] base, int kc, int o, float[] bp, int d, int nr) {
    for (int p = 0; p < kc; p++, d += nr) FloatVector.fromArray(S256, x, base[p] + o).intoArray(bp, d);
  }

  private static void copy256(float[] x, int[] base, int kc, int o, float[] bp, int d, int nr, int n) {
    VectorMask<Float> m = S256.indexInRange(0, n);
    for (int p = 0; p < kc; p++, d += nr) FloatVector.fromArray(S256, x, base[p] + o).intoArray(bp, d, m);
  }

  private static void copy128(float[] x, int[] base, int kc, int o, float[] bp, int d, int nr) {
    for (int p = 0; p < kc; p++, d += nr) FloatVector.fromArray(S128, x, base[p] + o).intoArray(bp, d);
  }

  private static void copy128(float[] x, int[] base, int kc, int o, float[] bp, int d, int nr, int n) {
    VectorMask<Float> m = S128.indexInRange(0, n);
    for (int p = 0; p < kc; p++, d += nr) FloatVector.fromArray(S128, x, base[p] + o).intoArray(bp, d, m);
  }
}
