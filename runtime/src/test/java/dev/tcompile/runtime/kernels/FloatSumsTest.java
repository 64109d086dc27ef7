package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * sum/mean through {@link Reduce#reduce}: every dim combination of small and odd shapes against a double-precision
 * oracle (within the float error bound of a blocked sum), long sums to PyTorch-class accuracy, and the same bits for
 * 1 and 2 threads (split points never depend on the thread count).
 */
class FloatSumsTest {
  @AfterEach void restoreThreads() { Parallel.setThreads(Runtime.getRuntime().availableProcessors()); }

  private static NDArray rand(Random r, int... shape) {
    NDArray a = NDArray.empty(DType.FLOAT32, shape);
    float[] d = a.floats();
    for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian() + 0.5f;
    return a;
  }

  /** Sum (or mean) over {@code mask} in double, by brute force over the full index space. */
  private static double[] oracle(NDArray x, boolean[] mask, boolean mean) {
    int[] s = x.shape();
    int[] outShape = dev.tcompile.runtime.Shapes.reducedShape(s, mask, false);
    int nOut = 1, r = 1;
    for (int v : outShape) nOut *= v;
    for (int d = 0; d < s.length; d++) if (mask[d]) r *= s[d];
    double[] out = new double[nOut];
    int n = x.numel();
    for (int i = 0; i < n; i++) {
      int rem = i, o = 0, mul = 1;
      for (int d = s.length - 1; d >= 0; d--) {
        int c = rem % s[d];
        rem /= s[d];
        if (!mask[d]) { o += c * mul; mul *= s[d]; }
      }
      out[o] += x.getDouble(i);
    }
    if (mean) for (int i = 0; i < nOut; i++) out[i] /= r;
    return out;
  }

  @Test void everyDimSubsetMatchesTheOracle() {
    Random rnd = new Random(7);
    int[][] shapes = {{5}, {1}, {3, 7}, {7, 1}, {2, 3, 5}, {4, 1, 33, 2}, {3, 2100}, {2100, 3}, {2, 9, 300}};
    for (int threads : new int[]{1, 2}) {
      Parallel.setThreads(threads);
      for (int[] shape : shapes) {
        NDArray x = rand(rnd, shape);
        for (int m = 1; m < (1 << shape.length); m++) {
          boolean[] mask = new boolean[shape.length];
          for (int d = 0; d < shape.length; d++) mask[d] = (m >> d & 1) != 0;
          for (boolean mean : new boolean[]{false, true}) {
            float[] got = Reduce.reduce(mean ? Reduce.Kind.MEAN : Reduce.Kind.SUM, x, mask, false).floats();
            double[] want = oracle(x, mask, mean);
            for (int i = 0; i < want.length; i++)
              assertEquals(want[i], got[i], 1e-5 * (1 + Math.abs(want[i])) * Math.sqrt(x.numel()),
                  java.util.Arrays.toString(shape) + " mask " + m + " mean " + mean + " at " + i);
          }
        }
      }
    }
  }

  @Test void longSumsAreAccurateAndIndependentOfTheThreadCount() {
    Random rnd = new Random(8);
    for (int n : new int[]{FloatSums.BLOCK - 1, FloatSums.BLOCK * 37 + 13, (1 << 20) + 3}) {
      NDArray x = rand(rnd, n);
      double want = 0;
      for (float v : x.floats()) want += v;
      boolean[] all = {true};
      Parallel.setThreads(1);
      float one = Reduce.reduce(Reduce.Kind.SUM, x, all, false).floats()[0];
      Parallel.setThreads(2);
      float two = Reduce.reduce(Reduce.Kind.SUM, x, all, false).floats()[0];
      assertEquals(Float.floatToIntBits(one), Float.floatToIntBits(two), "n = " + n);
      // PyTorch-class accuracy: a few float ulps of the magnitude, not n ulps as a running float sum could be
      assertEquals(want, one, 4 * Math.ulp((float) want) + 1e-6 * Math.sqrt(n), "n = " + n);
    }
    NDArray cols = rand(rnd, 3000, 257);                                  // column sums, many rows
    Parallel.setThreads(1);
    float[] c1 = Reduce.reduce(Reduce.Kind.SUM, cols, new boolean[]{true, false}, false).floats();
    Parallel.setThreads(2);
    float[] c2 = Reduce.reduce(Reduce.Kind.SUM, cols, new boolean[]{true, false}, false).floats();
    assertArrayEquals(c1, c2);
  }

  @Test void emptyAndViewInputs() {
    NDArray empty = NDArray.empty(DType.FLOAT32, 0, 3);
    assertArrayEquals(new float[]{0, 0, 0}, Reduce.reduce(Reduce.Kind.SUM, empty, new boolean[]{true, false}, false).floats());
    assertTrue(Float.isNaN(Reduce.reduce(Reduce.Kind.MEAN, empty, new boolean[]{true, false}, false).floats()[0]));
    // a contiguous view at an offset, and a transposed (non-contiguous) one
    NDArray base = NDArray.wrap(new float[]{9, 1, 2, 3, 4, 5, 6}, 7);
    NDArray tail = base.view(new int[]{2, 3}, new int[]{3, 1}, 1);
    assertArrayEquals(new float[]{6, 15}, Reduce.reduce(Reduce.Kind.SUM, tail, new boolean[]{false, true}, false).floats());
    NDArray t = tail.view(new int[]{3, 2}, new int[]{1, 3}, 1);
    assertArrayEquals(new float[]{6, 15}, Reduce.reduce(Reduce.Kind.SUM, t, new boolean[]{true, false}, false).floats());
  }
}
