package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling with 2x2 windows, stride 2, no padding or dilation (LeNet/MNIST), one plane at a time, with the
 * general loop's exact choice rule: taps scanned row by row (top-left, top-right, bottom-left, bottom-right), a
 * value replacing the running maximum when greater or NaN, so ties keep the earlier tap, the last NaN wins and a
 * window of -inf reports its first tap. Values are moved by bit (blends), never through arithmetic.
 *
 * <p>Per output row, VL outputs at a time: two vectors of each input row split into their even and odd lanes give
 * the four taps of VL windows. A row's remainder of at least VL/2 windows takes one masked vector step (24-wide
 * rows: 12 windows); a shorter one a 4-window step with 128-bit vectors (8-wide rows) where those are narrower
 * than the preferred ones, and the last 1-3 windows are done one by one.
 *
 * <p>The steps repeat their comparisons rather than share helper methods: a helper C2 does not inline (node count
 * cutoffs in these large methods) returns boxed vectors and masks, which cost more than the whole step.
 */
final class MaxPool2x2 {
  private MaxPool2x2() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();
  private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
  /** Half as many lanes as S: an index vector is stored as two long vectors. */
  private static final VectorSpecies<Long> SL = LongVector.SPECIES_PREFERRED;
  private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i), ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);
  /** Offsets 0, 2, 4, ... of the windows' first taps within a step. */
  private static final IntVector TWICE_IOTA = IntVector.zero(SI).addIndex(2);

  /** 4-window steps: worth it only where 128-bit vectors are a quarter of the preferred ones (AVX-512). */
  private static final boolean QUARTER = VL >= 16;
  private static final VectorSpecies<Float> Q = FloatVector.SPECIES_128;
  private static final VectorSpecies<Long> QL = LongVector.SPECIES_256;
  private static final VectorShuffle<Float> Q_EVEN = VectorShuffle.fromOp(Q, i -> 2 * i), Q_ODD = VectorShuffle.fromOp(Q, i -> 2 * i + 1);
  private static final LongVector Q_TWICE_IOTA = LongVector.zero(QL).addIndex(2);

  /** Masks of a masked step of r windows (VL/2 <= r < VL), made once per r. */
  private record Tail(VectorMask<Float> second, VectorMask<Float> out, VectorMask<Long> lo, VectorMask<Long> hi) {}

  private static final Tail[] TAILS = new Tail[VL];

  static {
    for (int r = VL / 2; r < VL; r++)
      TAILS[r] = new Tail(S.indexInRange(VL, 2 * r), S.indexInRange(0, r), SL.indexInRange(0, r), SL.indexInRange(VL / 2, r));
  }

  /**
   * Pools the plane at {@code x[xo]} ({@code w} wide) into {@code ohs x ows} outputs at {@code out[oo]} and their
   * flat in-plane input positions at {@code idx[oo]}; needs {@code 2*ohs <= h} and {@code 2*ows <= w}.
   */
  static void plane(float[] x, int xo, int w, int ohs, int ows, float[] out, long[] idx, int oo) {
    int r = ows % VL, full = ows - r;
    Tail tail = r >= VL / 2 ? TAILS[r] : null;
    for (int oh = 0; oh < ohs; oh++) {
      int r0 = xo + 2 * oh * w, rel = r0 - xo, o = oo + oh * ows, ow = 0;
      for (; ow < full; ow += VL) step(x, r0, rel, w, ow, out, idx, o);
      // a masked access whose whole vector reaches past the array's end (the last row of the last plane) would
      // take the Vector API's lane-by-lane bounds check: that row goes 4 windows at a time instead
      if (tail != null && r0 + w + 2 * full + 2 * VL <= x.length && o + full + VL <= Math.min(out.length, idx.length)) {
        masked(x, r0, rel, w, ow, out, idx, o, tail);
        continue;
      }
      for (; QUARTER && ows - ow >= 4; ow += 4) quarter(x, r0, rel, w, ow, out, idx, o);
      if (ow < ows) scalar(x, r0, rel, w, ow, ows, out, idx, o);
    }
  }

  /** VL windows from column 2*ow of the row pair starting at x[r0] (plane row offset rel). */
  private static void step(float[] x, int r0, int rel, int w, int ow, float[] out, long[] idx, int o) {
    int c = 2 * ow;
    FloatVector a = FloatVector.fromArray(S, x, r0 + c), b = FloatVector.fromArray(S, x, r0 + c + VL);
    FloatVector v0 = a.rearrange(EVEN, b), v1 = a.rearrange(ODD, b);
    a = FloatVector.fromArray(S, x, r0 + w + c);
    b = FloatVector.fromArray(S, x, r0 + w + c + VL);
    FloatVector v2 = a.rearrange(EVEN, b), v3 = a.rearrange(ODD, b);
    // "greater or NaN" replaces the running maximum (v != v: NaN)
    VectorMask<Float> k1 = v1.compare(VectorOperators.GT, v0).or(v1.compare(VectorOperators.NE, v1));
    FloatVector m = v0.blend(v1, k1);
    VectorMask<Float> k2 = v2.compare(VectorOperators.GT, m).or(v2.compare(VectorOperators.NE, v2));
    m = m.blend(v2, k2);
    VectorMask<Float> k3 = v3.compare(VectorOperators.GT, m).or(v3.compare(VectorOperators.NE, v3));
    m.blend(v3, k3).intoArray(out, o + ow);
    IntVector t = TWICE_IOTA.add(rel + c);   // in-plane positions of the first taps, then of the chosen ones
    t = t.blend(t.add(1), k1.cast(SI)).blend(t.add(w), k2.cast(SI)).blend(t.add(w + 1), k3.cast(SI));
    ((LongVector) t.convertShape(VectorOperators.I2L, SL, 0)).intoArray(idx, o + ow);
    ((LongVector) t.convertShape(VectorOperators.I2L, SL, 1)).intoArray(idx, o + ow + VL / 2);
  }

  /** {@link #step} for the row's last r = ows - ow windows (VL/2 <= r < VL): masked loads and stores. */
  private static void masked(float[] x, int r0, int rel, int w, int ow, float[] out, long[] idx, int o, Tail tail) {
    int c = 2 * ow;
    FloatVector a = FloatVector.fromArray(S, x, r0 + c), b = FloatVector.fromArray(S, x, r0 + c + VL, tail.second());
    FloatVector v0 = a.rearrange(EVEN, b), v1 = a.rearrange(ODD, b);
    a = FloatVector.fromArray(S, x, r0 + w + c);
    b = FloatVector.fromArray(S, x, r0 + w + c + VL, tail.second());
    FloatVector v2 = a.rearrange(EVEN, b), v3 = a.rearrange(ODD, b);
    // "greater or NaN" replaces the running maximum (v != v: NaN)
    VectorMask<Float> k1 = v1.compare(VectorOperators.GT, v0).or(v1.compare(VectorOperators.NE, v1));
    FloatVector m = v0.blend(v1, k1);
    VectorMask<Float> k2 = v2.compare(VectorOperators.GT, m).or(v2.compare(VectorOperators.NE, v2));
    m = m.blend(v2, k2);
    VectorMask<Float> k3 = v3.compare(VectorOperators.GT, m).or(v3.compare(VectorOperators.NE, v3));
    m.blend(v3, k3).intoArray(out, o + ow, tail.out());
    IntVector t = TWICE_IOTA.add(rel + c);   // in-plane positions of the first taps, then of the chosen ones
    t = t.blend(t.add(1), k1.cast(SI)).blend(t.add(w), k2.cast(SI)).blend(t.add(w + 1), k3.cast(SI));
    ((LongVector) t.convertShape(VectorOperators.I2L, SL, 0)).intoArray(idx, o + ow, tail.lo());
    ((LongVector) t.convertShape(VectorOperators.I2L, SL, 1)).intoArray(idx, o + ow + VL / 2, tail.hi());
  }

  /** 4 windows with 128-bit vectors (their indices as one 256-bit long vector). */
  private static void quarter(float[] x, int r0, int rel, int w, int ow, float[] out, long[] idx, int o) {
    int c = 2 * ow;
    FloatVector a = FloatVector.fromArray(Q, x, r0 + c), b = FloatVector.fromArray(Q, x, r0 + c + 4);
    FloatVector v0 = a.rearrange(Q_EVEN, b), v1 = a.rearrange(Q_ODD, b);
    a = FloatVector.fromArray(Q, x, r0 + w + c);
    b = FloatVector.fromArray(Q, x, r0 + w + c + 4);
    FloatVector v2 = a.rearrange(Q_EVEN, b), v3 = a.rearrange(Q_ODD, b);
    // "greater or NaN" replaces the running maximum (v != v: NaN)
    VectorMask<Float> k1 = v1.compare(VectorOperators.GT, v0).or(v1.compare(VectorOperators.NE, v1));
    FloatVector m = v0.blend(v1, k1);
    VectorMask<Float> k2 = v2.compare(VectorOperators.GT, m).or(v2.compare(VectorOperators.NE, v2));
    m = m.blend(v2, k2);
    VectorMask<Float> k3 = v3.compare(VectorOperators.GT, m).or(v3.compare(VectorOperators.NE, v3));
    m.blend(v3, k3).intoArray(out, o + ow);
    LongVector t = Q_TWICE_IOTA.add(rel + c);
    t.blend(t.add(1), k1.cast(QL)).blend(t.add(w), k2.cast(QL)).blend(t.add(w + 1), k3.cast(QL)).intoArray(idx, o + ow);
  }

  /**
   * Windows ow .. ows-1 one by one, branch-free: with random data each comparison is a coin toss, and mispredicted
   * branches cost more than the arithmetic.
   */
  private static void scalar(float[] x, int r0, int rel, int w, int ow, int ows, float[] out, long[] idx, int o) {
    int r1 = r0 + w;
    for (; ow < ows; ow++) {
      int c = 2 * ow;
      float v0 = x[r0 + c], v1 = x[r0 + c + 1], v2 = x[r1 + c], v3 = x[r1 + c + 1];
      // the first tap always starts the window (-inf stays -inf); then "greater or NaN" replaces
      int m = Float.floatToRawIntBits(v0), tap = 0;
      int k1 = -(((v1 > Float.intBitsToFloat(m)) | (v1 != v1)) ? 1 : 0);
      m = (Float.floatToRawIntBits(v1) & k1) | (m & ~k1);
      tap = (1 & k1) | (tap & ~k1);
      int k2 = -(((v2 > Float.intBitsToFloat(m)) | (v2 != v2)) ? 1 : 0);
      m = (Float.floatToRawIntBits(v2) & k2) | (m & ~k2);
      tap = (2 & k2) | (tap & ~k2);
      int k3 = -(((v3 > Float.intBitsToFloat(m)) | (v3 != v3)) ? 1 : 0);
      m = (Float.floatToRawIntBits(v3) & k3) | (m & ~k3);
      tap = (3 & k3) | (tap & ~k3);
      out[o + ow] = Float.intBitsToFloat(m);
      idx[o + ow] = (long) rel + c + (tap & 1) + (tap >> 1) * w;
    }
  }
}
