package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp, log and tanh on whole vectors from IEEE-exact lane operations only (add, mul, fma, div, bit moves), so
 * every JIT tier gives the same bits. The JDK's {@code lanewise(EXP/LOG/TANH)} does not: C2 calls Intel's SVML,
 * the interpreter and C1 compute each lane with {@code java.lang.Math}, and the two differ in the last bit for a
 * few percent of inputs, so results would change when a loop gets compiled.
 *
 * <p>Float exp follows SLEEF's {@code expf_u10} (Cody-Waite reduction, degree-6 polynomial, two-step scaling
 * for subnormal results), max error 1 ulp. log and tanh are evaluated in double lanes and rounded once to float,
 * well within 1 ulp; {@link #expD} serves them and the erf-based GELU.
 */
final class VectorFns {
  private VectorFns() {}

  private static final float LOG2E_F = 1.442695040888963407359924681001892137f;
  private static final float L2U_F = 0.693145751953125f, L2L_F = 1.428606765330187045e-06f;
  /** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer, left in the low mantissa bits. */
  private static final float RND_F = 12582912f;
  private static final int RND_F_BITS = Float.floatToRawIntBits(RND_F);

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

  private static final double LOG2E = 1.4426950408889634074, LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
  /** 1.5 * 2^52: the double counterpart of {@link #RND_F}. */
  private static final double RND = 6755399441055744.0;
  private static final long RND_BITS = Double.doubleToRawLongBits(RND);

  /** e^x in double lanes, relative error below 1e-15; NaN stays NaN, x > 709 gives +inf, x < -708 gives 0. */
  static DoubleVector expD(DoubleVector x) {
    DoubleVector xc = x.max(-708.0).min(709.0);
    DoubleVector t = xc.fma(LOG2E, RND);
    DoubleVector n = t.sub(RND);
    LongVector ni = ((LongVector) t.reinterpretAsLongs()).sub(RND_BITS);
    DoubleVector r = n.fma(DoubleVector.broadcast(n.species(), -LN2_HI), xc);
    r = n.fma(DoubleVector.broadcast(n.species(), -LN2_LO), r);                                                // |r| <= 0.347
    // Taylor series to r^12 / 12! (truncation 7e-17 relative at |r| = 0.347)
    DoubleVector p = r.fma(1.0 / 479001600, 1.0 / 39916800);
    p = p.fma(r, DoubleVector.broadcast(r.species(), 1.0 / 3628800));
    p = p.fma(r, DoubleVector.broadcast(r.species(), 1.0 / 362880));
    p = p.fma(r, DoubleVector.broadcast(r.species(), 1.0 / 40320));
    p = p.fma(r, DoubleVector.broadcast(r.species(), 1.0 / 5040));
    p = p.fma(r, DoubleVector.broadcast(r.species(), 1.0 / 720));
    p = p.fma(r, DoubleVector.broadcast(r.species(), 1.0 / 120));
    p = p.fma(r, DoubleVector.broadcast(r.species(), 1.0 / 24));
    p = p.fma(r, DoubleVector.broadcast(r.species(), 1.0 / 6));
    p = p.fma(r, DoubleVector.broadcast(r.species(), 0.5));
    p = p.fma(r, DoubleVector.broadcast(r.species(), 1.0));
    p = p.fma(r, DoubleVector.broadcast(r.species(), 1.0));
    DoubleVector scale = (DoubleVector) ni.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
    DoubleVector e = p.mul(scale);
    e = e.blend(0.0, x.lt(-708.0));
    return e.blend(Double.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 709.0));
  }

  private static final double SQRT2 = 1.41421356237309504880, LN2 = 0.69314718055994530942;
  private static final long MANT = 0x000F_FFFF_FFFF_FFFFL, ONE_BITS = 0x3FF0_0000_0000_0000L, TWO52_BITS = 0x4330_0000_0000_0000L;

  /**
   * log x in double lanes for x read from float (so positive and finite inputs are normal doubles): x = m 2^e
   * with m in [sqrt(1/2), sqrt 2), log m = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.172, series to s^19.
   */
  static DoubleVector logD(DoubleVector x) {
    LongVector bits = (LongVector) x.reinterpretAsLongs();
    LongVector biased = bits.lanewise(VectorOperators.LSHR, 52);         // sign bit set for negatives: masked below
    DoubleVector m = (DoubleVector) bits.and(MANT).or(ONE_BITS).reinterpretAsDoubles();
    // the biased exponent as a double without a long->double conversion: 2^52 + E, exactly, minus 2^52
    DoubleVector e = ((DoubleVector) biased.and(0x7FFL).or(TWO52_BITS).reinterpretAsDoubles()).sub(4503599627370496.0 + 1023);
    VectorMask<Double> big = m.compare(VectorOperators.GT, SQRT2);
    m = m.blend(m.mul(0.5), big);
    e = e.blend(e.add(1.0), big);
    DoubleVector s = m.sub(1.0).div(m.add(1.0)), z = s.mul(s);
    DoubleVector p = z.fma(1.0 / 19, 1.0 / 17);
    p = p.fma(z, DoubleVector.broadcast(z.species(), 1.0 / 15));
    p = p.fma(z, DoubleVector.broadcast(z.species(), 1.0 / 13));
    p = p.fma(z, DoubleVector.broadcast(z.species(), 1.0 / 11));
    p = p.fma(z, DoubleVector.broadcast(z.species(), 1.0 / 9));
    p = p.fma(z, DoubleVector.broadcast(z.species(), 1.0 / 7));
    p = p.fma(z, DoubleVector.broadcast(z.species(), 1.0 / 5));
    p = p.fma(z, DoubleVector.broadcast(z.species(), 1.0 / 3));
    p = p.fma(z, DoubleVector.broadcast(z.species(), 1.0));
    DoubleVector r = e.fma(DoubleVector.broadcast(e.species(), LN2), s.add(s).mul(p));
    r = r.blend(Double.NaN, x.lt(0.0));
    r = r.blend(Double.NEGATIVE_INFINITY, x.eq(0.0));
    r = r.blend(x, x.eq(Double.POSITIVE_INFINITY).or(x.test(VectorOperators.IS_NAN)));
    return r;
  }

  /** tanh x in double lanes: x itself below 2^-12 (keeps -0), else sign(x) (1 - 2 / (e^{2|x|} + 1)), |x| held at 10. */
  static DoubleVector tanhD(DoubleVector x) {
    DoubleVector a = x.abs().min(10.0);
    DoubleVector y = DoubleVector.broadcast(x.species(), 1.0).sub(DoubleVector.broadcast(x.species(), 2.0).div(expD(a.add(a)).add(1.0)));
    y = y.blend(y.neg(), x.lt(0.0));
    return y.blend(x, x.abs().lt(0x1p-12));
  }
}
