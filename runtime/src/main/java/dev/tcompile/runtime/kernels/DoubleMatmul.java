package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;

/**
 * {@link Matmul}'s products in float64: a plain i-k-j loop over strided operands (each output row accumulated
 * in double, k in order), enough for the float64 programs PyTorch users write for numerics and gradcheck.
 */
final class DoubleMatmul {
  private DoubleMatmul() {}

  /** out[outOff + i*n + j] = beta * out[...] + sum_k a[i,k] * b[k,j]. */
  private static void gemm(NDArray a, int aOff, int ars, int acs, NDArray b, int bOff, int brs, int bcs,
                           int m, int k, int n, boolean accumulate, double[] out, int outOff) {
    double[] x = a.doubles(), y = b.doubles();
    double[] row = new double[n];
    for (int i = 0; i < m; i++) {
      java.util.Arrays.fill(row, 0);
      for (int p = 0; p < k; p++) {
        double av = x[aOff + i * ars + p * acs];
        int bb = bOff + p * brs;
        for (int j = 0; j < n; j++) row[j] += av * y[bb + j * bcs];
      }
      int o = outOff + i * n;
      for (int j = 0; j < n; j++) out[o + j] = accumulate ? out[o + j] + row[j] : row[j];
    }
  }

  private static NDArray f64(NDArray x) { return x.to(DType.FLOAT64); }

  static NDArray mm(NDArray a, NDArray b, NDArray out) {
    a = f64(a); b = f64(b);
    int m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
    out = OutputBuffer.of(out, DType.FLOAT64, new int[]{m, n}, "matmul");
    gemm(a, a.offset(), a.strides()[0], a.strides()[1], b, b.offset(), b.strides()[0], b.strides()[1], m, k, n, false, out.doubles(), 0);
    return out;
  }

  static NDArray addmm(NDArray bias, NDArray a, NDArray b, NDArray out) {
    a = f64(a); b = f64(b);
    int m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
    out = OutputBuffer.of(out, DType.FLOAT64, new int[]{m, n}, "matmul");
    out.copyFrom(f64(bias));
    gemm(a, a.offset(), a.strides()[0], a.strides()[1], b, b.offset(), b.strides()[0], b.strides()[1], m, k, n, true, out.doubles(), 0);
    return out;
  }

  static NDArray bmm(NDArray a, NDArray b) {
    a = f64(a); b = f64(b);
    int bs = a.shape()[0], m = a.shape()[1], k = a.shape()[2], n = b.shape()[2];
    NDArray out = NDArray.empty(DType.FLOAT64, bs, m, n);
    for (int i = 0; i < bs; i++)
      gemm(a, a.offset() + i * a.strides()[0], a.strides()[1], a.strides()[2],
          b, b.offset() + i * b.strides()[0], b.strides()[1], b.strides()[2], m, k, n, false, out.doubles(), i * m * n);
    return out;
  }

  static NDArray mv(NDArray a, NDArray v) {
    a = f64(a); v = f64(v);
    int m = a.shape()[0], k = a.shape()[1];
    NDArray out = NDArray.empty(DType.FLOAT64, m);
    gemm(a, a.offset(), a.strides()[0], a.strides()[1], v, v.offset(), v.strides()[0], 1, m, k, 1, false, out.doubles(), 0);
    return out;
  }

  static NDArray dot(NDArray a, NDArray b) {
    a = f64(a); b = f64(b);
    int n = a.shape()[0];
    double[] x = a.doubles(), y = b.doubles();
    int xs = a.strides()[0], ys = b.strides()[0];
    double s = 0;
    for (int i = 0; i < n; i++) s += x[a.offset() + i * xs] * y[b.offset() + i * ys];
    return NDArray.scalar(DType.FLOAT64, s);
  }

  static boolean applies(NDArray a, NDArray b) { return a.dtype() == DType.FLOAT64 || b.dtype() == DType.FLOAT64; }
}
