package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * Float-lane erf ({@link ErfLoops#erf} through {@link VectorMath#erf}) against W. J. Cody's double erf
 * ({@link MathFns#erf}, relative error near 1e-16, far below a float ulp), on every positive float below 4 (erf
 * is odd and rounds to 1 from 3.92), plus the special values and the negative side's symmetry.
 */
class ErfTest {
  private static double ulps(float x, float got) {
    double ref = MathFns.erf(x);
    float e = (float) ref;
    if (got == e) return 0;
    return Math.abs(got - ref) / Math.ulp(e);
  }

  @Test void everyPositiveFloatBelowFourWithinOneUlp() {
    int block = 1 << 16;
    float[] x = new float[block], y = new float[block];
    double worst = 0;
    float worstX = 0;
    int end = Float.floatToRawIntBits(4f);
    for (int lo = 0; lo < end; lo += block) {
      int n = Math.min(block, end - lo);
      for (int i = 0; i < n; i++) x[i] = Float.intBitsToFloat(lo + i);
      VectorMath.erf(x, 0, y, 0, n);
      for (int i = 0; i < n; i++) {
        double u = ulps(x[i], y[i]);
        if (u > worst) { worst = u; worstX = x[i]; }
      }
    }
    System.out.println("erf: max " + worst + " ulp at x = " + worstX);
    assertTrue(worst <= 1, "erf max error " + worst + " ulp at " + worstX);
  }

  @Test void specialValuesAndOddness() {
    float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
        3.9f, 4f, 5f, 100f, Float.MAX_VALUE, -Float.MAX_VALUE, 1.25f, -1.25f, 0.5f, -0.5f, 1e-20f, -2.5f};
    float[] y = new float[x.length];
    VectorMath.erf(x, 0, y, 0, x.length);
    assertTrue(Float.isNaN(y[0]));
    assertEquals(1f, y[1]);
    assertEquals(-1f, y[2]);
    assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(y[3]));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[4]));
    assertEquals(Float.MIN_VALUE, y[5]);            // 2/sqrt(pi) * 2^-149 rounds to 2^-149
    assertEquals(-Float.MIN_VALUE, y[6]);
    assertEquals(1f, y[8]);
    assertEquals(1f, y[9]);
    assertEquals(1f, y[10]);
    assertEquals(1f, y[11]);
    assertEquals(-1f, y[12]);
    for (int i = 13; i < x.length; i++) assertTrue(ulps(x[i], y[i]) <= 1, "erf(" + x[i] + ") = " + y[i]);
    // odd: erf(-x) = -erf(x) bit for bit
    float[] p = new float[4099], q = new float[4099], yp = new float[4099], yq = new float[4099];
    for (int i = 0; i < p.length; i++) { p[i] = i * 0.0011f; q[i] = -p[i]; }
    VectorMath.erf(p, 0, yp, 0, p.length);
    VectorMath.erf(q, 0, yq, 0, q.length);
    for (int i = 0; i < p.length; i++) assertEquals(Float.floatToRawIntBits(-yp[i]), Float.floatToRawIntBits(yq[i]), "at " + p[i]);
  }
}
