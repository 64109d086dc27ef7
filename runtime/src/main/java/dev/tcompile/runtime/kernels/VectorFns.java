package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * exp on whole vectors from IEEE-exact lane operations only (add, mul, fma, div, bit moves), so
 * every JIT tier gives the same bits. The JDK's {@code lanewise(EXP)} does not: C2 calls Intel's SVML,
 * the interpreter and C1 compute each lane with {@code java.lang.Math}, and the two differ in the last bit for a
 * few percent of inputs, so results would change when a loop gets compiled.
 *
 * <p>Float exp follows SLEEF's {@code expf_u10} (Cody-Waite reduction, degree-6 polynomial, two-step scaling
 * for subnormal results), max error 1 ulp. Its bytecode stays under C2's size limit for inlining hot calls (325
 * bytes): a vector method that is not inlined boxes every vector it passes. log, tanh and GELU, evaluated in
 * double lanes, are written out in their loops in {@link VectorMath} for that reason.
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
}
