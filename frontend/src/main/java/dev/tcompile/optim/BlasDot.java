package dev.tcompile.optim;

import dev.tcompile.Tensor;

/**
 * {@code torch.dot} of two float32 vectors as PyTorch 1.13's reference build computes it: ATen hands a
 * contiguous float dot to BLAS {@code sdot}, here OpenBLAS 0.3.21 (Debian's) with its SkylakeX kernel (what
 * it picks on an AVX-512 CPU): the largest multiple of 32 elements goes to the vector kernel (four 16-lane
 * fused multiply-add accumulators over 64-element blocks, folded to 8 lanes, then four 8-lane accumulators
 * over 32-element blocks, summed {@code ((a0 + a1) + a2) + a3}, halves added, two horizontal adds); the rest
 * adds float products into a double, which finally adds the kernel's sum and is rounded to float.
 *
 * <p>LBFGS's curvature pairs and step sizes come from such dots and its line search amplifies their last
 * bits, so it uses this rather than {@link Tensor#dot}, whose summation is more accurate but not PyTorch's.
 * On an AVX2-only CPU, OpenBLAS's Haswell kernel sums the 32-element blocks in another order.
 */
final class BlasDot {
  private BlasDot() {}

  static float sdot(float[] x, float[] y) {
    int n = x.length;
    if (y.length != n) throw new IllegalArgumentException("sdot of lengths " + n + " and " + y.length);
    int n1 = n & -32;
    float kernel = n1 > 0 ? kernel(x, y, n1) : 0f;
    double dot = 0;
    for (int i = n1; i < n; i++) dot += y[i] * x[i];
    dot += kernel;
    return (float) dot;
  }

  /**
   * {@code torch.dot} of two float64 vectors as the same OpenBLAS computes it (checked against PyTorch 1.13 on
   * random vectors): below 16 elements one fused multiply-add chain; from 16 to 31, its 16-element kernel (four
   * 4-lane fused multiply-add accumulators, summed {@code ((a0 + a1) + a2) + a3}, lanes {@code (l0 + l2) + (l1 + l3)})
   * then the chain over the rest from that sum. From 32 elements OpenBLAS's AVX-512 kernel sums in an order not
   * reproduced here: this then adds the same products in the 16-element kernel's order (a last-bit difference).
   */
  static double ddot(double[] x, double[] y) {
    int n = x.length;
    if (y.length != n) throw new IllegalArgumentException("ddot of lengths " + n + " and " + y.length);
    int n1 = n & -16;
    double dot = 0;
    if (n1 > 0) {
      double[][] acc = new double[4][4];
      for (int i = 0; i < n1; i += 16)
        for (int k = 0; k < 4; k++)
          for (int l = 0; l < 4; l++) acc[k][l] = Math.fma(x[i + 4 * k + l], y[i + 4 * k + l], acc[k][l]);
      double[] v = new double[4];
      for (int l = 0; l < 4; l++) v[l] = ((acc[0][l] + acc[1][l]) + acc[2][l]) + acc[3][l];
      dot = (v[0] + v[2]) + (v[1] + v[3]);
    }
    for (int i = n1; i < n; i++) dot = Math.fma(x[i], y[i], dot);
    return dot;
  }

  static double ddot(Tensor a, Tensor b) { return ddot(a.contiguous().toDoubleArray(), b.contiguous().toDoubleArray()); }

  static float sdot(Tensor a, Tensor b) { return sdot(a.contiguous().toFloatArray(), b.contiguous().toFloatArray()); }

  private static float kernel(float[] x, float[] y, int n) {
    float[][] acc = new float[4][8];
    int i = 0;
    int n64 = n & ~63;
    if (n64 > 0) {
      float[][] wide = new float[4][16];
      for (; i < n64; i += 64)
        for (int k = 0; k < 4; k++)
          for (int l = 0; l < 16; l++) wide[k][l] = Math.fma(x[i + 16 * k + l], y[i + 16 * k + l], wide[k][l]);
      for (int k = 0; k < 4; k++) for (int l = 0; l < 8; l++) acc[k][l] = wide[k][l] + wide[k][l + 8];
    }
    for (; i < n; i += 32)
      for (int k = 0; k < 4; k++)
        for (int l = 0; l < 8; l++) acc[k][l] = Math.fma(x[i + 8 * k + l], y[i + 8 * k + l], acc[k][l]);
    float[] a = new float[8];
    for (int l = 0; l < 8; l++) a[l] = ((acc[0][l] + acc[1][l]) + acc[2][l]) + acc[3][l];
    float h0 = a[0] + a[4], h1 = a[1] + a[5], h2 = a[2] + a[6], h3 = a[3] + a[7];
    return (h0 + h1) + (h2 + h3);
  }
}
