package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised elementwise float functions over dense runs {@code d[dO..dO+n) = f(x[xo..xo+n))} (in place allowed
 * when {@code d == x && dO == xo}). {@link FloatLoops#unary} sends dense float arrays here.
 *
 * <p>exp, log, tanh and sigmoid come from {@link VectorFns} (IEEE-exact lane operations only), not from the JDK's
 * {@code lanewise(EXP/LOG/TANH)}: those are SVML calls once C2 compiles the loop but {@code java.lang.Math} per
 * lane before, and the two differ in the last bit, so a training run would depend on when the JIT kicked in.
 * GELU (the exact, erf-based one) is evaluated in double lanes with W. J. Cody's rational erf/erfc
 * approximations, using erfc for negative inputs so the tail keeps full relative accuracy; the result is rounded
 * once to float. Error bounds against correctly rounded results, checked by {@code VectorMathTest} over a sweep of
 * float bit patterns incl. +-0, subnormals, +-inf and NaN: exp, log, tanh, sqrt 1 ulp; sigmoid, gelu 2 ulp; erf 1 ulp
 * on every positive float ({@code ErfTest}).
 * exp, log, tanh, sigmoid and erf run in float lanes and finish a run with one masked vector, so an element's bits do
 * not depend on where it falls in the run; sqrt and GELU's scalar tails use {@link UnaryOp#apply(float)}.
 */
public final class VectorMath {
  private VectorMath() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  /** Float species with as many lanes as {@link #D} (half the bit size), for float<->double lane conversion. */
  private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
  private static final int VL = S.length(), DL = D.length();

  /** True for the ops this class vectorises. */
  public static boolean supports(UnaryOp op) {
    return switch (op) { case EXP, LOG, TANH, SIGMOID, GELU, ERF, SQRT -> true; default -> false; };
  }

  /** Dispatches one of the {@link #supports supported} ops. */
  public static void apply(UnaryOp op, float[] x, int xo, float[] d, int dO, int n) {
    switch (op) {
      case EXP -> exp(x, xo, d, dO, n);
      case LOG -> log(x, xo, d, dO, n);
      case TANH -> tanh(x, xo, d, dO, n);
      case SQRT -> sqrt(x, xo, d, dO, n);
      case SIGMOID -> sigmoid(x, xo, d, dO, n);
      case GELU -> gelu(x, xo, d, dO, n);
      case ERF -> erf(x, xo, d, dO, n);
      default -> throw new IllegalArgumentException(op + " is not vectorised");
    }
  }

  // One loop per function: the operator must be a compile-time constant at the lanewise call for C2 to
  // intrinsify it (a VectorOperators value passed as an argument falls back to a scalar loop per lane).

  public static void exp(float[] x, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) VectorFns.expf(FloatVector.fromArray(S, x, xo + i)).intoArray(d, dO + i);
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      VectorFns.expf(FloatVector.fromArray(S, x, xo + i, m)).intoArray(d, dO + i, m);
    }
  }

  /** tanh x in float lanes ({@link VectorFns#tanhf}); the tail through a masked vector, so no element's bits depend on its position. */
  public static void tanh(float[] x, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) VectorFns.tanhf(FloatVector.fromArray(S, x, xo + i)).intoArray(d, dO + i);
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      VectorFns.tanhf(FloatVector.fromArray(S, x, xo + i, m)).intoArray(d, dO + i, m);
    }
  }

  /** log x in float lanes ({@link VectorFns#logf}), the tail through a masked vector. */
  public static void log(float[] x, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) VectorFns.logf(FloatVector.fromArray(S, x, xo + i)).intoArray(d, dO + i);
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      VectorFns.logf(FloatVector.fromArray(S, x, xo + i, m)).intoArray(d, dO + i, m);
    }
  }

  public static void sqrt(float[] x, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.SQRT).intoArray(d, dO + i);
    for (; i < n; i++) d[dO + i] = UnaryOp.SQRT.apply(x[xo + i]);
  }

  /** sigmoid(x) = 1 / (1 + exp(-x)) ({@link VectorFns#sigmoidf}), the tail through a masked vector. */
  public static void sigmoid(float[] x, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) VectorFns.sigmoidf(FloatVector.fromArray(S, x, xo + i)).intoArray(d, dO + i);
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      VectorFns.sigmoidf(FloatVector.fromArray(S, x, xo + i, m)).intoArray(d, dO + i, m);
    }
  }

  /** erf x in float lanes ({@link VectorFns#erff}, 1 ulp), the tail through a masked vector. */
  public static void erf(float[] x, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) VectorFns.erff(FloatVector.fromArray(S, x, xo + i)).intoArray(d, dO + i);
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      VectorFns.erff(FloatVector.fromArray(S, x, xo + i, m)).intoArray(d, dO + i, m);
    }
  }

  /**
   * gelu(x) = x * Phi(x), the exact (erf) form, {@code torch.nn.functional.gelu(approximate='none')}, in double
   * lanes: Phi(x) = erfc(|z|)/2 for x < 0 and 1 - erfc(|z|)/2 otherwise, z = x/sqrt(2), with W. J. Cody's
   * erfc(z) = exp(-z^2) P8(z)/Q8(z), fitted on [0.5, 4]; checked in double against Python's math.erfc its
   * relative error stays below 5e-12 on [0, 0.5] and 4e-9 up to |z| = 14, far below a float ulp (6e-8). Past
   * |z| = 14 the rational is held at 14: gelu(x) underflows to -0 in float for z > 10.5 anyway, and rounds to x
   * for large positive x. The body stays in this one method so that every vector lives in a register.
   */
  public static void gelu(float[] xa, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - DL; i <= e; i += DL) {
      DoubleVector x = (DoubleVector) FloatVector.fromArray(FH, xa, xo + i).convertShape(VectorOperators.F2D, D, 0);
      DoubleVector z = x.mul(RSQRT2).abs(), zc = z.min(14.0);
      DoubleVector pm = zc.fma(DoubleVector.broadcast(D, 2.15311535474403846343e-8), DoubleVector.broadcast(D, 0.564188496988670089180))
          .fma(zc, DoubleVector.broadcast(D, 8.88314979438837594118))
          .fma(zc, DoubleVector.broadcast(D, 66.1191906371416294775))
          .fma(zc, DoubleVector.broadcast(D, 298.635138197400131132))
          .fma(zc, DoubleVector.broadcast(D, 881.952221241769090411))
          .fma(zc, DoubleVector.broadcast(D, 1712.04761263407058314))
          .fma(zc, DoubleVector.broadcast(D, 2051.07837782607146532))
          .fma(zc, DoubleVector.broadcast(D, 1230.33935479799725272));
      DoubleVector qm = zc.add(15.7449261107098347253)
          .fma(zc, DoubleVector.broadcast(D, 117.693950891312499305))
          .fma(zc, DoubleVector.broadcast(D, 537.181101862009857509))
          .fma(zc, DoubleVector.broadcast(D, 1621.38957456669018874))
          .fma(zc, DoubleVector.broadcast(D, 3290.79923573345962678))
          .fma(zc, DoubleVector.broadcast(D, 4362.61909014324715820))
          .fma(zc, DoubleVector.broadcast(D, 3439.36767414372163696))
          .fma(zc, DoubleVector.broadcast(D, 1230.33935480374942043));
      // e^{-z^2} as in tanh, 0 past z^2 = 708 (so that gelu(-inf) = -inf * 0 = NaN, as x * Phi(x))
      DoubleVector zz = z.mul(z), y = zz.min(708.0).neg(), t = y.mul(LOG2E).add(RND), k = t.sub(RND);
      DoubleVector r = y.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
      // Estrin's scheme: a short dependency chain (Horner's 24 dependent steps would bound the loop by latency)
      DoubleVector r2 = r.mul(r), r4 = r2.mul(r2);
      DoubleVector a0 = r.add(1.0).add(r2.mul(r.mul(1.0 / 6).add(0.5)));
      DoubleVector a1 = r.mul(1.0 / 120).add(1.0 / 24).add(r2.mul(r.mul(1.0 / 5040).add(1.0 / 720)));
      DoubleVector a2 = r.mul(1.0 / 362880).add(1.0 / 40320).add(r2.mul(r.mul(1.0 / 39916800).add(1.0 / 3628800)));
      DoubleVector p = a0.add(r4.mul(a1)).add(r4.mul(r4).mul(a2.add(r4.mul(1.0 / 479001600))));
      DoubleVector ez = p.mul((DoubleVector) ((LongVector) t.reinterpretAsLongs()).add(1023 - RND_BITS).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
      ez = ez.blend(0.0, zz.compare(VectorOperators.GT, 708.0));
      DoubleVector half = ez.mul(pm.div(qm)).mul(0.5);   // erfc(|z|)/2
      DoubleVector phi = half.neg().add(1.0).blend(half, x.compare(VectorOperators.LT, 0.0));
      DoubleVector g = x.mul(phi);
      ((FloatVector) g.convertShape(VectorOperators.D2F, FH, 0)).intoArray(d, dO + i);
    }
    for (; i < n; i++) d[dO + i] = UnaryOp.GELU.apply(xa[xo + i]);
  }

  private static final double LOG2E = 1.4426950408889634074;
  /** ln 2 split so that k * LN2_HI is exact for |k| < 2^20 (fdlibm's split). */
  private static final double LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
  /** 1.5 * 2^52: adding it rounds a double below 2^51 to an integer, left in the low mantissa bits. */
  private static final double RND = 6755399441055744.0;
  private static final long RND_BITS = Double.doubleToRawLongBits(RND);

  private static final double RSQRT2 = 0.70710678118654752440;
}
