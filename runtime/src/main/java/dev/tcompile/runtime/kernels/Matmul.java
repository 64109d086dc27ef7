package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;

/**
 * Matrix products on strided float32 arrays, lowered to {@link Gemm#sgemm}: a transposed view is passed as a
 * transpose flag with its leading dimension instead of being copied.
 */
public final class Matmul {
  private Matmul() {}

  /** How one matrix operand is handed to sgemm. */
  private record Operand(float[] data, int offset, int ld, boolean trans) {}

  /** Matrix {@code a} (rows x cols at the given strides) as an sgemm operand, copying only when neither stride is 1. */
  private static Operand operand(NDArray a, int off, int rows, int cols, int rs, int cs) {
    if (cs == 1 && (rs >= Math.max(cols, 1) || rows == 1)) return new Operand(a.floats(), off, Math.max(rs, cols), false);
    if (rs == 1 && (cs >= Math.max(rows, 1) || cols == 1)) return new Operand(a.floats(), off, Math.max(cs, rows), true);
    float[] d = new float[rows * cols];
    float[] s = a.floats();
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) d[i * cols + j] = s[off + i * rs + j * cs];
    return new Operand(d, 0, cols, false);
  }

  /** out (m x n, dense, offset outOff) = alpha * a @ b + beta * out. */
  private static void gemm2d(NDArray a, int aOff, int ars, int acs, NDArray b, int bOff, int brs, int bcs,
                             int m, int k, int n, float beta, float[] out, int outOff) {
    Operand A = operand(a, aOff, m, k, ars, acs), B = operand(b, bOff, k, n, brs, bcs);
    Gemm.sgemm(A.trans, B.trans, m, n, k, 1f, A.data, A.offset, A.ld, B.data, B.offset, B.ld, beta, out, outOff, n);
  }

  private static NDArray f32(NDArray x) { return x.to(DType.FLOAT32); }

  public static NDArray mm(NDArray a, NDArray b) { return mm(a, b, null); }

  /** a @ b into {@code out} (dense m x n, aliasing neither operand), or into a new array when it is null. */
  public static NDArray mm(NDArray a, NDArray b, NDArray out) {
    if (DoubleMatmul.applies(a, b)) return DoubleMatmul.mm(a, b, out);
    a = f32(a); b = f32(b);
    int m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
    out = OutputBuffer.of(out, DType.FLOAT32, m, n, "matmul");
    if (k == 0) { java.util.Arrays.fill(out.floats(), 0, m * n, 0f); return out; }
    gemm2d(a, a.offset(), a.strides()[0], a.strides()[1], b, b.offset(), b.strides()[0], b.strides()[1], m, k, n, 0f, out.floats(), 0);
    return out;
  }

  /** bias (broadcast to m x n) + a @ b. */
  public static NDArray addmm(NDArray bias, NDArray a, NDArray b) { return addmm(bias, a, b, null); }

  /** bias (broadcast to m x n) + a @ b into {@code out} (dense m x n, aliasing no operand), or a new array. */
  public static NDArray addmm(NDArray bias, NDArray a, NDArray b, NDArray out) {
    if (DoubleMatmul.applies(a, b)) return DoubleMatmul.addmm(bias, a, b, out);
    a = f32(a); b = f32(b);
    int m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
    out = OutputBuffer.of(out, DType.FLOAT32, m, n, "matmul");
    out.copyFrom(f32(bias));
    if (k == 0) return out;
    gemm2d(a, a.offset(), a.strides()[0], a.strides()[1], b, b.offset(), b.strides()[0], b.strides()[1], m, k, n, 1f, out.floats(), 0);
    return out;
  }

  public static NDArray bmm(NDArray a, NDArray b) {
    if (DoubleMatmul.applies(a, b)) return DoubleMatmul.bmm(a, b);
    a = f32(a); b = f32(b);
    int bs = a.shape()[0], m = a.shape()[1], k = a.shape()[2], n = b.shape()[2];
    NDArray out = NDArray.empty(DType.FLOAT32, bs, m, n);
    if (k == 0) return out;
    for (int i = 0; i < bs; i++)
      gemm2d(a, a.offset() + i * a.strides()[0], a.strides()[1], a.strides()[2],
          b, b.offset() + i * b.strides()[0], b.strides()[1], b.strides()[2], m, k, n, 0f, out.floats(), i * m * n);
    return out;
  }

  /** Matrix-vector product: a (m x k) @ v (k). */
  public static NDArray mv(NDArray a, NDArray v) {
    if (DoubleMatmul.applies(a, v)) return DoubleMatmul.mv(a, v);
    a = f32(a); v = f32(v);
    int m = a.shape()[0], k = a.shape()[1];
    NDArray out = NDArray.empty(DType.FLOAT32, m);
    if (k == 0) return out;
    gemm2d(a, a.offset(), a.strides()[0], a.strides()[1], v, v.offset(), v.strides()[0], 1, m, k, 1, 0f, out.floats(), 0);
    return out;
  }

  /** Inner product of two vectors, accumulated in double. */
  public static NDArray dot(NDArray a, NDArray b) {
    if (DoubleMatmul.applies(a, b)) return DoubleMatmul.dot(a, b);
    a = f32(a); b = f32(b);
    int n = a.shape()[0];
    float[] x = a.floats(), y = b.floats();
    int xs = a.strides()[0], ys = b.strides()[0];
    double s = 0;
    for (int i = 0; i < n; i++) s += (double) x[a.offset() + i * xs] * y[b.offset() + i * ys];
    return NDArray.scalar(DType.FLOAT32, (float) s);
  }
}
