package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised elementwise float functions over dense runs {@code d[dO..dO+n) = f(x[xo..xo+n))} (in place allowed
 * when {@code d == x && dO == xo}). {@link FloatLoops#unary} sends dense float arrays here.
 *
 * <p>exp, log, tanh, sigmoid, erf and GELU come from {@link VectorFns} and {@link ErfLoops} (IEEE-exact lane
 * operations only), not from the JDK's {@code lanewise(EXP/LOG/TANH/ERF)}: those are SVML calls once C2 compiles the loop but
 * {@code java.lang.Math} per lane before, and the two differ in the last bit, so a training run would depend on
 * when the JIT kicked in. Error bounds against correctly rounded results, checked by {@code VectorMathTest} over a
 * sweep of float bit patterns incl. +-0, subnormals, +-inf and NaN: exp, log, tanh, sqrt 1 ulp; sigmoid (PyTorch's bits:
 * 0 where e^-x overflows), gelu 2 ulp;
 * erf 1 ulp on every positive float ({@code ErfTest}). All but sqrt run in float lanes and finish a run with one
 * masked vector, so an element's bits do not depend on where it falls in the run; sqrt's scalar tail uses
 * {@link UnaryOp#apply(float)}.
 */
public final class VectorMath {
  private VectorMath() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();

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
    for (int e = n - VL; i <= e; i += VL) VectorFns.expfSleef(FloatVector.fromArray(S, x, xo + i)).intoArray(d, dO + i);
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      VectorFns.expfSleef(FloatVector.fromArray(S, x, xo + i, m)).intoArray(d, dO + i, m);
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

  /**
   * sigmoid(x) = 1 / (1 + exp(-x)) with PyTorch 1.13's lane bits ({@link VectorFns#sigmoidf}), the tail through a
   * masked vector. PyTorch itself computes the last n % 16 elements of a contiguous run (per parallel chunk) with
   * glibc's scalar expf, up to 3 ulp away (about 4% of such elements differ); here every element takes the lane
   * formula, so its bits do not depend on its position and fused compiled loops give eager's bits.
   */
  public static void sigmoid(float[] x, int xo, float[] d, int dO, int n) {
    int i = 0;
    for (int e = n - VL; i <= e; i += VL) VectorFns.sigmoidf(FloatVector.fromArray(S, x, xo + i)).intoArray(d, dO + i);
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      VectorFns.sigmoidf(FloatVector.fromArray(S, x, xo + i, m)).intoArray(d, dO + i, m);
    }
  }

  /**
   * gelu(x) = x * Phi(x), the exact (erf) form, {@code torch.nn.functional.gelu(approximate='none')}, in float lanes
   * ({@link ErfLoops#gelu}: 2 ulp from the exact value, also in the negative tail, where PyTorch's own
   * {@code x/2 (1 + erf(x/sqrt 2))} cancels).
   */
  public static void gelu(float[] x, int xo, float[] d, int dO, int n) { ErfLoops.gelu(x, xo, d, dO, n); }

  /** erf x in float lanes ({@link ErfLoops#erf}, 1 ulp). */
  public static void erf(float[] x, int xo, float[] d, int dO, int n) { ErfLoops.erf(x, xo, d, dO, n); }

  /**
   * GELU's backward {@code d = g * (Phi(x) + x phi(x))}, PyTorch's GeluBackward, in float lanes in one pass
   * ({@link GeluBackwardLanes}: one exponential for the density and the CDF's tails). {@code d} may be {@code g}
   * or {@code x} (same offset).
   */
  public static void geluBackward(float[] g, int go, float[] x, int xo, float[] d, int dO, int n) {
    GeluBackwardLanes.run(g, go, 1, x, xo, d, dO, n);
  }

  /** {@link #geluBackward} with one gradient {@code g[go]} for every element. */
  public static void geluBackwardScalarGrad(float[] g, int go, float[] x, int xo, float[] d, int dO, int n) {
    GeluBackwardLanes.run(g, go, 0, x, xo, d, dO, n);
  }
}
