package dev.tcompile.runtime.kernels;

/**
 * Single-precision GEMM, BLAS conventions in row-major storage:
 * {@code C = alpha * op(A) * op(B) + beta * C}, op(A) m x k, op(B) k x n, C m x n.
 * {@code lda/ldb/ldc} are row strides (elements between consecutive rows of the stored matrix).
 * When beta == 0, C is overwritten without being read (NaNs in C do not propagate), as BLAS does.
 */
public final class Gemm {
  private Gemm() {}

  public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
    GemmReference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }
}
