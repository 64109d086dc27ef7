package dev.tcompile.runtime.kernels;

/**
 * Natural log of one float exactly as SLEEF 3's {@code xlogf_u1} built with FMA (AVX2), the function behind
 * PyTorch 1.13's {@code Vectorized<float>::log} ({@code Sleef_logf8_u10}). ATen's log_softmax takes the log of
 * each row's sum with it, so the same operations here give PyTorch's bits. Double-float ("df") arithmetic as
 * in SLEEF's dd helpers: each pair (x, y) stands for x + y; every fused step is {@link Math#fma}.
 */
final class SleefLogf {
  private SleefLogf() {}

  private static final float LN2_HI = 0.69314718246459960938f, LN2_LO = -1.904654323148236017e-09f;

  static float log(float d) {
    float in = d;
    boolean tiny = d < Float.MIN_NORMAL;
    if (tiny) d *= 1.8446744073709552e19f;                                        // 2^64: subnormals scaled up
    int e = ((Float.floatToRawIntBits(d * (1.0f / 0.75f)) >>> 23) & 0xff) - 0x7f;  // vilogb2k
    float m = Float.intBitsToFloat(Float.floatToRawIntBits(d) + (-e << 23));      // vldexp3(d, -e)
    if (tiny) e -= 64;
    float ef = e;
    // s = (LN2_HI, LN2_LO) * e  (dfmul_vf2_vf2_vf)
    float sx = LN2_HI * ef;
    float sy = Math.fma(LN2_LO, ef, Math.fma(LN2_HI, ef, -sx));
    // x = (m - 1) / (m + 1) in double-float (dfadd2_vf2_vf_vf twice, then dfdiv_vf2_vf2_vf2)
    float nx = -1f + m, nv = nx - -1f, ny = (-1f - (nx - nv)) + (m - nv);
    float dx = 1f + m, dv = dx - 1f, dy = (1f - (dx - dv)) + (m - dv);
    float t = 1f / dx;
    float qx = nx * t;
    float u = Math.fma(t, nx, -qx);
    float v = Math.fma(-dy, t, Math.fma(-dx, t, 1f));
    float qy = Math.fma(qx, v, Math.fma(ny, t, u));
    float x2 = qx * qx;
    float p = Math.fma(Math.fma(0.3027294874f, x2, 0.3996108174f), x2, 0.6666694880f);
    // s += 2x (dfadd_vf2_vf2_vf2), then s += x^3 p (dfadd_vf2_vf2_vf)
    float ax = 2f * qx, ay = 2f * qy;
    float s2 = sx + ax;
    float s2y = (((sx - s2) + ax) + sy) + ay;
    float w = (x2 * qx) * p;
    float s3 = s2 + w;
    float s3y = ((s2 - s3) + w) + s2y;
    float r = s3 + s3y;
    if (in == Float.POSITIVE_INFINITY) r = Float.POSITIVE_INFINITY;
    if (in < 0 || Float.isNaN(in)) r = Float.NaN;
    if (in == 0) r = Float.NEGATIVE_INFINITY;
    return r;
  }
}
