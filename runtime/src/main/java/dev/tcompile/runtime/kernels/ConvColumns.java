package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocks of a convolution's column matrix (see {@link ConvGeometry}) moved straight between an image and a
 * GEMM buffer, so that the whole matrix never exists: {@link #pack} reads a block from the input (im2col),
 * {@link #scatterAdd} adds one back into an input-shaped gradient (col2im). Buffers are laid out in panels of
 * {@code pw} columns: column {@code j0 + j}, row {@code k0 + k} is at {@code off + ((j / pw) * kc + k) * pw + j % pw}
 * ({@code pw} = the GEMM's NR gives its packed B panels; {@code pw >= nb} a plain row-major block).
 *
 * <p>Within one output row a block's columns read a strided run of one input row per column-matrix row; runs are
 * copied with vectors for strides 1 and 2 (stride 2 through an even-lane shuffle), with masked loads where a run
 * reaches into the zero padding (element by element, such runs cost several times the whole vector copy), and
 * element by element for larger strides.
 */
final class ConvColumns {
  private ConvColumns() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();
  /** Narrower copies for the rest of a run: 256-bit (8 floats) and 128-bit (4), where narrower than S. */
  private static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256, S128 = FloatVector.SPECIES_128;
  private static final boolean HALF = VL > 8, QUARTER = VL > 4;
  /** Even lanes of two concatenated vectors: one vector of a stride-2 run. */
  private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
  /** Lane i takes lane i/2 (resp. VL/2 + i/2): half a vector spread onto the even lanes. */
  private static final VectorShuffle<Float> SPREAD_LO = VectorShuffle.fromOp(S, i -> i / 2);
  private static final VectorShuffle<Float> SPREAD_HI = VectorShuffle.fromOp(S, i -> VL / 2 + i / 2);
  private static final VectorMask<Float> EVEN_LANES = VectorMask.fromLong(S, 0x5555_5555_5555_5555L);
  /** Two vectors a, b interleaved: a0 b0 a1 b1 ... (the first VL lanes; ZIP_HI the next VL). */
  private static final VectorShuffle<Float> ZIP_LO = VectorShuffle.fromOp(S, i -> i % 2 == 0 ? i / 2 : VL + i / 2);
  private static final VectorShuffle<Float> ZIP_HI = VectorShuffle.fromOp(S, i -> i % 2 == 0 ? VL / 2 + i / 2 : VL + VL / 2 + i / 2);

  /**
   * Writes rows {@code [k0, k0+kc)} x columns {@code [j0, j0+nb)} of the column matrix of the image whose group's
   * channels start at {@code x[xo]} into {@code dst} (layout above). Columns past nb in a last panel are not written.
   */
  static void pack(float[] x, int xo, ConvGeometry g, int k0, int kc, int j0, int nb, int pw, float[] dst, int off) {
    int ow = g.ow(), j = j0, end = j0 + nb, oh = j0 / ow, q = j0 - oh * ow;
    while (j < end) {
      int rel = j - j0, lane = rel % pw, len = Math.min(Math.min(ow - q, pw - lane), end - j);
      packRun(x, xo, g, k0, kc, oh, q, len, pw, dst, off + (rel - lane) * kc + lane);
      j += len;
      q += len;
      if (q == ow) { q = 0; oh++; }
    }
  }

  /** Rows [k0, k0+kc) of the columns (oh, q .. q+len-1) into dst[d..d+len), dst[d+pw..], ... */
  private static void packRun(float[] x, int xo, ConvGeometry g, int k0, int kc, int oh, int q, int len, int pw,
                              float[] dst, int d) {
    Conv2d.Params p = g.p();
    int kh = g.kh(), kw = g.kw(), h = g.h(), w = g.w(), sW = p.strideW(), dW = p.dilW(), dH = p.dilH();
    int ihBase = oh * p.strideH() - p.padH(), iwBase = q * sW - p.padW();
    int khw = kh * kw, ci = k0 / khw, ki = k0 % khw / kw, kj = k0 % kw;
    for (int k = k0, kEnd = k0 + kc; k < kEnd; ) {
      int run = Math.min(kw - kj, kEnd - k), ih = ihBase + ki * dH;   // rows (ci, ki, kj..): one input row
      int row = xo + (ci * h + ih) * w, first = iwBase + kj * dW, last = iwBase + (kj + run - 1) * dW + (len - 1) * sW;
      if (ih < 0 || ih >= h) {
        for (int r = 0; r < run; r++) zeroRun(len, dst, d + r * pw);
      } else if (first >= 0 && last < w && sW == 1) {
        copyTaps1(x, row + first, dW, run, len, dst, d, pw);        // every tap's run inside the row
      } else if (first >= 0 && last < w && sW == 2 && row + last + 2 * VL < x.length) {
        copyTaps2(x, row + first, dW, run, len, dst, d, pw);
      } else if (sW == 1) {
        // runs reaching into the padding: masked loads (zeros there)
        for (int r = 0; r < run; r++) {
          int iw0 = iwBase + (kj + r) * dW, lo = Math.max(0, -iw0), hi = w - iw0, s = row + iw0, dr = d + r * pw;
          for (int t = 0; t < len; t += VL) {
            VectorMask<Float> m = S.indexInRange(t - lo, hi - lo);
            if (t + VL <= len) FloatVector.fromArray(S, x, s + t, m).intoArray(dst, dr + t);
            else FloatVector.fromArray(S, x, s + t, m).intoArray(dst, dr + t, S.indexInRange(t, len));
          }
        }
      } else {
        for (int r = 0; r < run; r++) {
          int iw0 = iwBase + (kj + r) * dW;
          // input elements row + iw0 + e with e in [lo, hi) lie inside the row; the others are zero padding
          copyRun(x, row + iw0, Math.max(0, -iw0), w - iw0, sW, len, dst, d + r * pw);
        }
      }
      d += run * pw;
      k += run;
      kj = 0;
      if (++ki == kh) { ki = 0; ci++; }
    }
  }

  // The copies are small methods of their own: with them all in packRun, C1 runs out of registers compiling it,
  // and packRun then stays in slow tier-2 code (Vector API calls not intrinsified) for seconds.

  /**
   * dst[d + r*pw + t] = x[s + r*dW + t] for r < run, t < len: stride-1 runs inside the row. Without masks: whole
   * vectors, then one 256-bit and one 128-bit copy where the rest allows, then 1-3 single floats (an 8-wide output
   * row is one 256-bit copy; masked copies with their indexInRange masks cost several times that). Each stretch
   * is copied for every tap in a loop of its own: a vector loop inside the tap loop that mostly runs zero times
   * (8-wide rows) still pays its setup every time.
   */
  private static void copyTaps1(float[] x, int s, int dW, int run, int len, float[] dst, int d, int pw) {
    int t = 0;
    for (; t + VL <= len; t += VL) copyTaps(x, s + t, dW, run, dst, d + t, pw);
    if (HALF && len - t >= 8) {
      copyTaps256(x, s + t, dW, run, dst, d + t, pw);
      t += 8;
    }
    if (QUARTER && len - t >= 4) {
      copyTaps128(x, s + t, dW, run, dst, d + t, pw);
      t += 4;
    }
    for (; t < len; t++)
      for (int r = 0, xs = s + t, ds = d + t; r < run; r++, xs += dW, ds += pw) dst[ds] = x[xs];
  }

  // One species per method: C2 gives up intrinsifying Vector API calls (and calls their slow Java fallbacks) in
  // methods where several vector loops exceed its node budget, depending on the profile when it compiles them.

  /** One preferred vector of every tap: dst[d + r*pw ..] = x[s + r*dW ..]. */
  private static void copyTaps(float[] x, int s, int dW, int run, float[] dst, int d, int pw) {
    for (int r = 0; r < run; r++, s += dW, d += pw) FloatVector.fromArray(S, x, s).intoArray(dst, d);
  }

  private static void copyTaps256(float[] x, int s, int dW, int run, float[] dst, int d, int pw) {
    for (int r = 0; r < run; r++, s += dW, d += pw) FloatVector.fromArray(S256, x, s).intoArray(dst, d);
  }

  private static void copyTaps128(float[] x, int s, int dW, int run, float[] dst, int d, int pw) {
    for (int r = 0; r < run; r++, s += dW, d += pw) FloatVector.fromArray(S128, x, s).intoArray(dst, d);
  }

  /** dst[d + r*pw + t] = x[s + r*dW + 2t] for r < run, t < len: stride-2 runs inside the row (even lanes of pairs). */
  private static void copyTaps2(float[] x, int s, int dW, int run, int len, float[] dst, int d, int pw) {
    int full = len - len % VL;
    VectorMask<Float> tail = S.indexInRange(full, len);
    for (int r = 0; r < run; r++, d += pw, s += dW) {
      int t = 0;
      for (; t < full; t += VL)
        FloatVector.fromArray(S, x, s + 2 * t).rearrange(EVEN, FloatVector.fromArray(S, x, s + 2 * t + VL)).intoArray(dst, d + t);
      if (t < len)
        FloatVector.fromArray(S, x, s + 2 * t).rearrange(EVEN, FloatVector.fromArray(S, x, s + 2 * t + VL)).intoArray(dst, d + t, tail);
    }
  }

  /** dst[d + t] = x[s + t*sW] for t < len, 0 where t*sW is outside [lo, hi) (a run reaching into the padding). */
  private static void copyRun(float[] x, int s, int lo, int hi, int sW, int len, float[] dst, int d) {
    if (sW == 2) {
      copyRun2(x, s, lo, hi, len, dst, d);
    } else {
      for (int t = 0; t < len; t++) dst[d + t] = t * sW >= lo && t * sW < hi ? x[s + t * sW] : 0f;
    }
  }

  private static void zeroRun(int len, float[] dst, int d) {
    int full = len - len % VL, t = 0;
    FloatVector zero = FloatVector.zero(S);
    for (; t < full; t += VL) zero.intoArray(dst, d + t);
    if (t < len) zero.intoArray(dst, d + t, S.indexInRange(t, len));
  }

  /** dst[d + t] = x[s + 2t] for t < len, 0 where 2t is outside [lo, hi) (a run reaching into the padding). */
  private static void copyRun2(float[] x, int s, int lo, int hi, int len, float[] dst, int d) {
    int full = len - len % VL;
    for (int t = 0; t < len; t += VL) {
      int e = 2 * t;
      FloatVector v0 = FloatVector.fromArray(S, x, s + e, S.indexInRange(e - lo, hi - lo));
      FloatVector v1 = FloatVector.fromArray(S, x, s + e + VL, S.indexInRange(e + VL - lo, hi - lo));
      FloatVector v = v0.rearrange(EVEN, v1);
      if (t < full) v.intoArray(dst, d + t);
      else v.intoArray(dst, d + t, S.indexInRange(t, len));
    }
  }

  /**
   * The adjoint of {@link #pack} for whole columns: adds all rows x columns {@code [j0, j0+nb)} held in {@code src}
   * (same layout, {@code kc} = kk) into the input-shaped gradient of the image whose group's channels start at
   * {@code gi[xo]}.
   */
  static void scatterAdd(float[] src, int off, int pw, ConvGeometry g, int j0, int nb, float[] gi, int xo) {
    int ow = g.ow(), kk = g.kk(), j = j0, end = j0 + nb, oh = j0 / ow, q = j0 - oh * ow;
    while (j < end) {
      int rel = j - j0, lane = rel % pw, len = Math.min(Math.min(ow - q, pw - lane), end - j);
      scatterRun(src, off + (rel - lane) * kk + lane, pw, g, oh, q, len, gi, xo);
      j += len;
      q += len;
      if (q == ow) { q = 0; oh++; }
    }
  }

  /**
   * gi[input position of (k, oh, q+t)] += src[d + k*pw + t] for every row k, t < len. Channels are the innermost
   * loop: taps kj and kj+1 of one channel add into overlapping stretches of the same row (and neighbouring rows of
   * a small map lie within one vector's reach), so taking them one after the other made each load wait for the
   * store before it to reach L1 (store-to-load forwarding fails on overlapping masked or misaligned vectors).
   */
  private static void scatterRun(float[] src, int d, int pw, ConvGeometry g, int oh, int q, int len, float[] gi, int xo) {
    Conv2d.Params p = g.p();
    int kh = g.kh(), kw = g.kw(), h = g.h(), w = g.w(), hw = h * w, cg = g.cg(), sW = p.strideW(), dW = p.dilW();
    int ihBase = oh * p.strideH() - p.padH(), iwBase = q * sW - p.padW(), cStride = kh * kw * pw;
    for (int ki = 0; ki < kh; ki++) {
      int ih = ihBase + ki * p.dilH();
      if (ih < 0 || ih >= h) continue;
      for (int kj = 0; kj < kw; kj++) {
        int iw0 = iwBase + kj * dW, lo = Math.max(0, -iw0), hi = w - iw0;   // as in packRun
        int s = xo + ih * w + iw0, dr = d + (ki * kw + kj) * pw;
        if (sW == 2 && dW == 1 && kj == 0 && kw == 3 && lo == 0 && 2 * len < hi) {
          // all three taps of a 3-wide stride-2 kernel in one pass over the stretch
          for (int ci = 0; ci < cg; ci++, s += hw, dr += cStride) addTriple2(src, dr, pw, len, gi, s);
          kj += 2;
        } else if (sW == 2 && dW == 1 && kj + 1 < kw && lo == 0 && 2 * len <= hi) {
          // taps kj and kj+1 of a stride-2 run fill the even and odd elements of the same stretch of the row:
          // interleaved, they are added as whole vectors
          for (int ci = 0; ci < cg; ci++, s += hw, dr += cStride) addPair2(src, dr, pw, len, gi, s);
          kj++;
        } else if (sW == 1 && lo == 0 && len <= hi) {
          addTaps1(src, dr, cStride, len, gi, s, hw, cg);
        } else {
          for (int ci = 0; ci < cg; ci++, s += hw, dr += cStride) {
            if (sW == 1) addRun1(src, dr, lo, hi, len, gi, s);
            else if (sW == 2) addRun2(src, dr, lo, hi, len, gi, s);
            else for (int t = 0; t < len; t++) if (t * sW >= lo && t * sW < hi) gi[s + t * sW] += src[dr + t];
          }
        }
      }
    }
  }

  /**
   * gi[s + c*hw + t] += src[d + c*cStride + t] for channels c < cg, t < len: stride-1 runs inside the row, without
   * masks and stretch by stretch as in {@link #copyTaps1} (each element still gets its one addition, so the sums are
   * those of masked vectors). Channels stay the inner loop (see {@link #scatterRun}).
   */
  private static void addTaps1(float[] src, int d, int cStride, int len, float[] gi, int s, int hw, int cg) {
    int t = 0;
    for (; t + VL <= len; t += VL) addChannels(src, d + t, cStride, gi, s + t, hw, cg);
    if (HALF && len - t >= 8) {
      addChannels256(src, d + t, cStride, gi, s + t, hw, cg);
      t += 8;
    }
    if (QUARTER && len - t >= 4) {
      addChannels128(src, d + t, cStride, gi, s + t, hw, cg);
      t += 4;
    }
    for (; t < len; t++)
      for (int c = 0, gs = s + t, ds = d + t; c < cg; c++, gs += hw, ds += cStride) gi[gs] += src[ds];
  }

  /** One preferred vector of every channel: gi[s + c*hw ..] += src[d + c*cStride ..]. */
  private static void addChannels(float[] src, int d, int cStride, float[] gi, int s, int hw, int cg) {
    for (int c = 0; c < cg; c++, s += hw, d += cStride)
      FloatVector.fromArray(S, src, d).add(FloatVector.fromArray(S, gi, s)).intoArray(gi, s);
  }

  private static void addChannels256(float[] src, int d, int cStride, float[] gi, int s, int hw, int cg) {
    for (int c = 0; c < cg; c++, s += hw, d += cStride)
      FloatVector.fromArray(S256, src, d).add(FloatVector.fromArray(S256, gi, s)).intoArray(gi, s);
  }

  private static void addChannels128(float[] src, int d, int cStride, float[] gi, int s, int hw, int cg) {
    for (int c = 0; c < cg; c++, s += hw, d += cStride)
      FloatVector.fromArray(S128, src, d).add(FloatVector.fromArray(S128, gi, s)).intoArray(gi, s);
  }

  /** gi[s + 2t] += src[d + t] and gi[s + 2t + 1] += src[d + pw + t] for t < len, all inside the row. */
  private static void addPair2(float[] src, int d, int pw, int len, float[] gi, int s) {
    int full = len - len % VL, t = 0;
    for (; t < full; t += VL) {
      FloatVector a = FloatVector.fromArray(S, src, d + t), b = FloatVector.fromArray(S, src, d + pw + t);
      int s0 = s + 2 * t, s1 = s0 + VL;
      FloatVector.fromArray(S, gi, s0).add(a.rearrange(ZIP_LO, b)).intoArray(gi, s0);
      FloatVector.fromArray(S, gi, s1).add(a.rearrange(ZIP_HI, b)).intoArray(gi, s1);
    }
    if (t < len) {
      VectorMask<Float> m = S.indexInRange(t, len);
      FloatVector a = FloatVector.fromArray(S, src, d + t, m), b = FloatVector.fromArray(S, src, d + pw + t, m);
      int s0 = s + 2 * t, s1 = s0 + VL, left = 2 * (len - t);
      VectorMask<Float> m0 = S.indexInRange(0, left), m1 = S.indexInRange(VL, left);
      FloatVector.fromArray(S, gi, s0, m0).add(a.rearrange(ZIP_LO, b)).intoArray(gi, s0, m0);
      FloatVector.fromArray(S, gi, s1, m1).add(a.rearrange(ZIP_HI, b)).intoArray(gi, s1, m1);
    }
  }

  /** -0 in every lane: adding it changes no value (x + -0 = x, signed zeros and NaN payloads included). */
  private static final FloatVector NEG_ZERO = FloatVector.broadcast(S, -0f);

  /**
   * Taps 0, 1 and 2 of a stride-2 run of a 3-wide kernel (rows d, d + pw, d + 2 pw) in one pass: element 2t of the
   * stretch at gi[s] gets tap 0 of pixel t and then tap 2 of pixel t - 1, element 2t + 1 tap 1 of pixel t, and
   * element 2 len tap 2 of the last pixel; all inside the row. Each element gets its additions in the order of
   * {@link #addPair2} followed by {@link #addRun2} (taps ascending), so the same sums, with one read-modify-write
   * of the stretch instead of two (lanes with nothing to add take -0).
   */
  private static void addTriple2(float[] src, int d, int pw, int len, float[] gi, int s) {
    FloatVector carry = NEG_ZERO;   // tap 2 of the pixel before the vector, in its last lane
    int full = len - len % VL, t = 0;
    for (; t < full; t += VL) {
      FloatVector a = FloatVector.fromArray(S, src, d + t), b = FloatVector.fromArray(S, src, d + pw + t);
      FloatVector c = FloatVector.fromArray(S, src, d + 2 * pw + t), cs = carry.slice(VL - 1, c);
      carry = c;
      int s0 = s + 2 * t, s1 = s0 + VL;
      FloatVector.fromArray(S, gi, s0).add(a.rearrange(ZIP_LO, b)).add(cs.rearrange(ZIP_LO, NEG_ZERO)).intoArray(gi, s0);
      FloatVector.fromArray(S, gi, s1).add(a.rearrange(ZIP_HI, b)).add(cs.rearrange(ZIP_HI, NEG_ZERO)).intoArray(gi, s1);
    }
    if (t < len) {
      VectorMask<Float> m = S.indexInRange(t, len);
      FloatVector a = FloatVector.fromArray(S, src, d + t, m), b = FloatVector.fromArray(S, src, d + pw + t, m);
      FloatVector cs = carry.slice(VL - 1, FloatVector.fromArray(S, src, d + 2 * pw + t, m));
      int s0 = s + 2 * t, s1 = s0 + VL, left = 2 * (len - t);
      VectorMask<Float> m0 = S.indexInRange(0, left), m1 = S.indexInRange(VL, left);
      FloatVector.fromArray(S, gi, s0, m0).add(a.rearrange(ZIP_LO, b)).add(cs.rearrange(ZIP_LO, NEG_ZERO)).intoArray(gi, s0, m0);
      FloatVector.fromArray(S, gi, s1, m1).add(a.rearrange(ZIP_HI, b)).add(cs.rearrange(ZIP_HI, NEG_ZERO)).intoArray(gi, s1, m1);
    }
    gi[s + 2 * len] += src[d + 2 * pw + len - 1];
  }

  /** gi[s + t] += src[d + t] for t < len inside [lo, hi) (a run reaching into the padding). */
  private static void addRun1(float[] src, int d, int lo, int hi, int len, float[] gi, int s) {
    int end = Math.min(hi, len);
    for (int t = 0; t < len; t += VL) {
      VectorMask<Float> m = S.indexInRange(t - lo, end - lo);
      FloatVector.fromArray(S, src, d + t, m).add(FloatVector.fromArray(S, gi, s + t, m)).intoArray(gi, s + t, m);
    }
  }

  /**
   * gi[s + 2t] += src[d + t] for t < len with 2t inside [lo, hi): VL values land on the even lanes of two vectors
   * of the row; odd lanes, lanes past the run and padding positions are left untouched by the masks.
   */
  private static void addRun2(float[] src, int d, int lo, int hi, int len, float[] gi, int s) {
    int end = Math.min(hi, 2 * len - 1);
    for (int t = 0; t < len; t += VL) {
      int e = 2 * t;
      FloatVector v = FloatVector.fromArray(S, src, d + t, S.indexInRange(t, len));
      VectorMask<Float> m0 = EVEN_LANES.and(S.indexInRange(e - lo, end - lo));
      VectorMask<Float> m1 = EVEN_LANES.and(S.indexInRange(e + VL - lo, end - lo));
      FloatVector.fromArray(S, gi, s + e, m0).add(v.rearrange(SPREAD_LO)).intoArray(gi, s + e, m0);
      if (m1.anyTrue()) FloatVector.fromArray(S, gi, s + e + VL, m1).add(v.rearrange(SPREAD_HI)).intoArray(gi, s + e + VL, m1);
    }
  }
}
