package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The exact GELU's backward in float lanes ({@link GeluBackwardLanes} through {@link VectorMath#geluBackward}) on
 * every 16th float of [-16, 16] against Phi(x) + x phi(x) in double ({@link MathFns#normalCdf}, Cody's erfc),
 * within 4.5 ulp (3.9 measured) of the larger term (|Phi|, |x phi|: the formula's own condition, which cancels near x = -0.75; below
 * the normal range plus |x| 2^-149, E's own rounding there), and within 4 ulp of the value where the terms do not
 * cancel (the value at least the larger term); the special values; and that an element's bits
 * depend neither on its place in a run, nor on the gradient being one value or an array, nor on in-place use.
 */
class GeluBackwardLanesTest {
  static double exact(double x) { return MathFns.normalCdf(x) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI); }

  static float derivative(float x) {
    float[] d = new float[1];
    VectorMath.geluBackward(new float[]{1f}, 0, new float[]{x}, 0, d, 0, 1);
    return d[0];
  }

  @Test void accurateOverEvery16thFloat() {
    int block = 1 << 16, count = 0;
    float[] x = new float[block], g = new float[block], d = new float[block];
    java.util.Arrays.fill(g, 1f);
    double worstTerm = 0, worstValue = 0;
    float atTerm = 0, atValue = 0;
    for (int sign = 0; sign < 2; sign++) {
      int hi = Float.floatToRawIntBits(16f);
      for (int b = 0; b <= hi; b += block * 16) {
        int n = 0;
        for (int k = b; k <= hi && n < block; k += 16) x[n++] = sign == 0 ? Float.intBitsToFloat(k) : -Float.intBitsToFloat(k);
        VectorMath.geluBackward(g, 0, x, 0, d, 0, n);
        for (int i = 0; i < n; i++) {
          double xi = x[i], want = exact(xi);
          double term = Math.max(Math.abs(MathFns.normalCdf(xi)), Math.abs(xi * Math.exp(-0.5 * xi * xi) / Math.sqrt(2 * Math.PI)));
          // below the normal range E's absolute rounding (2^-149) reaches the value times |x|: that much is allowed on top
          double err = Math.max(0, Math.abs(d[i] - want) - Math.abs(xi) * 0x1p-149);
          double uTerm = err / Math.ulp((float) term);
          if (uTerm > worstTerm) { worstTerm = uTerm; atTerm = x[i]; }
          if (Math.abs(want) >= term && (float) want != 0) {
            double u = err / Math.ulp((float) want);
            if (u > worstValue) { worstValue = u; atValue = x[i]; }
          }
          count++;
        }
      }
    }
    System.out.println("gelu backward lanes on " + count + " floats: max " + worstTerm + " ulp of the larger term (x = " + atTerm
        + "), " + worstValue + " ulp of the value where it is at least that term (x = " + atValue + ")");
    assertTrue(worstTerm <= 4.5, "worst " + worstTerm + " ulp of the larger term at x = " + atTerm);
    assertTrue(worstValue <= 4, "worst " + worstValue + " ulp of the value at x = " + atValue);
  }

  @Test void specialValues() {
    assertTrue(Float.isNaN(derivative(Float.NaN)));
    assertTrue(Float.isNaN(derivative(Float.POSITIVE_INFINITY)), "inf * 0, as PyTorch's formula");
    assertTrue(Float.isNaN(derivative(Float.NEGATIVE_INFINITY)));
    assertEquals(0.5f, derivative(0f));
    assertEquals(0.5f, derivative(-0f));
    assertEquals(0.5f, derivative(Float.MIN_VALUE));
    assertEquals(1f, derivative(20f));
    assertEquals(1f, derivative(1e30f));
    assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(derivative(-20f)));
    assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(derivative(-Float.MAX_VALUE)));
    assertEquals(1f, derivative(Float.MAX_VALUE));
  }

  @Test void bitsIndependentOfPlaceGradientFormAndAliasing() {
    Random r = new Random(1);
    int n = 1037;
    float[] x = new float[n], g = new float[n], one = new float[n];
    for (int i = 0; i < n; i++) { x[i] = (float) r.nextGaussian() * 5; g[i] = 0.37f; }
    float[] whole = new float[n];
    VectorMath.geluBackward(g, 0, x, 0, whole, 0, n);
    float[] scalar = new float[n];
    VectorMath.geluBackwardScalarGrad(new float[]{5f, 0.37f}, 1, x, 0, scalar, 0, n);
    assertArrayEquals(whole, scalar);
    for (int from : new int[]{1, 13, 300}) {   // a shifted run of a shorter length: the same bits per element
      float[] part = new float[n + 3];
      VectorMath.geluBackward(g, from, x, from, part, 3, n - from - 5);
      for (int i = 0; i < n - from - 5; i++) assertEquals(Float.floatToRawIntBits(whole[from + i]), Float.floatToRawIntBits(part[3 + i]));
    }
    float[] inPlace = x.clone();
    VectorMath.geluBackward(g, 0, inPlace, 0, inPlace, 0, n);
    assertArrayEquals(whole, inPlace);
    float[] gradInPlace = g.clone();   // one gradient, the result written over it
    VectorMath.geluBackwardScalarGrad(gradInPlace, 0, x, 0, gradInPlace, 0, n);
    assertArrayEquals(whole, gradInPlace);
    for (int i = 0; i < n; i += 97) assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(BinaryOp.GELU_BACKWARD.apply(0.37f, x[i])));
    assertThrows(IllegalArgumentException.class, () -> GeluBackwardLanes.run(g, 0, 2, x, 0, one, 0, 4));
  }
}
