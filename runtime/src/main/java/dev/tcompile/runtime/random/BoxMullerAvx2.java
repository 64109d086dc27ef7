package dev.tcompile.runtime.random;

/**
 * PyTorch 1.13's {@code normal_fill_16_AVX2} (aten/src/ATen/native/cpu/DistributionTemplates.h) lane by lane:
 * Box-Muller over 16 floats with {@code log256_ps} and {@code sincos256_ps} of avx_mathfun.h (Cephes
 * polynomials). Every multiply-add below is fused or not exactly as GCC compiled the AVX2 kernel in
 * libtorch_cpu (read off the machine code), and the constants are the bit patterns of the binary, so each
 * lane gives the same float32 bits.
 */
final class BoxMullerAvx2 {
  private BoxMullerAvx2() {}

  private static float f(int bits) { return Float.intBitsToFloat(bits); }

  // log256_ps
  private static final float SQRTHF = f(0x3f3504f3);
  private static final float LOG_P0 = f(0x3d9021bb);
  private static final float LOG_P1 = f(0xbdebd1b8);
  private static final float LOG_P2 = f(0x3def251a);
  private static final float LOG_P3 = f(0xbdfe5d4f);
  private static final float LOG_P4 = f(0x3e11e9bf);
  private static final float LOG_P5 = f(0xbe2aae50);
  private static final float LOG_P6 = f(0x3e4cceac);
  private static final float LOG_P7 = f(0xbe7ffffc);
  private static final float LOG_P8 = f(0x3eaaaaaa);
  private static final float LOG_Q1 = f(0xb95e8083);
  private static final float LOG_Q2 = f(0x3f318000);
  // sincos256_ps
  private static final float FOPI = f(0x3fa2f983);
  private static final float MINUS_DP1 = f(0xbf490000);
  private static final float MINUS_DP2 = f(0xb97da000);
  private static final float MINUS_DP3 = f(0xb3222169);
  private static final float SINCOF_P0 = f(0xb94ca1f9);
  private static final float SINCOF_P1 = f(0x3c08839e);
  private static final float SINCOF_P2 = f(0xbe2aaaa3);
  private static final float COSCOF_P0 = f(0x37ccf5ce);
  private static final float COSCOF_P1 = f(0xbab6061a);
  private static final float COSCOF_P2 = f(0x3d2aaaa5);
  /** {@code _mm256_set1_ps(2.0f * c10::pi<double>)}. */
  static final float TWO_PI = f(0x40c90fdb);

  /** log256_ps on one lane. */
  static float log(float x0) {
    boolean invalid = x0 <= 0f; // _CMP_LE_OS
    float x = x0 > Float.MIN_NORMAL ? x0 : Float.MIN_NORMAL; // maxps(x, min_norm): NaN gives min_norm
    int bits = Float.floatToRawIntBits(x);
    int imm0 = (bits >>> 23) - 0x7f;
    x = f((bits & ~0x7f800000) | 0x3f000000);
    float e = (float) imm0 + 1f;
    boolean mask = x < SQRTHF;
    float tmp = mask ? x : 0f;
    x = x - 1f;
    e = e - (mask ? 1f : 0f);
    x = x + tmp;
    float eq1 = e * LOG_Q1;
    float y = LOG_P0;
    y = Math.fma(x, y, LOG_P1);
    y = Math.fma(x, y, LOG_P2);
    y = Math.fma(x, y, LOG_P3);
    y = Math.fma(x, y, LOG_P4);
    y = Math.fma(x, y, LOG_P5);
    y = Math.fma(x, y, LOG_P6);
    y = Math.fma(x, y, LOG_P7);
    y = Math.fma(x, y, LOG_P8);
    float z = x * x;
    y = x * y;
    y = Math.fma(y, z, eq1);
    y = Math.fma(-z, 0.5f, y);
    float r = x + y;
    r = Math.fma(e, LOG_Q2, r);
    return invalid ? f(Float.floatToRawIntBits(r) | 0xffffffff) : r; // or-ed with the all-ones mask
  }

  /** sincos256_ps on one lane: the bits of sin in the high half, of cos in the low half. */
  static long sincos(float x0) {
    int xb = Float.floatToRawIntBits(x0);
    int signSin = xb & 0x80000000;
    float x = f(xb & 0x7fffffff);
    float y = x * FOPI;
    int j = cvtt(y);
    j = (j + 1) & ~1;
    y = (float) j;
    int swapSin = (j & 4) << 29;
    boolean polyMask = (j & 2) == 0;
    x = Math.fma(y, MINUS_DP1, x);
    x = Math.fma(y, MINUS_DP2, x);
    x = Math.fma(y, MINUS_DP3, x);
    int signCos = (~(j - 2) & 4) << 29;
    signSin ^= swapSin;

    float z = x * x;
    float yc = Math.fma(z, COSCOF_P0, COSCOF_P1);
    yc = Math.fma(z, yc, COSCOF_P2);
    yc = z * yc;
    float half = z * 0.5f;
    yc = Math.fma(yc, z, -half);
    yc = yc + 1f;

    float ys = Math.fma(z, SINCOF_P0, SINCOF_P1);
    ys = Math.fma(z, ys, SINCOF_P2);
    ys = z * ys;
    ys = Math.fma(ys, x, x);

    float ysin2 = polyMask ? ys : 0f;
    float ysin1 = polyMask ? 0f : yc;
    float ys2 = ys - ysin2;
    float yc2 = yc - ysin1;
    float s = ysin2 + ysin1;
    float c = ys2 + yc2;
    long sinBits = Float.floatToRawIntBits(s) ^ signSin;
    long cosBits = Float.floatToRawIntBits(c) ^ signCos;
    return (sinBits << 32) | (cosBits & 0xffffffffL);
  }

  static float sinOf(long sincos) { return f((int) (sincos >>> 32)); }

  static float cosOf(long sincos) { return f((int) sincos); }

  /** cvttps2dq: truncation, with the "integer indefinite" 0x80000000 for NaN and out-of-range values. */
  private static int cvtt(float v) {
    if (Float.isNaN(v) || v >= 0x1.0p31f || v < -0x1.0p31f) return Integer.MIN_VALUE;
    return (int) v;
  }

  /**
   * Transforms 16 uniforms at {@code data[off..off+16)} in place: lanes 0..7 become
   * {@code r*cos(theta)*std+mean}, lanes 8..15 {@code r*sin(theta)*std+mean}, with {@code r =
   * sqrt(-2 log(1-u[j]))} and {@code theta = 2 pi u[j+8]}.
   */
  static void fill16(float[] data, int off, float mean, float std) {
    for (int j = 0; j < 8; j++) {
      float u1 = 1f - data[off + j];
      float u2 = data[off + j + 8];
      float radius = (float) Math.sqrt((double) (-2f * log(u1)));
      float theta = TWO_PI * u2;
      long sc = sincos(theta);
      float n1 = radius * cosOf(sc);
      float n2 = radius * sinOf(sc);
      data[off + j] = Math.fma(n1, std, mean);
      data[off + j + 8] = Math.fma(n2, std, mean);
    }
  }
}
