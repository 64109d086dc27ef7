package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The transposed column matrix of an unpadded convolution (one row per output pixel, one column per
 * column-matrix row {@code k = (ci*kh + ki)*kw + kj}) packed straight from the input into GEMM B panels of
 * {@code nr} columns: {@code bp[p*nr + j] = x[base[p] + offset(j0 + j)]}, with {@code offset(k) = ci*h*w +
 * ki*dilH*w + kj*dilW} the same for every pixel. Columns whose offsets are consecutive (the taps of one kernel row
 * when dilW is 1) form segments that read one stretch of an input row; a segment is copied as one vector whose
 * lanes past its end spill into the next segment's place (or the next pixel's row, or {@link #SLACK} floats past
 * the panel), so pixel by pixel, segments in column order, every spilled lane is overwritten before the panel is
 * read. No masks: masked stores took twice the time of the whole micro-kernel work on the 3x3 seed layer, and a
 * 16-lane gather per half row took about 20 cycles on this Zen 4 (more than an element-by-element copy).
 */
final class TransposedColumns {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256, S128 = FloatVector.SPECIES_128;
  /** Floats a panel buffer needs past its last row for the spilled lanes. */
  static final int SLACK = S.length();

  /** Copy width in floats (4, 8 or the preferred length): the smallest that holds the longest segment. */
  private final int vl;
  private final int nr;
  /** Segments of panel q: indices first[q] .. first[q+1]-1 into src (input offset) and dst (column in the panel). */
  private final int[] first, src, dst;

  private TransposedColumns(int vl, int nr, int[] first, int[] src, int[] dst) {
    this.vl = vl;
    this.nr = nr;
    this.first = first;
    this.src = src;
    this.dst = dst;
  }

  /** Segments of g's kk columns in panels of nr. */
  static TransposedColumns of(ConvGeometry g, int nr) {
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
    int[] first = new int[panels + 1], src = new int[kk], dst = new int[kk];
    int segs = 0;
    for (int q = 0; q < panels; q++) {
      first[q] = segs;
      for (int k = q * nr, end = Math.min(kk, k + nr); k < end; ) {
        int len = 1;
        while (k + len < end && len < vl && off[k + len] == off[k] + len) len++;
        src[segs] = off[k];
        dst[segs++] = k - q * nr;
        k += len;
      }
    }
    first[panels] = segs;
    return new TransposedColumns(vl, nr, first, src, dst);
  }

  /**
   * Panel q for pixels p < kc into bp[0 .. kc*nr) (columns past the matrix's last one are left unspecified);
   * bp needs {@link #SLACK} more floats. Pixels are in increasing input order (base ascending).
   */
  void pack(float[] x, int[] base, int kc, int q, float[] bp) {
    int s0 = first[q], s1 = first[q + 1], reach = 0;
    for (int s = s0; s < s1; s++) reach = Math.max(reach, src[s] + vl);
    // the last pixels of the batch may read whole vectors past the end of x: those take masked loads
    int fast = kc;
    while (fast > 0 && base[fast - 1] + reach > x.length) fast--;
    if (vl == 4) pack128(x, base, fast, s0, s1, bp);
    else if (vl == 8) pack256(x, base, fast, s0, s1, bp);
    else pack(x, base, fast, s0, s1, bp);
    for (int p = fast; p < kc; p++) {
      int b = base[p], d = p * nr;
      for (int s = s0; s < s1; s++) {
        int from = b + src[s];
        for (int t = 0; t < vl && from + t < x.length; t++) bp[d + dst[s] + t] = x[from + t];
      }
    }
  }

  // One species per method, a compile-time constant in each (C2 intrinsifies the vector calls only then).

  private void pack(float[] x, int[] base, int kc, int s0, int s1, float[] bp) {
    for (int p = 0, d = 0; p < kc; p++, d += nr) {
      int b = base[p];
      for (int s = s0; s < s1; s++) FloatVector.fromArray(S, x, b + src[s]).intoArray(bp, d + dst[s]);
    }
  }

  private void pack256(float[] x, int[] base, int kc, int s0, int s1, float[] bp) {
    for (int p = 0, d = 0; p < kc; p++, d += nr) {
      int b = base[p];
      for (int s = s0; s < s1; s++) FloatVector.fromArray(S256, x, b + src[s]).intoArray(bp, d + dst[s]);
    }
  }

  private void pack128(float[] x, int[] base, int kc, int s0, int s1, float[] bp) {
    for (int p = 0, d = 0; p < kc; p++, d += nr) {
      int b = base[p];
      for (int s = s0; s < s1; s++) FloatVector.fromArray(S128, x, b + src[s]).intoArray(bp, d + dst[s]);
    }
  }
}
