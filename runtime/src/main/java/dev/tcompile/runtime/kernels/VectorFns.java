package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp, tanh, log, sigmoid and erf on whole float vectors from IEEE-exact lane operations only (add, mul, fma, div, bit
 * moves, blends), so every JIT tier gives the same bits. The JDK's {@code lanewise(EXP/TANH/LOG)} does not: C2 calls Intel's SVML,
 * the interpreter and C1 compute each lane with {@code java.lang.Math}, and the two differ in the last bit for a
 * few percent of inputs, so results would change when a loop gets compiled.
 *
 * <p>Float exp follows SLEEF's {@code expf_u10} (Cody-Waite reduction, degree-6 polynomial, two-step scaling
 * for subnormal results), max error 1 ulp. Each method's bytecode stays under C2's size limit for inlining hot
 * calls (325 bytes; tanhf is 318, logf 291): a vector method that is not inlined boxes every vector it passes. GELU, evaluated in double lanes,
 * is written out in its loop in {@link VectorMath} for that reason.
 */
final class VectorFns {
  private VectorFns() {}

  private static final float LOG2E_F = 1.442695040888963407359924681001892137f;
  private static final float L2U_F = 0.693145751953125f, L2L_F = 1.428606765330187045e-06f;
  /** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer, left in the low mantissa bits. */
  private static final float RND_F = 12582912f;
  private static final int RND_F_BITS = Float.floatToRawIntBits(RND_F);

  /** tanh switches from the odd polynomial to the exp form at |x| = TANH_SPLIT. */
  static final float TANH_SPLIT = 0.875f;
  /** 1.5 * 2^23 + 127: adding it leaves rint(y) + 127 in the low mantissa bits, i.e. the exponent field of 2^rint(y). */
  private static final float RND_F_127 = 12583039f;

