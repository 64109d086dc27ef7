package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * erf and the exact GELU in float lanes, run as stage loops over chunks of 256 elements with this
 * thread's scratch arrays between them: erfc's argument and erfcx ({@link Erfcx}), its correction
 * ({@link Correction}), e^{-t^2} and the products ({@link Exp}), then the small-argument polynomial and the blends
 * ({@link ErfFinish}, {@link GeluFinish}). GELU's backward, which needs erfc only to float accuracy, has stage
 * loops of its own ({@link GeluBackwardLanes}). One loop over the whole
 * computation is more than C2 inlines into one method (its parse node budget, NodeCountInliningCutoff): the part
 * it leaves out becomes a call that boxes every vector, several times slower. Each stage is one loop over whole
 * vectors of scratch arrays calling its functions from one site, and the stages are called (not inlined into
 * one another) through one megamorphic call site.
 * Lanes are independent: an element's bits depend neither on its place in a run nor on the chunking.
 *
 * <p>Only the tails (erf: |x| >= 0.875 or NaN; gelu: x < -0.495 or x > 1.414) need erfc, about 2/5 of
 * standard-normal inputs: with 16-lane vectors the chunk's tail elements are first compressed to the front of a
 * scratch array, the erfc stages run over those alone, and their results are expanded back to their lanes
 * (AVX-512's compress/expand). Each element still goes through the same lane operations, so its bits are those of
 * running every stage over the whole chunk, which is what narrower vectors do (no compress instruction there).
 *
 * <p>erf x: |x| < 0.875, {@link VectorFns#erfSmall}; else 1 - erfc|x| with |x| held at 4, where erf rounds to 1.
 * Max error 0.82 ulp, checked on every positive float below 4 (erf is odd). erfc(t) = erfcx(t) e^{-t^2}, erfcx from
 * {@link VectorFns#erfcxG1}, carried with c as two-float products into {@link VectorFns#expTimes}, one rounding.
 *
 * <p>gelu x = x Phi(x): x/2 + x/2 erf(x/sqrt 2) in one fma for x in [-0.495, 1.414]; outside, the tail
 * -|x|/2 erfc(|x|/sqrt 2), with the exponent x^2/2 taken exactly from x (rounding x/sqrt 2 first would move
 * e^{-x^2/2} by up to x^2 2^-24), as is for x < 0 (no 1 + erf cancellation) and added to x above. |x| < 2^-30
 * gives x/2, x > 8 gives x, x < -14.85 gives x * 0 (-0; NaN for -inf, as x Phi(x) = -inf * 0). Max error 1.55 ulp
 * against the exact value on every float of the tail [-14.9, -0.25], 1.09 on [0.25, 9].
 */
final class ErfLoops {
  private ErfLoops() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();
  static final int CHUNK = 256;
  /**
   * Per thread: c erfcx hi (then the tail), lo, the correction kappa, the
   * chunk's input x, 1/(t + 2) (then the result), the tail elements' x compressed. The heavy loops run unmasked
   * over whole vectors of these (lanes past the chunk's end or the tail count compute garbage that is never used);
   * only the copies in and out use masks.
   */
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[6][CHUNK]);
  /** compress/expand are single AVX-512 instructions; elsewhere the erfc stages run over the whole chunk. */
  private static final boolean COMPRESS = VL == 16;

  static final float ERF_SPLIT = 0.875f;
  static final float GELU_NEG_SPLIT = -0.495f, GELU_POS_SPLIT = 1.4142135f;
  /** |x| / sqrt 2 is held at 10.5 (|x| at 14.849242): GELU's tail underflows to -0 from |x| = 14.1. */
  static final float GELU_AMAX = 14.849242f;
  static final float RSQRT2_F = (float) 0.70710678118654752440, RSQRT2_LO = (float) (0.70710678118654752440 - RSQRT2_F);

  /** d = erf(x). */
  static void erf(float[] x, int xo, float[] d, int dO, int n) { run(ERF, ERF_FINISH, false, COMPRESS, x, xo, d, dO, n); }

  /** d = gelu(x), the exact form. */
  static void gelu(float[] x, int xo, float[] d, int dO, int n) { run(GELU, GELU_FINISH, true, COMPRESS, x, xo, d, dO, n); }

  /** erf or gelu with every stage over every lane (no compress), as on narrower vectors: tests compare the bits. */
  static void allLanes(boolean gelu, float[] x, int xo, float[] d, int dO, int n) {
    run(gelu ? GELU : ERF, gelu ? GELU_FINISH : ERF_FINISH, gelu, false, x, xo, d, dO, n);
  }

  /**
   * Per chunk: s[3] = x; the tail elements' x compressed into s[5]; the erfc stages over those; the finishing stage,
   * which expands their tails (s[0]) back to their lanes; s[4] (the result) out to d. Where the tails are more than
   * 4/5 of the chunk (or compressTails is off), the erfc stages run over the whole chunk in place.
   */
  private static void run(Stage[] tails, Stage[][] finish, boolean gelu, boolean compressTails, float[] x, int xo, float[] d, int dO, int n) {
    float[][] s = SCRATCH.get();
    for (int c = 0; c < n; c += CHUNK) {
      int len = Math.min(CHUNK, n - c), full = (len + VL - 1) / VL * VL;
      int count = -1;
      if (compressTails) count = copyInCompress(x, xo + c, s[3], s[5], len, gelu);
      else copyIn(x, xo + c, s[3], len);
      // compress/expand cost about a sixth of the erfc stages: a chunk of mostly tails runs them on every lane
      boolean compressed = count >= 0 && count <= len * 4 / 5;
      if (compressed) {
        runStages(tails, s, (count + VL - 1) / VL * VL);
      } else {
        System.arraycopy(s[3], 0, s[5], 0, full);
        runStages(tails, s, full);
      }
      runStages(compressed ? finish[1] : finish[0], s, full);
      copyOut(s[4], d, dO + c, len);
    }
  }

  /** Lanes whose result comes from the tail (the complement of the finishing stages' small-argument lanes). */
  private static VectorMask<Float> tail(FloatVector xv, boolean gelu) {
    return gelu ? xv.lt(GELU_NEG_SPLIT).or(xv.compare(VectorOperators.GT, GELU_POS_SPLIT)) : xv.abs().lt(ERF_SPLIT).not();
  }

  /** xs = x for the chunk's len elements, and its tail elements to the front of cx, in order; returns how many. */
  private static int copyInCompress(float[] x, int xo, float[] xs, float[] cx, int len, boolean gelu) {
    int count = 0;
    for (int i = 0; i < len; i += VL) {
      VectorMask<Float> in = S.indexInRange(i, len);
      FloatVector xv = FloatVector.fromArray(S, x, xo + i, in);
      xv.intoArray(xs, i);   // lanes past len: 0, never copied out
      VectorMask<Float> m = tail(xv, gelu).and(in);
      xv.compress(m).intoArray(cx, count);   // count <= i: the whole vector stays inside cx
      count += m.trueCount();
    }
    return count;
  }

  /**
   * One call site for every stage class (megamorphic): C2 calls each stage's compiled loop instead of inlining
   * the stages into one method, which would again exceed its node budget, whatever order the JIT compiles them in.
   */
  private static void runStages(Stage[] stages, float[][] s, int full) {
    for (Stage st : stages) st.run(s, full);
  }

  /** xs = x for the chunk's len elements, through masks at the end. */
  private static void copyIn(float[] x, int xo, float[] xs, int len) {
    for (int i = 0; i < len; i += VL) {
      VectorMask<Float> mk = S.indexInRange(i, len);
      FloatVector.fromArray(S, x, xo + i, mk).intoArray(xs, i, mk);
    }
  }

  private static void copyOut(float[] e, float[] d, int dO, int len) {
    for (int i = 0; i < len; i += VL) {
      VectorMask<Float> mk = S.indexInRange(i, len);
      FloatVector.fromArray(S, e, i, mk).intoArray(d, dO + i, mk);
    }
  }

  /** One loop over whole vectors of the scratch arrays. */
  private abstract static class Stage {
    abstract void run(float[][] s, int full);
  }

  /** The erfc stages (over the tail elements' x in s[5]) and the finishing stages (over the chunk's x in s[3]). */
  private static final Stage[] ERF = {new Erfcx(4f, 1f, 0f, 0f, -1f), new Correction(4f, 1f, 0f), new Exp(4f, 1f)};
  private static final Stage[] GELU = {new Erfcx(GELU_AMAX, RSQRT2_F, RSQRT2_LO, -0.5f, 0f), new Correction(GELU_AMAX, RSQRT2_F, RSQRT2_LO),
      new Exp(GELU_AMAX, 0.5f)};
  /** The finishing stages, reading the tails in place ([0]) or compressed ([1]), each alone in an array for runStages. */
  private static final Stage[][] ERF_FINISH = {{new ErfFinish(false)}, {new ErfFinish(true)}},
      GELU_FINISH = {{new GeluFinish(false)}, {new GeluFinish(true)}};

  /**
   * For a = min(|x|, amax) (x in s[5]), t = a (m + mlo) and c = a cA + cB: c erfcx(t) as two floats (s[0] + s[1],
   * exact products of G's value), and erfcx(t) in s[2] for {@link Correction}; erfcx(t) = (1 - y) G(y),
   * y = 1 - 4/(t + 2), G = G0 + G0_LO + y G1(y) summed exactly (|y G1| < G0).
   */
  private static final class Erfcx extends Stage {
    final float amax, m, mlo, cA, cB;

    Erfcx(float amax, float m, float mlo, float cA, float cB) { this.amax = amax; this.m = m; this.mlo = mlo; this.cA = cA; this.cB = cB; }

    @Override void run(float[][] s, int full) {
      float[] xs = s[5], hi = s[0], lo = s[1], k = s[2], ws = s[4];
      for (int i = 0; i < full; i += VL) {
        FloatVector a = FloatVector.fromArray(S, xs, i).abs().min(amax), w = VectorFns.erfcxArgRecip(a, m);
        w.intoArray(ws, i);   // for Correction: its division
        FloatVector y = VectorFns.erfcxArgOf(w), om = y.neg().add(1f), p1 = VectorFns.erfcxG1(y);  // 1 - y is exact
        FloatVector pp = y.mul(p1), gg = pp.add(VectorFns.G0);
        FloatVector glo = pp.sub(gg.sub(VectorFns.G0)).add(y.fma(p1, pp.neg())).add(VectorFns.G0_LO);
        FloatVector r = om.mul(gg), rlo = om.fma(glo, om.fma(gg, r.neg()));
        FloatVector c = a.fma(cA, cB);
        FloatVector cr = c.mul(r);
        cr.intoArray(hi, i);
        c.fma(rlo, c.fma(r, cr.neg())).intoArray(lo, i);
        r.intoArray(k, i);
      }
    }
  }

  /** s[2] = kappa = dt erfcx'/erfcx from erfcx in s[2] and Erfcx's 1/(t + 2) in s[4] (dt: {@link VectorFns#erfcxArgError}). */
  private static final class Correction extends Stage {
    final float amax, m, mlo;

    Correction(float amax, float m, float mlo) { this.amax = amax; this.m = m; this.mlo = mlo; }

    @Override void run(float[][] s, int full) {
      float[] xs = s[5], k = s[2], ws = s[4];
      for (int i = 0; i < full; i += VL) {
        FloatVector a = FloatVector.fromArray(S, xs, i).abs().min(amax), t = a.mul(m);
        FloatVector ratio = t.add(t).sub(FloatVector.broadcast(S, VectorFns.TWO_OVER_SQRTPI).div(FloatVector.fromArray(S, k, i)));
        VectorFns.erfcxArgError(a, m, mlo, FloatVector.fromArray(S, ws, i)).mul(ratio).intoArray(k, i);   // ratio = erfcx'/erfcx
      }
    }
  }

  /** s[0] = (s[0] + s[1]) (1 + s[2]) e^{-a^2 m2}, a = min(|x|, amax): c erfc(t), rounded once. */
  private static final class Exp extends Stage {
    final float amax, m2;

    Exp(float amax, float m2) { this.amax = amax; this.m2 = m2; }

    @Override void run(float[][] s, int full) {
      float[] xs = s[5], hi = s[0], lo = s[1], k = s[2];
      for (int i = 0; i < full; i += VL) {
        FloatVector a = FloatVector.fromArray(S, xs, i).abs().min(amax);
        VectorFns.expTimes(FloatVector.fromArray(S, hi, i), FloatVector.fromArray(S, lo, i), FloatVector.fromArray(S, k, i), a, m2)
            .intoArray(hi, i);
      }
    }
  }

  /**
   * s[4] = erf(x) from s[0] = -erfc|x|, in place or compressed (the tail lanes' values in order, spread back with
   * expand; lanes past the chunk's end hold x = 0, no tail).
   */
  private static final class ErfFinish extends Stage {
    final boolean compressed;

    ErfFinish(boolean compressed) { this.compressed = compressed; }

    @Override void run(float[][] s, int full) {
      float[] xs = s[3], tail = s[0], e = s[4];
      for (int i = 0, at = 0; i < full; i += VL) {
        FloatVector xv = FloatVector.fromArray(S, xs, i), tl;
        VectorMask<Float> small = xv.abs().lt(ERF_SPLIT);
        if (compressed) {
          VectorMask<Float> m = small.not();
          tl = FloatVector.fromArray(S, tail, at).expand(m);
          at += m.trueCount();
        } else {
          tl = FloatVector.fromArray(S, tail, i);
        }
        FloatVector big = tl.add(1f);
        big = (FloatVector) ((IntVector) xv.reinterpretAsInts()).and(0x8000_0000).or((IntVector) big.reinterpretAsInts()).reinterpretAsFloats();
        big.blend(VectorFns.erfSmall(xv), small).intoArray(e, i);
      }
    }
  }

  /** s[4] = gelu(x) from s[0] = -|x|/2 erfc(|x|/sqrt 2), in place or compressed (as {@link ErfFinish}). */
  private static final class GeluFinish extends Stage {
    final boolean compressed;

    GeluFinish(boolean compressed) { this.compressed = compressed; }

    @Override void run(float[][] s, int full) {
      float[] xs = s[3], tail = s[0], e = s[4];
      for (int i = 0, at = 0; i < full; i += VL) {
        FloatVector xv = FloatVector.fromArray(S, xs, i), tl;
        VectorMask<Float> neg = xv.lt(GELU_NEG_SPLIT), pos = xv.compare(VectorOperators.GT, GELU_POS_SPLIT);
        if (compressed) {
          VectorMask<Float> m = neg.or(pos);
          tl = FloatVector.fromArray(S, tail, at).expand(m);
          at += m.trueCount();
        } else {
          tl = FloatVector.fromArray(S, tail, i);
        }
        FloatVector hx = xv.mul(0.5f);
        FloatVector g = hx.fma(VectorFns.erfSmall(xv.mul(RSQRT2_F)), hx);
        g = g.blend(tl, neg).blend(xv.add(tl), pos);
        g = g.blend(hx, xv.abs().lt(0x1p-30f)).blend(xv, xv.compare(VectorOperators.GT, 8f));
        g.blend(xv.mul(0f), xv.lt(-GELU_AMAX)).intoArray(e, i);
      }
    }
  }
}
