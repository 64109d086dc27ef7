package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp, tanh, log, sigmoid and erf's parts on whole float vectors from IEEE-exact lane operations only (add, mul, fma, div, bit
 * moves, blends), so every JIT tier gives the same bits. The JDK's {@code lanewise(EXP/TANH/LOG)} does not: C2 calls Intel's SVML,
 * the interpreter and C1 compute each lane with {@code java.lang.Math}, and the two differ in the last bit for a
 * few percent of inputs, so results would change when a loop gets compiled.
 *
 * <p>Float exp follows SLEEF's {@code expf_u10} (Cody-Waite reduction, degree-6 polynomial, two-step scaling
 * for subnormal results), max error 1 ulp. Each method's bytecode stays under C2's size limit for inlining hot
 * calls (325 bytes; tanhf is 318, logf 291): a vector method that is not inlined boxes every vector it passes.
 * erf and GELU need more than C2 inlines into one loop; {@link ErfLoops} runs their parts here as separate loops.
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

  /**
   * sigmoid(x) = 1 / (1 + e^-x) as PyTorch 1.13's vectorised CPU kernel computes it, operation for operation:
   * {@link #expfSleef} of the negated input, plus one, then a float division (so a very negative x gives
   * 1 / inf = 0). Bit-identical to ATen's vector lanes (checked against PyTorch in {@code SigmoidGoldenTest}).
   */
  static FloatVector sigmoidf(FloatVector v) {
    FloatVector one = FloatVector.broadcast(v.species(), 1f);
    return one.div(expfSleef(v.neg()).add(one));
  }

  /** {@link #sigmoidf} for one float, the same operations in scalar form (so the same bits on every JIT tier). */
  static float sigmoidScalar(float x) {
    float d = -x;
    if (Float.isNaN(d)) return d;
    return 1f / (expfSleefScalar(d) + 1f);
  }

  /**
   * {@link #expfSleef} for one float, the same operations in scalar form: the same bits as a lane. For the few
   * elements past a run's last whole vector, where a masked vector access past the array's end can allocate its
   * mask (a C2 decision per JVM) and a vector passed to a call C2 did not inline is boxed.
   */
  static float expfSleefScalar(float d) {
    if (Float.isNaN(d)) return d;
    if (d < EXP_LO) return 0f;
    if (d > EXP_HI) return Float.POSITIVE_INFINITY;
    float q = (float) Math.rint(d * LOG2E_F);
    int qi = (int) q;
    float s = Math.fma(q, -L2U_F, d);
    s = Math.fma(q, -L2L_F, s);
    float u = Math.fma(0.000198527617612853646278381f, s, 0.00139304355252534151077271f);
    u = Math.fma(u, s, 0.00833336077630519866943359f);
    u = Math.fma(u, s, 0.0416664853692054748535156f);
    u = Math.fma(u, s, 0.166666671633720397949219f);
    u = Math.fma(u, s, 0.5f);
    u = Math.fma(s * s, u, s) + 1f;
    int q1 = qi >> 1;
    return u * Float.intBitsToFloat((q1 + 127) << 23) * Float.intBitsToFloat((qi - q1 + 127) << 23);
  }

  private static final float EXP_LO = -104f, EXP_HI = 100f;

  /**
   * e^d exactly as SLEEF 3's {@code expf_u10} with FMA (what PyTorch 1.13's {@code Vectorized<float>::exp}
   * calls): q = rint(d * log2 e) from a rounded product (no fma), two-part Cody-Waite reduction, the degree-5
   * polynomial by fma, u = 1 + fma(s^2, u, s), u * 2^(q>>1) * 2^(q-(q>>1)); d < -104 gives 0, d > 100 gives
   * +inf, NaN stays NaN. The input is clamped first only so that the reduction stays in range; the clamped
   * lanes are overwritten.
   */
  static FloatVector expfSleef(FloatVector d) {
    var sp = d.species();
    FloatVector dc = d.max(EXP_LO - 1f).min(EXP_HI + 1f);                 // NaN passes through max/min
    FloatVector t = dc.mul(LOG2E_F).add(RND_F);                            // rint(d * log2 e) in the low bits
    FloatVector q = t.sub(RND_F);
    IntVector qi = ((IntVector) t.reinterpretAsInts()).sub(RND_F_BITS);
    FloatVector s = q.fma(FloatVector.broadcast(sp, -L2U_F), dc);
    s = q.fma(FloatVector.broadcast(sp, -L2L_F), s);
    FloatVector u = FloatVector.broadcast(sp, 0.000198527617612853646278381f).fma(s, FloatVector.broadcast(sp, 0.00139304355252534151077271f))
        .fma(s, FloatVector.broadcast(sp, 0.00833336077630519866943359f))
        .fma(s, FloatVector.broadcast(sp, 0.0416664853692054748535156f))
        .fma(s, FloatVector.broadcast(sp, 0.166666671633720397949219f))
        .fma(s, FloatVector.broadcast(sp, 0.5f));
    u = s.mul(s).fma(u, s).add(1f);
    IntVector q1 = qi.lanewise(VectorOperators.ASHR, 1), q2 = qi.sub(q1);
    FloatVector p1 = (FloatVector) q1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    FloatVector p2 = (FloatVector) q2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    u = u.mul(p1).mul(p2);
    u = u.blend(0f, d.lt(EXP_LO));
    return u.blend(Float.POSITIVE_INFINITY, d.compare(VectorOperators.GT, EXP_HI));
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

  static final float TWO_OVER_SQRTPI = (float) 1.12837916709551257390;


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


  /** y = 1 - 4/(t + 2) for t = a m, rounded: {@link #erfcxG}'s variable, in [-0.71, 0.69] for t in [0.35, 10.5]. */
  static FloatVector erfcxArg(FloatVector a, float m) { return erfcxArgOf(erfcxArgRecip(a, m)); }

  /** w = 1/(a m + 2), rounded: {@link #erfcxArg} is {@link #erfcxArgOf}(w). */
  static FloatVector erfcxArgRecip(FloatVector a, float m) { return FloatVector.broadcast(a.species(), 1f).div(a.mul(m).add(2f)); }

  /** y = 1 - 4 w. */
  static FloatVector erfcxArgOf(FloatVector w) { return w.mul(-4f).add(1f); }

  /**
   * dt = t - t_y with t = a (m + mlo) exactly and t_y the argument y = {@link #erfcxArg} stands for exactly
   * (y = 1 - 4/(t_y + 2)), from the exact residuals of a m, t + 2, 1/(t + 2) and 1 - 4w, to first order.
   */
  static FloatVector erfcxArgError(FloatVector a, float m, float mlo) {
    return erfcxArgError(a, m, mlo, FloatVector.broadcast(a.species(), 1f).div(a.mul(m).add(2f)));
  }

  /** {@link #erfcxArgError} given w = 1/(a m + 2), the value {@link #erfcxArg} divided for (one division fewer). */
  static FloatVector erfcxArgError(FloatVector a, float m, float mlo, FloatVector w) {
    var sp = a.species();
    FloatVector t = a.mul(m);
    FloatVector tlo = a.fma(FloatVector.broadcast(sp, m), t.neg()).add(a.mul(mlo));  // a (m + mlo) - t
    FloatVector d = t.add(2f), bb = d.sub(t);
    FloatVector dlo = t.sub(d.sub(bb)).add(bb.neg().add(2f));                          // t + 2 = d + dlo
    FloatVector w4 = w.mul(4f), y = w4.neg().add(1f);
    FloatVector rho = dlo.neg().fma(w, w.neg().fma(d, FloatVector.broadcast(sp, 1f))); // 1/(t + 2) = w (1 + rho)
    rho = y.neg().add(1f).sub(w4).mul(-0.25f).fma(d, rho);                               // and (1 - y)/4 = that (1 - rho)
    return rho.neg().fma(d, tlo);
  }

  /** G's constant term in two floats: G(y) = G0 + G0_LO + y {@link #erfcxG1}(y). */
  static final float G0 = 0.25539568066596985f, G0_LO = -4.423957200572204e-09f;

  /**
   * G(y) = erfcx(t) / (1 - y) = G0 + y G1(y), y = 1 - 4/(t + 2), G of degree 10 fitted for relative error
   * (0.02 x 2^-24, its constant term in two floats) for t in [0.35, 10.5] (bench/python/fit_erf.py); this is G1. G goes from 0.42 to 0.17 there, so
   * its float evaluation loses little, where erfcx itself, down to 0.05, would lose several ulps to cancellation.
   */
  static FloatVector erfcxG1(FloatVector y) {
    var sp = y.species();
    return y.fma(FloatVector.broadcast(sp, 2.789869722619187e-05f), FloatVector.broadcast(sp, 1.6826559658511542e-05f))
        .fma(y, FloatVector.broadcast(sp, -0.0001612059131730348f))
        .fma(y, FloatVector.broadcast(sp, -0.0002132272202288732f))
        .fma(y, FloatVector.broadcast(sp, 0.0007715291576460004f))
        .fma(y, FloatVector.broadcast(sp, 0.0016207150183618069f))
        .fma(y, FloatVector.broadcast(sp, -0.005377552937716246f))
        .fma(y, FloatVector.broadcast(sp, -0.009110655635595322f))
        .fma(y, FloatVector.broadcast(sp, 0.06986802071332932f))
        .fma(y, FloatVector.broadcast(sp, -0.17179016768932343f));
  }

  /**
   * (c + clo) (1 + kappa) e^{-a^2 m2} with m2 a power of two: a^2 split exactly into h + l, e^{-h} = 2^q (1 + v)
   * reduced as in {@link #expf} (q h's ln 2 multiple, |s| <= ln2/2, v = s + s^2 U(s)), l and kappa (both tiny) as
   * the factor 1 + k, then c (1 + v) (1 + k) + clo summed in two floats and rounded once, and the 2^q scaling in
   * two steps, so a subnormal result is rounded once more only there.
   * a^2 m2 <= 110.25 (q >= -160).
   */
  static FloatVector expTimes(FloatVector c, FloatVector clo, FloatVector kappa, FloatVector a, float m2) {
    var sp = a.species();
    FloatVector h = a.mul(a), l = a.fma(a, h.neg()).mul(m2);
    h = h.mul(m2);
    FloatVector t = h.fma(-LOG2E_F, RND_F);
    FloatVector q = t.sub(RND_F);                                          // rint(-h / ln 2)
    FloatVector s = q.fma(FloatVector.broadcast(sp, -L2U_F), h.neg());    // exact
    s = q.fma(FloatVector.broadcast(sp, -L2L_F), s);
    FloatVector k = kappa.sub(l);                                          // e^{s - l} (1 + kappa) = (1 + v) (1 + k)
    FloatVector u = s.fma(0.000198527617612853646278381f, 0.00139304355252534151077271f)
        .fma(s, FloatVector.broadcast(sp, 0.00833336077630519866943359f))
        .fma(s, FloatVector.broadcast(sp, 0.0416664853692054748535156f))
        .fma(s, FloatVector.broadcast(sp, 0.166666671633720397949219f))
        .fma(s, FloatVector.broadcast(sp, 0.5f));
    // c (1 + v) (1 + k) + clo, v = s + s^2 u: c + c s exactly as hi + lo (c s by fma, the sum by Fast2Sum,
    // |s| < 1/2), the rest (c s^2 u < c/16, c k (1 + v), clo) added to lo, then hi + lo rounded once
    FloatVector s2u = s.mul(s).mul(u), cs = c.mul(s), hi = c.add(cs);
    FloatVector lo = cs.sub(hi.sub(c)).add(c.fma(s, cs.neg()));
    lo = c.fma(k.fma(s.add(s2u), k), c.fma(s2u, clo.add(lo)));
    return times2q(hi.add(lo), t);
  }

  /** y 2^q, q = the low bits of t (as {@link #expf} leaves them) in two steps: one rounding if the result is subnormal. */
  private static FloatVector times2q(FloatVector y, FloatVector t) {
    IntVector qi = ((IntVector) t.reinterpretAsInts()).sub(RND_F_BITS);
    IntVector q1 = qi.lanewise(VectorOperators.ASHR, 1), q2 = qi.sub(q1);
    FloatVector p1 = (FloatVector) q1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    FloatVector p2 = (FloatVector) q2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return y.mul(p1).mul(p2);
  }


}
