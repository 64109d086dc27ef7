package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised elementwise float functions over dense runs {@code d[dO..dO+n) = f(x[xo..xo+n))} (in place allowed
 * when {@code d == x && dO == xo}). {@link FloatLoops#unary} sends dense float arrays here.
 *
 * <p>Choice of implementation (measured on this project's 2-core AMD EPYC, JDK 25, 1M floats, see
 * {@code bench/RESULTS-kernels.md}): C2 intrinsifies {@code lanewise(EXP/LOG/TANH/...)} with the JDK's SVML
 * stubs; {@code EXP} takes 0.30 ms against 0.70 ms for a Cephes-style degree-6 polynomial with two-step
 * scaling (both within 1 ulp), so exp, log and tanh use the intrinsics, and sigmoid is {@code 1/(1+exp(-x))}
 * on top. GELU (the exact, erf-based one) is evaluated in double lanes with W. J. Cody's rational erf/erfc
 * approximations, using erfc for negative inputs so the tail keeps full relative accuracy; the result is rounded
 * once to float. Error bounds against correctly rounded results, checked by {@code VectorMathTest} over a sweep of
 * float bit patterns incl. +-0, subnormals, +-inf and NaN: exp, log, tanh, sqrt 1 ulp; sigmoid, gelu 2 ulp.
 * Scalar tails use {@link UnaryOp#apply(float)}.
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
    return switch (op) { case EXP, LOG, TANH, SIGMOID, GELU, SQRT -> true; default -> false; };
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
      default -> throw new IllegalArgumentException(op + " is not vectorised");
    }
  }

  // One loop per function: the operator must be a compile-time constant at the lanewise call for C2 to
  // intrinsify it (a VectorOperators value passed as an argument falls back to a scalar loop per lane).

  public static void exp(float[] x, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.EXP).intoArray(d, dO + i);
    for (; i < n; i++) d[dO + i] = UnaryOp.EXP.apply(x[xo + i]);
  }

  public static void log(float[] x, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.LOG).intoArray(d, dO + i);
    for (; i < n; i++) d[dO + i] = UnaryOp.LOG.apply(x[xo + i]);
  }

  public static void tanh(float[] x, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.TANH).intoArray(d, dO + i);
    for (; i < n; i++) d[dO + i] = UnaryOp.TANH.apply(x[xo + i]);
  }

  public static void sqrt(float[] x, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.SQRT).intoArray(d, dO + i);
    for (; i < n; i++) d[dO + i] = UnaryOp.SQRT.apply(x[xo + i]);
  }

  /** sigmoid(x) = 1 / (1 + exp(-x)), computed as {@code t/(1+t)} with {@code t = exp(x)} for x < 0 (no overflow). */
  public static void sigmoid(float[] x, int xo, float[] d, int dO, int n) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) {
      FloatVector v = FloatVector.fromArray(S, x, xo + i);
      FloatVector t = v.abs().neg().lanewise(VectorOperators.EXP);        // exp(-|x|) in (0, 1]
      FloatVector num = one.blend(t, v.lt(0f));
      num.div(one.add(t)).intoArray(d, dO + i);
    }
    for (; i < n; i++) d[dO + i] = UnaryOp.SIGMOID.apply(x[xo + i]);
  }

  /**
   * gelu(x) = x * Phi(x), the exact (erf) form, {@code torch.nn.functional.gelu(approximate='none')}, in double
   * lanes with z = x / sqrt(2): Cody's erf for |z| < 0.5, Cody's erfc rational for |z| >= 0.5 (fitted on
   * [0.5, 4]; beyond 4 it only matters for x < 0, where gelu(x) < 2.2e-7 in magnitude, and those rare lanes are
   * recomputed with the scalar {@link MathFns#normalCdf}). The body stays in this one method so that every
   * vector lives in a register (a vector passed to a method C2 does not inline is boxed on the heap).
   */
  public static void gelu(float[] xa, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - DL; i <= e; i += DL) {
      DoubleVector x = (DoubleVector) FloatVector.fromArray(FH, xa, xo + i).convertShape(VectorOperators.F2D, D, 0);
      DoubleVector z = x.mul(RSQRT2).abs(), zz = z.mul(z), zc = z.min(8.0);
      var small = z.compare(VectorOperators.LT, 0.5);
      // one division for both rationals: erf(z) = z*P(z^2)/Q(z^2) (|z| < 0.5), erfc(z) = exp(-z^2)*P8(z)/Q8(z)
      DoubleVector top = z.mul(zz.fma(DoubleVector.broadcast(D, 0.1857777061846031526730), DoubleVector.broadcast(D, 3.161123743870565596947)).fma(zz, DoubleVector.broadcast(D, 113.8641541510501556495)).fma(zz, DoubleVector.broadcast(D, 377.4852376853020208137)).fma(zz, DoubleVector.broadcast(D, 3209.377589138469472562)));
      DoubleVector bot = zz.add(23.60129095234412093499).fma(zz, DoubleVector.broadcast(D, 244.0246379344441733056)).fma(zz, DoubleVector.broadcast(D, 1282.616526077372275645)).fma(zz, DoubleVector.broadcast(D, 2844.236833439170622273));
      DoubleVector pm = zc.fma(DoubleVector.broadcast(D, 2.15311535474403846343e-8), DoubleVector.broadcast(D, 0.564188496988670089180)).fma(zc, DoubleVector.broadcast(D, 8.88314979438837594118)).fma(zc, DoubleVector.broadcast(D, 66.1191906371416294775)).fma(zc, DoubleVector.broadcast(D, 298.635138197400131132)).fma(zc, DoubleVector.broadcast(D, 881.952221241769090411)).fma(zc, DoubleVector.broadcast(D, 1712.04761263407058314)).fma(zc, DoubleVector.broadcast(D, 2051.07837782607146532)).fma(zc, DoubleVector.broadcast(D, 1230.33935479799725272));
      DoubleVector qm = zc.add(15.7449261107098347253).fma(zc, DoubleVector.broadcast(D, 117.693950891312499305)).fma(zc, DoubleVector.broadcast(D, 537.181101862009857509)).fma(zc, DoubleVector.broadcast(D, 1621.38957456669018874)).fma(zc, DoubleVector.broadcast(D, 3290.79923573345962678)).fma(zc, DoubleVector.broadcast(D, 4362.61909014324715820)).fma(zc, DoubleVector.broadcast(D, 3439.36767414372163696)).fma(zc, DoubleVector.broadcast(D, 1230.33935480374942043));
      DoubleVector q = pm.blend(top, small).div(qm.blend(bot, small));
      DoubleVector halfErfc = zz.neg().lanewise(VectorOperators.EXP).mul(q).mul(0.5);
      var neg = x.compare(VectorOperators.LT, 0.0);
      // Phi = 1/2 + erf(x/sqrt2)/2 for |z| < 0.5;  erfc(|z|)/2 for x < 0, 1 - erfc(|z|)/2 for x > 0 otherwise
      DoubleVector phiL = halfErfc.blend(halfErfc.neg().add(1.0), neg.not());
      DoubleVector halfErf = q.mul(0.5);
      DoubleVector phiS = halfErf.blend(halfErf.neg(), neg).add(0.5);
      DoubleVector g = x.mul(phiL.blend(phiS, small));
      ((FloatVector) g.convertShape(VectorOperators.D2F, FH, 0)).intoArray(d, dO + i);
      if (x.compare(VectorOperators.LT, TAIL).anyTrue())
        for (int j = i; j < i + DL; j++) if (xa[xo + j] < TAIL) d[dO + j] = UnaryOp.GELU.apply(xa[xo + j]);
    }
    for (; i < n; i++) d[dO + i] = UnaryOp.GELU.apply(xa[xo + i]);
  }

  private static final double RSQRT2 = 0.70710678118654752440;
  /** x below which |z| > 4, outside the erfc rational's fitted range. */
  private static final double TAIL = -4 * 1.41421356237309504880;
}
