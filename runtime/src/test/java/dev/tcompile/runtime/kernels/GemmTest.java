package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.runtime.Parallel;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * sgemm against the naive oracle. The tolerance is the standard float32 error bound of a k-term dot product,
 * taken twice (both results carry it): |fast - ref| <= 2 (k + 2) u sum_p |alpha a_ip b_pj| + 2 u |beta c_ij|.
 */
class GemmTest {
  private static final double U = Math.ulp(1f) / 2;

  @AfterEach void restoreThreads() { Parallel.setThreads(Runtime.getRuntime().availableProcessors()); }

  private static float[] rand(Random r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = r.nextFloat() * 2 - 1;
    return x;
  }

  /** Runs one case with operands embedded at offsets in larger arrays with padded leading dimensions. */
  private static void check(Random r, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, int pad) {
    int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
    int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
    int aOff = pad * 3 + 1, bOff = pad * 2 + 2, cOff = pad + 3;
    float[] a = rand(r, aOff + Math.max(aRows, 1) * lda), b = rand(r, bOff + Math.max(bRows, 1) * ldb);
    float[] c = rand(r, cOff + Math.max(m, 1) * ldc);
    if (beta == 0f) for (int i = 0; i < c.length; i++) if (i % 7 == 0) c[i] = Float.NaN; // must not propagate
    float[] ref = c.clone(), got = c.clone();
    GemmReference.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, ref, cOff, ldc);
    Gemm.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double mag = 0;
        for (int p = 0; p < k; p++) {
          float av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          float bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          mag += Math.abs((double) alpha * av * bv);
        }
        int ci = cOff + i * ldc + j;
        double tol = 2 * (k + 2) * U * mag + (beta == 0f ? 0 : 2 * U * Math.abs(beta * c[ci])) + 1e-30;
        float e = ref[ci], g = got[ci];
        assertFalse(Float.isNaN(g), () -> "NaN at " + ci);
        if (Math.abs(e - g) > tol)
          fail(String.format("ta=%b tb=%b m=%d n=%d k=%d alpha=%s beta=%s pad=%d: C[%d][%d] = %s, expected %s (tol %g)",
              ta, tb, m, n, k, alpha, beta, pad, i, j, g, e, tol));
      }
    }
    // nothing outside the m x n window of C was touched
    for (int i = 0; i < c.length; i++) {
      int rel = i - cOff;
      boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
      if (!inside) assertEquals(Float.floatToRawIntBits(c[i]), Float.floatToRawIntBits(got[i]), "C[" + i + "] outside window changed");
    }
  }

  @Test void edgeSizesAllTransposes() {
    Random r = new Random(11);
    int[] sizes = {1, 2, 3, 7, 13, 16, 17, 31, 33, 47};
    for (boolean ta : new boolean[]{false, true})
      for (boolean tb : new boolean[]{false, true})
        for (int m : sizes) for (int n : sizes) for (int k : new int[]{1, 5, 17, 64})
          check(r, ta, tb, m, n, k, 1f, 0f, 0);
  }

  @Test void alphaBetaOffsetsLeadingDims() {
    Random r = new Random(12);
    float[][] ab = {{1f, 0f}, {1f, 1f}, {-0.5f, 2f}, {2.5f, 0f}, {1f, -1f}};
    for (boolean ta : new boolean[]{false, true})
      for (boolean tb : new boolean[]{false, true})
        for (float[] x : ab)
          for (int pad : new int[]{0, 3})
            for (int[] s : new int[][]{{5, 9, 11}, {40, 70, 300}, {129, 97, 257}, {1, 200, 60}, {200, 1, 60}})
              check(r, ta, tb, s[0], s[1], s[2], x[0], x[1], pad);
  }

  @Test void largeBlockedAndParallel() {
    Random r = new Random(13);
    for (int threads : new int[]{1, 2}) {
      Parallel.setThreads(threads);
      for (boolean ta : new boolean[]{false, true})
        for (boolean tb : new boolean[]{false, true}) {
          check(r, ta, tb, 157, 601, 531, 1f, 0f, 1);   // n > NC, k > KC, ragged edges
          check(r, ta, tb, 389, 61, 300, 0.75f, 1.5f, 2); // shared B block, A panels claimed by threads
          check(r, ta, tb, 20, 1000, 300, 1f, 0.5f, 1);   // few rows: C split by columns
        }
    }
  }

  @Test void trainingStepShapes() {
    // the MLP 784-512-512-10 and MNIST fc layers: x W^T (few rows against a long B^T, read in place), g W, g^T x
    Random r = new Random(16);
    int[][] shapes = {{0, 1, 64, 512, 784}, {0, 1, 64, 10, 512}, {0, 1, 32, 500, 800}, {0, 0, 64, 784, 512},
        {0, 0, 64, 512, 10}, {1, 0, 512, 784, 64}, {1, 0, 10, 512, 64}, {1, 0, 10, 500, 32}, {0, 0, 24, 530, 300},
        {0, 1, 129, 13, 97}, {0, 1, 2, 12, 16}, {0, 1, 97, 37, 1000}};
    for (int threads : new int[]{1, 2}) {
      Parallel.setThreads(threads);
      for (int[] s : shapes) check(r, s[0] == 1, s[1] == 1, s[2], s[3], s[4], 1f, 0f, 0);
      check(r, false, true, 33, 100, 300, -0.5f, 2f, 3);
      check(r, false, false, 23, 100, 300, 1.5f, -1f, 2);
    }
  }

  /**
   * Same inputs, same thread count: the same bits on every call; and no path splits k or combines partial sums
   * in a thread-dependent order, so one and two threads give the same bits as well.
   */
  @Test void bitIdenticalRunToRunAndAcrossThreadCounts() {
    Random r = new Random(17);
    int[][] shapes = {{0, 0, 256, 256, 256}, {0, 1, 64, 512, 784}, {1, 0, 512, 784, 64}, {0, 0, 64, 784, 512},
        {0, 0, 20, 1000, 300}, {0, 1, 300, 200, 530}, {1, 1, 77, 333, 129}, {0, 1, 64, 10, 512}, {1, 0, 10, 512, 64}};
    for (int[] s : shapes) {
      boolean ta = s[0] == 1, tb = s[1] == 1;
      int m = s[2], n = s[3], k = s[4];
      float[] a = rand(r, m * k), b = rand(r, k * n);
      float[][] got = new float[3][];
      int[] threads = {1, 2, 2};
      for (int run = 0; run < 3; run++) {
        Parallel.setThreads(threads[run]);
        got[run] = new float[m * n];
        Gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, got[run], 0, n);
      }
      String shape = java.util.Arrays.toString(s);
      assertArrayEquals(got[1], got[2], "two threads, run to run: " + shape);
      assertArrayEquals(got[0], got[1], "one vs two threads: " + shape);
    }
  }

  @Test void matrixVectorShapes() {
    Random r = new Random(14);
    for (boolean ta : new boolean[]{false, true})
      for (boolean tb : new boolean[]{false, true})
        for (int[] s : new int[][]{{1, 10, 784}, {1, 1000, 300}, {300, 1, 1000}, {1, 1, 999}, {64, 1, 1}})
          check(r, ta, tb, s[0], s[1], s[2], 1f, 0f, 0);
  }

  @Test void emptyAndDegenerate() {
    float[] c = {1, 2, 3, 4};
    Gemm.sgemm(false, false, 0, 2, 3, 1f, new float[0], 0, 3, new float[6], 0, 2, 0f, c, 0, 2);
    assertArrayEquals(new float[]{1, 2, 3, 4}, c);
    Gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 0, new float[0], 0, 2, 2f, c, 0, 2);
    assertArrayEquals(new float[]{2, 4, 6, 8}, c); // k == 0: C = beta * C
    float[] nan = {Float.NaN, Float.NaN};
    Gemm.sgemm(false, false, 1, 2, 0, 1f, new float[0], 0, 0, new float[0], 0, 2, 0f, nan, 0, 2);
    assertArrayEquals(new float[]{0, 0}, nan);
    float[] z = {5f};
    Gemm.sgemm(false, false, 1, 1, 1, 0f, new float[]{Float.NaN}, 0, 1, new float[]{1f}, 0, 1, 1f, z, 0, 1);
    assertEquals(5f, z[0]); // alpha == 0: A and B not read, as BLAS
  }

  @Test void exactSmallIntegers() {
    // integer-valued inputs make every partial sum exact: results must match bit for bit
    Random r = new Random(15);
    for (boolean ta : new boolean[]{false, true})
      for (boolean tb : new boolean[]{false, true}) {
        int m = 37, n = 45, k = 290;
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextInt(7) - 3;
        for (int i = 0; i < b.length; i++) b[i] = r.nextInt(7) - 3;
        float[] e = new float[m * n], g = new float[m * n];
        GemmReference.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, e, 0, n);
        Gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, g, 0, n);
        assertArrayEquals(e, g);
      }
  }
}