  /**
   * tanh x in float lanes, max error 1 ulp (checked on every positive float below 9.5: odd, so that covers all).
   * |x| < 0.875: x + x^3 P(x^2), P of degree 6 fitted for relative error (0.012 ulp) by linear programming on
   * [0, 0.875] (bench/python/fit_tanh.py); the only rounding that matters is the final fma's. Else
   * sign(x) (1 - 2 / (e^{2|x|} + 1)) with |x| held at 9.1 (tanh rounds to 1 from 9.01): 1 - q with q <= 0.3,
   * so e^{2|x|}'s error (Cody-Waite reduction, degree-6 polynomial, one scaling: 2|x| <= 18.2) reaches the
   * result scaled by q. Both forms are evaluated and blended: no branch, the same bits on every JIT tier.
   */
  static FloatVector tanhf(FloatVector x) {
    var sp = x.species();
    FloatVector a = x.abs(), z = x.mul(x);
    FloatVector p = z.fma(FloatVector.broadcast(sp, -0.00048240978503599763f), FloatVector.broadcast(sp, 0.0026509887538850307f))
        .fma(z, FloatVector.broadcast(sp, -0.008331920020282269f))
        .fma(z, FloatVector.broadcast(sp, 0.02169603295624256f))
        .fma(z, FloatVector.broadcast(sp, -0.053937166929244995f))
        .fma(z, FloatVector.broadcast(sp, 0.13333064317703247f))
        .fma(z, FloatVector.broadcast(sp, -0.33333325386047363f));
    FloatVector small = x.mul(z).fma(p, x);
    FloatVector y = a.min(9.1f);
    y = y.add(y);
    FloatVector t = y.fma(LOG2E_F, RND_F_127);
    FloatVector q = t.sub(RND_F_127);                                      // rint(y / ln 2), 0..27
    FloatVector s = q.fma(FloatVector.broadcast(sp, -L2U_F), y);
    s = q.fma(FloatVector.broadcast(sp, -L2L_F), s);
    FloatVector u = s.fma(FloatVector.broadcast(sp, 0.0013813530094921589f), FloatVector.broadcast(sp, 0.008368724025785923f))
        .fma(s, FloatVector.broadcast(sp, 0.04166840389370918f))
        .fma(s, FloatVector.broadcast(sp, 0.1666652113199234f))
        .fma(s, FloatVector.broadcast(sp, 0.4999999403953552f));
    u = s.mul(s).fma(u, s.add(1f));
    // the low 9 bits of t are 127 + q; shifted into place they are the bits of 2^q (the rest shifts out)
    FloatVector e = u.mul((FloatVector) ((IntVector) t.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    FloatVector big = FloatVector.broadcast(sp, 2f).div(e.add(1f)).neg().add(1f);
    big = (FloatVector) ((IntVector) x.reinterpretAsInts()).and(0x8000_0000).or((IntVector) big.reinterpretAsInts()).reinterpretAsFloats();
    return big.blend(small, a.lt(TANH_SPLIT));
  }

  private static final float LN2_HI_F = 6.9313812256e-01f, LN2_LO_F = 9.0580006145e-06f;

  /**
   * log x in float lanes, max error 1 ulp (checked on every positive float), FreeBSD's e_logf.c without its
   * branches: x = m 2^k with m in [sqrt(1/2), sqrt 2) (subnormals scaled by 2^23 first), f = m - 1 (exact),
   * s = f / (2 + f), log(1 + f) = f - (f^2/2 - s (f^2/2 + R(s^2))) with R of degree 8 in s (error 2^-34),
   * k ln 2 added in two parts. x < 0 and NaN give NaN, +-0 gives -inf, +inf gives +inf.
   */
  static FloatVector logf(FloatVector x) {
    var sp = x.species();
    VectorMask<Float> tiny = x.lt(0x1p-126f);
    FloatVector xs = x.blend(x.mul(0x1p23f), tiny);
    IntVector ix = ((IntVector) xs.reinterpretAsInts()).add(0x3f80_0000 - 0x3f35_04f3);
    FloatVector dk = ((FloatVector) ix.lanewise(VectorOperators.ASHR, 23).sub(127).convert(VectorOperators.I2F, 0))
        .sub(FloatVector.zero(sp).blend(23f, tiny));
    FloatVector f = ((FloatVector) ix.and(0x007f_ffff).add(0x3f35_04f3).reinterpretAsFloats()).sub(1f);
    FloatVector s = f.div(f.add(2f)), z = s.mul(s), w = z.mul(z);
    FloatVector r = w.fma(FloatVector.broadcast(sp, 0.24279078841f), FloatVector.broadcast(sp, 0.40000972152f)).mul(w)
        .add(w.fma(FloatVector.broadcast(sp, 0.28498786688f), FloatVector.broadcast(sp, 0.66666662693f)).mul(z));
    FloatVector hfsq = f.mul(f).mul(0.5f);
    FloatVector lo = hfsq.sub(s.fma(hfsq.add(r), dk.mul(LN2_LO_F))).sub(f);
    FloatVector y = dk.fma(FloatVector.broadcast(sp, LN2_HI_F), lo.neg());
    y = y.blend(Float.NaN, x.lt(0f).or(x.test(VectorOperators.IS_NAN)));
    y = y.blend(Float.NEGATIVE_INFINITY, x.eq(0f));
    return y.blend(Float.POSITIVE_INFINITY, x.eq(Float.POSITIVE_INFINITY));
  }

  /** sigmoid(x) = 1 / (1 + exp(-x)), computed as {@code t/(1+t)} with {@code t = exp(x)} for x < 0 (no overflow); 2 ulp. */
  static FloatVector sigmoidf(FloatVector v) {
    FloatVector one = FloatVector.broadcast(v.species(), 1f);
    FloatVector t = expf(v.abs().neg());        // exp(-|x|) in (0, 1]
    return one.blend(t, v.lt(0f)).div(one.add(t));
  }

  /** e^x in float lanes; NaN stays NaN, overflow gives +inf, underflow 0. */
  static FloatVector expf(FloatVector x) {
    FloatVector xc = x.max(-104f).min(89f);                               // NaN passes through max/min
    FloatVector t = xc.fma(LOG2E_F, RND_F);
    FloatVector q = t.sub(RND_F);                                         // rint(x / ln 2)
    IntVector qi = ((IntVector) t.reinterpretAsInts()).sub(RND_F_BITS);
    FloatVector s = q.fma(FloatVector.broadcast(q.species(), -L2U_F), xc);
    s = q.fma(FloatVector.broadcast(q.species(), -L2L_F), s);
    FloatVector u = s.fma(0.000198527617612853646278381f, 0.00139304355252534151077271f)
        .fma(s, FloatVector.broadcast(s.species(), 0.00833336077630519866943359f))
        .fma(s, FloatVector.broadcast(s.species(), 0.0416664853692054748535156f))
        .fma(s, FloatVector.broadcast(s.species(), 0.166666671633720397949219f))
        .fma(s, FloatVector.broadcast(s.species(), 0.5f));
    u = s.mul(s).fma(u, s.add(1f));
    // u * 2^q in two steps, so that neither factor overflows and a subnormal result is rounded once
    IntVector q1 = qi.lanewise(VectorOperators.ASHR, 1), q2 = qi.sub(q1);
    FloatVector p1 = (FloatVector) q1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    FloatVector p2 = (FloatVector) q2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return u.mul(p1).mul(p2);
  }

  /** erf switches from {@link #erfSmall} to 1 - erfc at |x| = ERF_SPLIT. */
  static final float ERF_SPLIT = 0.875f;
  private static final float TWO_OVER_SQRTPI = (float) 1.12837916709551257390;

  /**
   * erf x in float lanes, max error 1 ulp (checked on every positive float below 4: odd, so that covers all).
   * |x| < 0.875: {@link #erfSmall}; else 1 - erfc|x| with erfc from {@link #erfcx} and {@link #expTimes} (its error,
   * about 1 ulp of erfc <= 0.22, is a quarter of that in the result). |x| is held at 4, where erf rounds to 1.
   * Both forms are evaluated and blended: no branch, the same bits on every JIT tier.
   */
  static FloatVector erff(FloatVector x) {
    FloatVector a = x.abs(), ac = a.min(4f);
    FloatVector big = expTimes(erfcx(ac, 1f, 0f).neg(), ac, 1f).add(1f);
    big = (FloatVector) ((IntVector) x.reinterpretAsInts()).and(0x8000_0000).or((IntVector) big.reinterpretAsInts()).reinterpretAsFloats();
    return big.blend(erfSmall(x), a.lt(ERF_SPLIT));
  }

  /**
   * erf x = x + x P(x^2) for |x| <= 1, P of degree 7 fitted for relative error (0.05 x 2^-24) on [0, 1]
   * (bench/python/fit_erf.py), x^2's rounding corrected to first order; about 0.5 ulp; keeps -0 and NaN.
   */
  static FloatVector erfSmall(FloatVector x) {
    var sp = x.species();
    FloatVector s = x.mul(x);
    FloatVector p = s.fma(FloatVector.broadcast(sp, -9.769600183062721e-06f), FloatVector.broadcast(sp, 0.00011299652396701276f))
        .fma(s, FloatVector.broadcast(sp, -0.0008488402818329632f))
        .fma(s, FloatVector.broadcast(sp, 0.005221304949373007f))
        .fma(s, FloatVector.broadcast(sp, -0.02686551958322525f))
        .fma(s, FloatVector.broadcast(sp, 0.11283783614635468f))
        .fma(s, FloatVector.broadcast(sp, -0.37612637877464294f))
        .fma(s, FloatVector.broadcast(sp, 0.12837916612625122f));
    // x^2's rounding would move P by up to 0.7 ulp near 1.25: add back P'(s) times the exact residual
    FloatVector sl = x.fma(x, s.neg());
    p = sl.fma(s.fma(FloatVector.broadcast(sp, -0.08067287f), FloatVector.broadcast(sp, 0.22567391f))
        .fma(s, FloatVector.broadcast(sp, -0.37612632f)), p);
    return x.fma(p, x);
  }

  /**
   * erfcx t = erfc(t) e^{t^2} for t = a (m + mlo) in [0.35, 10.5], as R(y), y = 1 - 4 / (t + 2) in [-0.71, 0.69],
   * R of degree 9 fitted for relative error (0.3 x 2^-24; bench/python/fit_erf.py). The roundings of t, t + 2,
   * 1/(t + 2) and y would each move R by up to a few 2^-25 (R varies like 1/t), so their exact residuals go back
   * in through erfcx' = 2t erfcx - 2/sqrt(pi).
   */
  static FloatVector erfcx(FloatVector a, float m, float mlo) {
    var sp = a.species();
    FloatVector t = a.mul(m);
    FloatVector tlo = a.fma(FloatVector.broadcast(sp, m), t.neg()).add(a.mul(mlo));  // a (m + mlo) - t
    FloatVector d = t.add(2f), bb = d.sub(t);
    FloatVector dlo = t.sub(d.sub(bb)).add(bb.neg().add(2f));                          // t + 2 = d + dlo
    FloatVector w = FloatVector.broadcast(sp, 1f).div(d), w4 = w.mul(4f), y = w4.neg().add(1f);
    FloatVector rho = dlo.neg().fma(w, w.neg().fma(d, FloatVector.broadcast(sp, 1f))); // 1/(t + 2) = w (1 + rho)
    rho = y.neg().add(1f).sub(w4).mul(-0.25f).fma(d, rho);                               // y's own rounding
    FloatVector dt = rho.neg().fma(d, tlo);                                             // R(y) = erfcx(t - dt)
    FloatVector p = y.fma(FloatVector.broadcast(sp, 0.00013872713316231966f), FloatVector.broadcast(sp, 6.684441905235872e-05f))
        .fma(y, FloatVector.broadcast(sp, -0.0009639449999667704f))
        .fma(y, FloatVector.broadcast(sp, -0.0008565381285734475f))
        .fma(y, FloatVector.broadcast(sp, 0.006993196438997984f))
        .fma(y, FloatVector.broadcast(sp, 0.0037347455509006977f))
        .fma(y, FloatVector.broadcast(sp, -0.07897812873125076f))
        .fma(y, FloatVector.broadcast(sp, 0.2416580319404602f))
        .fma(y, FloatVector.broadcast(sp, -0.42718586325645447f))
        .fma(y, FloatVector.broadcast(sp, 0.25539568066596985f));
    return t.add(t).fma(p, FloatVector.broadcast(sp, -TWO_OVER_SQRTPI)).fma(dt, p);
  }

  /**
   * c e^{-a^2 m2} with m2 a power of two: a^2 split exactly into h + l, e^{-h-l} = 2^q (1 + v) reduced as in
   * {@link #expf} (q h's ln 2 multiple, |s| <= ln2/2, v = s + s^2 U(s)), then c (1 + v) in one fma and the 2^q
   * scaling in two steps, so a subnormal result is rounded once. a^2 m2 <= 110.25 (q >= -160).
   */
  static FloatVector expTimes(FloatVector c, FloatVector a, float m2) {
    var sp = a.species();
    FloatVector h = a.mul(a), l = a.fma(a, h.neg()).mul(m2);
    h = h.mul(m2);
    FloatVector t = h.fma(-LOG2E_F, RND_F);
    FloatVector q = t.sub(RND_F);                                          // rint(-h / ln 2)
    FloatVector s = q.fma(FloatVector.broadcast(sp, -L2U_F), h.neg());    // exact
    s = q.fma(FloatVector.broadcast(sp, -L2L_F), s).sub(l);
    FloatVector u = s.fma(0.000198527617612853646278381f, 0.00139304355252534151077271f)
        .fma(s, FloatVector.broadcast(sp, 0.00833336077630519866943359f))
        .fma(s, FloatVector.broadcast(sp, 0.0416664853692054748535156f))
        .fma(s, FloatVector.broadcast(sp, 0.166666671633720397949219f))
        .fma(s, FloatVector.broadcast(sp, 0.5f));
    FloatVector y = c.fma(s.mul(s).fma(u, s), c);
    IntVector qi = ((IntVector) t.reinterpretAsInts()).sub(RND_F_BITS);
    IntVector q1 = qi.lanewise(VectorOperators.ASHR, 1), q2 = qi.sub(q1);
    FloatVector p1 = (FloatVector) q1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    FloatVector p2 = (FloatVector) q2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return y.mul(p1).mul(p2);
  }
}
