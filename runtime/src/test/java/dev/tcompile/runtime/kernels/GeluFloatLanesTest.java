package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The float-lane exact GELU ({@link ErfLoops#gelu} through {@link VectorMath#gelu}) on every float of
 * [-14.9, -0.25] (the erfc tail, down to where x Phi(x) underflows, and the switch at -0.495) and [0.25, 9] (the
 * switch at 1.414 and the saturation to x), against x Phi(x) in double ({@link MathFns#normalCdf}, W. J. Cody's
 * erfc: relative error near 1e-16), within 2 ulp; plus the special values.
 */
class GeluFloatLanesTest {
  private static double ulps(float x, float got) {
    double ref = x * MathFns.normalCdf(x);
    float e = (float) ref;
    if (got == e) return 0;
    return Math.abs(got - ref) / Math.ulp(e);
  }

  private static double worstOver(float from, float to) {
    int lo = Float.floatToRawIntBits(from), hi = Float.floatToRawIntBits(to);
    boolean neg = from < 0;
    if (neg) { int t = lo; lo = Float.floatToRawIntBits(-to); hi = Float.floatToRawIntBits(-from); }
    int block = 1 << 16;
    float[] x = new float[block], y = new float[block];
    double worst = 0;
    float worstX = 0;
    for (int b = lo; b <= hi; b += block) {
      int n = Math.min(block, hi - b + 1);
      for (int i = 0; i < n; i++) x[i] = neg ? -Float.intBitsToFloat(b + i) : Float.intBitsToFloat(b + i);
      VectorMath.gelu(x, 0, y, 0, n);
      for (int i = 0; i < n; i++) {
        double u = ulps(x[i], y[i]);
        if (u > worst) { worst = u; worstX = x[i]; }
      }
    }
    System.out.println("gelu on [" + from + ", " + to + "]: max " + worst + " ulp at x = " + worstX);
    return worst;
  }

  @Test void everyFloatOfTheNegativeTailWithinTwoUlp() { assertTrue(worstOver(-14.9f, -0.25f) <= 2); }

  @Test void everyFloatOfThePositiveSideWithinTwoUlp() { assertTrue(worstOver(0.25f, 9f) <= 2); }

  @Test void specialValues() {
    float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
        -20f, -14.85f, -14.2f, 1e-35f, -1e-35f, 100f, Float.MAX_VALUE, -Float.MAX_VALUE, 8.5f};
    float[] y = new float[x.length];
    VectorMath.gelu(x, 0, y, 0, x.length);
    assertTrue(Float.isNaN(y[0]));
    assertEquals(Float.POSITIVE_INFINITY, y[1]);
    assertTrue(Float.isNaN(y[2]), "x Phi(x) at -inf is -inf * 0");
    assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(y[3]));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[4]));
    assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(y[5]));      // 2^-149 / 2 ties to even
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[6]));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[7]));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[8]));
    assertTrue(ulps(x[9], y[9]) <= 2, "gelu(-14.2) = " + y[9]);                    // subnormal
    assertEquals(5e-36f, y[10]);
    assertEquals(-5e-36f, y[11]);
    assertEquals(100f, y[12]);
    assertEquals(Float.MAX_VALUE, y[13]);
    assertTrue(Float.isNaN(y[14]) || y[14] == -0f, "gelu(-MAX) = " + y[14]);
    assertEquals(8.5f, y[15]);
  }
}
