package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * erf, the exact GELU and GELU's backward in float lanes, run as three loops over chunks of 256 elements with
 * this thread's scratch arrays between them: erfc's argument and erfcx ({@link #erfcxStage}), e^{-t^2} and the
 * products ({@link #expStage}), then the small-argument polynomial and the blends. One loop over the whole
 * computation is more than C2 inlines into one method (its parse node budget, NodeCountInliningCutoff): the part
 * it leaves out becomes a call that boxes every vector, several times slower. Each loop calls its functions from
 * one site (every vector loaded and stored through a mask, all set but at the end), so each is inlined once.
 * Lanes are independent: an element's bits depend neither on its place in a run nor on the chunking.
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
  /** Per thread: c erfcx hi, lo, the correction kappa (then the tail), x / sqrt 2 and erf for the backward. */
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[5][CHUNK]);

  static final float ERF_SPLIT = 0.875f;
  static final float GELU_NEG_SPLIT = -0.495f, GELU_POS_SPLIT = 1.4142135f;
  /** |x| / sqrt 2 is held at 10.5 (|x| at 14.849242): GELU's tail underflows to -0 from |x| = 14.1. */
  static final float GELU_AMAX = 14.849242f;
  static final float RSQRT2_F = (float) 0.70710678118654752440, RSQRT2_LO = (float) (0.70710678118654752440 - RSQRT2_F);

  /** d = erf(x). */
  static void erf(float[] x, int xo, float[] d, int dO, int n) {
    float[][] s = SCRATCH.get();
    for (int c = 0; c < n; c += CHUNK) {
      int len = Math.min(CHUNK, n - c);
      erfcxStage(x, xo + c, 4f, 1f, 0f, 0f, -1f, s, len);
      expStage(x, xo + c, 4f, 1f, s, len);
      erfFinish(x, xo + c, s[0], d, dO + c, len);
    }
  }

  /** d = gelu(x), the exact form. */
  static void gelu(float[] x, int xo, float[] d, int dO, int n) {
    float[][] s = SCRATCH.get();
    for (int c = 0; c < n; c += CHUNK) {
      int len = Math.min(CHUNK, n - c);
      erfcxStage(x, xo + c, GELU_AMAX, RSQRT2_F, RSQRT2_LO, -0.5f, 0f, s, len);
      expStage(x, xo + c, GELU_AMAX, 0.5f, s, len);
      geluFinish(x, xo + c, s[0], d, dO + c, len);
    }
  }

  /** M_SQRT1_2 and M_2_SQRTPI * M_SQRT1_2 * 0.5 as float, as the derivative rule's float scalars. */
  private static final float ALPHA = (float) 0.70710678118654752440, BETA = (float) 0.39894228040143267794;

  /** d = g * ((erf(x * alpha) + 1) * 0.5 + x * (exp(x * x * -0.5) * beta)), op for op the derivative rule's. */
  static void geluBackward(float[] g, int go, float[] x, int xo, float[] d, int dO, int n) {
    float[][] s = SCRATCH.get();
    float[] z = s[3], e = s[4];
    for (int c = 0; c < n; c += CHUNK) {
      int len = Math.min(CHUNK, n - c);
      for (int i = 0; i < len; i += VL) {
        VectorMask<Float> m = S.indexInRange(i, len);
        FloatVector.fromArray(S, x, xo + c + i, m).mul(ALPHA).intoArray(z, i, m);
      }
      erfcxStage(z, 0, 4f, 1f, 0f, 0f, -1f, s, len);
      expStage(z, 0, 4f, 1f, s, len);
      erfFinish(z, 0, s[0], e, 0, len);
      for (int i = 0; i < len; i += VL) {
        VectorMask<Float> m = S.indexInRange(i, len);
        FloatVector xv = FloatVector.fromArray(S, x, xo + c + i, m);
        FloatVector cdf = FloatVector.fromArray(S, e, i, m).add(1f).mul(0.5f);
        FloatVector pdf = VectorFns.expf(xv.mul(xv).mul(-0.5f)).mul(BETA);
        FloatVector.fromArray(S, g, go + c + i, m).mul(cdf.add(xv.mul(pdf))).intoArray(d, dO + c + i, m);
      }
    }
  }

  /**
   * For a = min(|x|, amax), t = a (m + mlo) and c = a cA + cB: c erfcx(t) as two floats (s[0] + s[1], exact
   * products of G's value) and the relative correction kappa = dt erfcx'/erfcx for y's roundings (s[2]);
   * erfcx(t) = (1 - y) G(y), y = 1 - 4/(t + 2), G = G0 + G0_LO + y G1(y) summed exactly (|y G1| < G0).
   * Two loops, two methods (the correction in {@link #correctionStage}, from erfcx left in s[2]): one is more
   * than C2 inlines.
   */
  private static void erfcxStage(float[] x, int xo, float amax, float m, float mlo, float cA, float cB, float[][] s, int len) {
    float[] hi = s[0], lo = s[1], k = s[2];
    for (int i = 0; i < len; i += VL) {
      VectorMask<Float> mk = S.indexInRange(i, len);
      FloatVector a = FloatVector.fromArray(S, x, xo + i, mk).abs().min(amax);
      FloatVector y = VectorFns.erfcxArg(a, m), om = y.neg().add(1f), p1 = VectorFns.erfcxG1(y);  // 1 - y is exact
      FloatVector pp = y.mul(p1), gg = pp.add(VectorFns.G0);
      FloatVector glo = pp.sub(gg.sub(VectorFns.G0)).add(y.fma(p1, pp.neg())).add(VectorFns.G0_LO);
      FloatVector r = om.mul(gg), rlo = om.fma(glo, om.fma(gg, r.neg()));
      FloatVector c = a.fma(cA, cB);
      FloatVector cr = c.mul(r);
      cr.intoArray(hi, i, mk);
      c.fma(rlo, c.fma(r, cr.neg())).intoArray(lo, i, mk);
      r.intoArray(k, i, mk);
    }
    correctionStage(x, xo, amax, m, mlo, k, len);
  }

  /** k = kappa = dt erfcx'/erfcx from erfcx in k (dt: {@link VectorFns#erfcxArgError}). */
  private static void correctionStage(float[] x, int xo, float amax, float m, float mlo, float[] k, int len) {
    for (int i = 0; i < len; i += VL) {
      VectorMask<Float> mk = S.indexInRange(i, len);
      FloatVector a = FloatVector.fromArray(S, x, xo + i, mk).abs().min(amax), t = a.mul(m);
      FloatVector ratio = t.add(t).sub(FloatVector.broadcast(S, VectorFns.TWO_OVER_SQRTPI).div(FloatVector.fromArray(S, k, i, mk)));
      VectorFns.erfcxArgError(a, m, mlo).mul(ratio).intoArray(k, i, mk);   // ratio = erfcx'/erfcx
    }
  }

  /** s[0] = (s[0] + s[1]) (1 + s[2]) e^{-a^2 m2}, a = min(|x|, amax): c erfc(t), rounded once. */
  private static void expStage(float[] x, int xo, float amax, float m2, float[][] s, int len) {
    float[] hi = s[0], lo = s[1], k = s[2];
    for (int i = 0; i < len; i += VL) {
      VectorMask<Float> mk = S.indexInRange(i, len);
      FloatVector a = FloatVector.fromArray(S, x, xo + i, mk).abs().min(amax);
      VectorFns.expTimes(FloatVector.fromArray(S, hi, i, mk), FloatVector.fromArray(S, lo, i, mk), FloatVector.fromArray(S, k, i, mk), a, m2)
          .intoArray(hi, i, mk);
    }
  }

  /** d = erf(x) from tail = -erfc|x|. */
  private static void erfFinish(float[] x, int xo, float[] tail, float[] d, int dO, int len) {
    for (int i = 0; i < len; i += VL) {
      VectorMask<Float> mk = S.indexInRange(i, len);
      FloatVector xv = FloatVector.fromArray(S, x, xo + i, mk);
      FloatVector big = FloatVector.fromArray(S, tail, i, mk).add(1f);
      big = (FloatVector) ((IntVector) xv.reinterpretAsInts()).and(0x8000_0000).or((IntVector) big.reinterpretAsInts()).reinterpretAsFloats();
      big.blend(VectorFns.erfSmall(xv), xv.abs().lt(ERF_SPLIT)).intoArray(d, dO + i, mk);
    }
  }

  /** d = gelu(x) from tail = -|x|/2 erfc(|x|/sqrt 2). */
  private static void geluFinish(float[] x, int xo, float[] tail, float[] d, int dO, int len) {
    for (int i = 0; i < len; i += VL) {
      VectorMask<Float> mk = S.indexInRange(i, len);
      FloatVector xv = FloatVector.fromArray(S, x, xo + i, mk), tl = FloatVector.fromArray(S, tail, i, mk);
      FloatVector hx = xv.mul(0.5f);
      FloatVector g = hx.fma(VectorFns.erfSmall(xv.mul(RSQRT2_F)), hx);
      g = g.blend(tl, xv.lt(GELU_NEG_SPLIT)).blend(xv.add(tl), xv.compare(VectorOperators.GT, GELU_POS_SPLIT));
      g = g.blend(hx, xv.abs().lt(0x1p-30f)).blend(xv, xv.compare(VectorOperators.GT, 8f));
      g.blend(xv.mul(0f), xv.lt(-GELU_AMAX)).intoArray(d, dO + i, mk);
    }
  }
}
