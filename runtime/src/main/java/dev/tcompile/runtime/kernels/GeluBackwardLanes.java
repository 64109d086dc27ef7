package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exact GELU's backward {@code g * (Phi(x) + x phi(x))} in float lanes, one pass over g and x, with one
 * exponential E = e^{-x^2/2} shared by the normal density phi = E / sqrt(2 pi) and the tail of the CDF:
 * <ul>
 *   <li>|x| < 1.2374 (|x| / sqrt 2 < 0.875): Phi = 0.5 + 0.5 erf(x / sqrt 2), erf by {@link VectorFns#erfSmall};
 *   <li>else Phi(-|x|) = Q = 0.5 erfcx(t) E, t = |x| / sqrt 2, erfcx = (1 - y) G(y) ({@link VectorFns#erfcxG1});
 *       Phi(x) = Q for x < 0, 1 - Q above.
 * </ul>
 * E comes from {@link VectorFns#expTimes}, its exponent x^2/2 taken exactly from x (rounding x * x first would
 * move E by up to x^2 2^-25); |x| is held at 14.85, where E has underflowed to 0. The value is PyTorch's
 * formula's, {@code g * ((1 + erf(x / sqrt 2)) / 2 + x exp(-x^2/2) / sqrt(2 pi))}, without its cancellation in
 * 1 + erf for negative x and without a second exponential: relative error a few ulps of the terms, x = +-inf gives
 * NaN (inf * 0) as PyTorch's, NaN stays NaN. Lanes are independent, so an element's bits depend neither on its
 * place in a run nor on how a run is split.
 *
 * <p>As {@link ErfLoops}, stage loops over chunks of this thread's scratch arrays, called through one megamorphic
 * site: the whole computation in one loop is more than C2 inlines (the part left out would box every vector).
 */
final class GeluBackwardLanes {
  private GeluBackwardLanes() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();
  private static final int CHUNK = 256;

  static final float SMALL = 1.2374369f;   // 0.875 sqrt 2: erfSmall's range for x / sqrt 2
  static final float AMAX = 14.849242f;    // 10.5 sqrt 2: erfcxG1's fit range for t, and e^{-x^2/2} = 0 in float
  static final float EZERO = 14.5f;          // from here e^{-x^2/2} < 2^-151: E is set to 0
  private static final float RSQRT2 = (float) 0.70710678118654752440, RSQRT2_LO = (float) (0.70710678118654752440 - RSQRT2), BETA = (float) 0.39894228040143267794;

  /** Per thread: x, E, erfcx(t), Phi(x) + x phi(x). */
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][CHUNK]);

  /** d = g * gelu'(x) for n elements; g steps by gStride (1, or 0: one gradient g[go] for all). d may be g or x. */
  static void run(float[] g, int go, int gStride, float[] x, int xo, float[] d, int dO, int n) {
    if (gStride != 0 && gStride != 1) throw new IllegalArgumentException("gelu backward's gradient steps by 0 or 1, not " + gStride);
    float[][] s = SCRATCH.get();
    float g0 = n > 0 ? g[go] : 0f;   // read once: d may overwrite it
    for (int c = 0; c < n; c += CHUNK) {
      int len = Math.min(CHUNK, n - c), full = (len + VL - 1) / VL * VL;
      for (int i = 0; i < len; i += VL) {
        VectorMask<Float> m = S.indexInRange(i, len);
        FloatVector.fromArray(S, x, xo + c + i, m).intoArray(s[0], i, m);
      }
      runStages(s, full);
      for (int i = 0; i < len; i += VL) {
        VectorMask<Float> m = S.indexInRange(i, len);
        FloatVector gv = gStride == 0 ? FloatVector.broadcast(S, g0) : FloatVector.fromArray(S, g, go + c + i, m);
        gv.mul(FloatVector.fromArray(S, s[3], i)).intoArray(d, dO + c + i, m);
      }
    }
  }

  /** One element, through the same lanes (so the same bits). */
  static float one(float g, float x) {
    float[] d = new float[1];
    run(new float[]{g}, 0, 1, new float[]{x}, 0, d, 0, 1);
    return d[0];
  }

  private abstract static class Stage {
    abstract void run(float[][] s, int full);
  }

  private static final Stage[] STAGES = {new Exp(), new Erfcx(), new Finish()};

  /** One call site for the three stage classes (megamorphic): each stage's loop stays a compiled method of its own. */
  private static void runStages(float[][] s, int full) {
    for (Stage st : STAGES) st.run(s, full);
  }

  /**
   * s[1] = E = e^{-x^2/2} rounded once, the exponent taken exactly from x ({@link VectorFns#expTimes}); 0 from
   * |x| = {@link #EZERO} on (E < 2^-151 rounds to 0; so x phi(x) is 0 for finite x and NaN for infinite x, as
   * inf * 0 in PyTorch's formula).
   */
  private static final class Exp extends Stage {
    @Override void run(float[][] s, int full) {
      float[] xs = s[0], es = s[1];
      FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
      for (int i = 0; i < full; i += VL) {
        FloatVector a = FloatVector.fromArray(S, xs, i).abs().min(AMAX);
        VectorFns.expTimes(one, zero, zero, a, 0.5f).blend(0f, a.compare(VectorOperators.GT, EZERO)).intoArray(es, i);
      }
    }
  }

  /** s[2] = erfcx(t), t = a / sqrt 2: (1 - y) G(y), y = 1 - 4/(t + 2). */
  private static final class Erfcx extends Stage {
    @Override void run(float[][] s, int full) {
      float[] xs = s[0], ks = s[2];
      FloatVector g0 = FloatVector.broadcast(S, VectorFns.G0);
      for (int i = 0; i < full; i += VL) {
        FloatVector y = VectorFns.erfcxArg(FloatVector.fromArray(S, xs, i).abs().min(AMAX), RSQRT2);
        y.neg().add(1f).mul(y.fma(VectorFns.erfcxG1(y), g0)).intoArray(ks, i);
      }
    }
  }

  /** s[3] = Phi(x) + x phi(x): the middle from erf, the tails from Q = 0.5 erfcx(t) E. */
  private static final class Finish extends Stage {
    @Override void run(float[][] s, int full) {
      float[] xs = s[0], es = s[1], ks = s[2], out = s[3];
      for (int i = 0; i < full; i += VL) {
        FloatVector x = FloatVector.fromArray(S, xs, i), e = FloatVector.fromArray(S, es, i);
        FloatVector mid = VectorFns.erfSmall(x.fma(FloatVector.broadcast(S, RSQRT2), x.mul(RSQRT2_LO))).fma(0.5f, 0.5f);   // 1/sqrt 2 in two floats
        FloatVector q = FloatVector.fromArray(S, ks, i).mul(e).mul(0.5f);
        FloatVector cdf = q.blend(q.neg().add(1f), x.compare(VectorOperators.GT, 0f)).blend(mid, x.abs().lt(SMALL));
        x.mul(e).fma(FloatVector.broadcast(S, BETA), cdf).intoArray(out, i);
      }
    }
  }
}
