package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The vectorised, dim-merging, parallel elementwise paths against the scalar definition ({@link BinaryOp#apply},
 * {@link UnaryOp#apply}) element by element, bit for bit: dense, tensor-scalar, scalar-tensor, row and column
 * broadcasts, transposed and offset views, size-1 dims, odd sizes, sizes past the parallel threshold, 1 and 2
 * threads.
 */
class PointwisePathsTest {
  @AfterEach void restoreThreads() { Parallel.setThreads(Runtime.getRuntime().availableProcessors()); }

  private static NDArray rand(Random r, int... shape) {
    NDArray a = NDArray.empty(DType.FLOAT32, shape);
    float[] d = a.floats();
    for (int i = 0; i < d.length; i++) d[i] = i % 97 == 0 ? -0f : (float) r.nextGaussian() * 3;
    if (d.length > 5) d[5] = Float.NaN;
    return a;
  }

  /** Elementwise check of op(a, b) over the broadcast shape, reading both through their strides. */
  private static void checkBinary(BinaryOp op, NDArray a, NDArray b) {
    NDArray out = Pointwise.binary(op, a, b, DType.FLOAT32);
    int[] shape = out.shape();
    int n = out.numel();
    for (int i = 0; i < n; i++) {
      float x = (float) a.getDouble(broadcastIndex(i, shape, a.shape())), y = (float) b.getDouble(broadcastIndex(i, shape, b.shape()));
      float want = op.apply(x, y), got = out.floats()[i];
      assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), op + " at " + i + ": " + x + ", " + y);
    }
  }

  /** Linear index into {@code from} (broadcast to {@code shape}) of element {@code i} of {@code shape}. */
  private static int broadcastIndex(int i, int[] shape, int[] from) {
    int idx = 0, mul = 1;
    for (int d = shape.length - 1, e = from.length - 1; d >= 0; d--, e--) {
      int c = i % shape[d];
      i /= shape[d];
      if (e >= 0) { if (from[e] != 1) idx += c * mul; mul *= from[e]; }
    }
    return idx;
  }

  private static NDArray transposed(NDArray a) {
    int[] s = a.shape(), st = a.strides();
    return a.view(new int[]{s[1], s[0]}, new int[]{st[1], st[0]}, a.offset());
  }

  @Test void binaryPathsMatchTheScalarDefinition() {
    Random r = new Random(3);
    for (int threads : new int[]{1, 2}) {
      Parallel.setThreads(threads);
      for (BinaryOp op : new BinaryOp[]{BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAXIMUM, BinaryOp.POW}) {
        for (int n : new int[]{1, 7, 8, 33, 3 * ParallelRows.GRAIN + 5}) {
          checkBinary(op, rand(r, n), rand(r, n));                      // dense
          checkBinary(op, rand(r, n), rand(r));                         // tensor-scalar
          checkBinary(op, rand(r), rand(r, n));                         // scalar-tensor
        }
        checkBinary(op, rand(r, 301, 259), rand(r, 259));               // row broadcast
        checkBinary(op, rand(r, 301, 259), rand(r, 301, 1));            // column broadcast
        checkBinary(op, rand(r, 3, 1, 5), rand(r, 1, 4, 1));            // both broadcast, size-1 dims
        checkBinary(op, transposed(rand(r, 259, 301)), rand(r, 301, 259)); // transposed view (tiles, edge tiles)
        checkBinary(op, rand(r, 301, 259), transposed(rand(r, 259, 301))); // ... as the second operand
        checkBinary(op, transposed(rand(r, 70, 40)), transposed(rand(r, 70, 40))); // both, below the parallel size
        checkBinary(op, transposed(rand(r, 100, 33)), rand(r, 100));   // transposed and a broadcast row
        NDArray big = rand(r, 40, 9000);                                // offset, strided rows: every other column
        NDArray view = big.view(new int[]{40, 4500}, new int[]{9000, 2}, 1);
        checkBinary(op, view, rand(r, 4500));
        checkBinary(op, view, rand(r));                                 // strided view and a scalar (x[:, ::2] + 1)
        NDArray wide = rand(r, 37, 2 * 301);                            // stride 2 up to the array's last element
        checkBinary(op, wide.view(new int[]{37, 301}, new int[]{602, 2}, 0), wide.view(new int[]{37, 301}, new int[]{602, 2}, 1));
        NDArray third = rand(r, 3 * 1000 + 2);                          // stride 3 (a gather), offset 2
        checkBinary(op, rand(r, 1000), third.view(new int[]{1000}, new int[]{3}, 2));
      }
    }
  }

  @Test void unaryPathsMatchTheScalarDefinition() {
    Random r = new Random(4);
    for (int threads : new int[]{1, 2}) {
      Parallel.setThreads(threads);
      for (UnaryOp op : new UnaryOp[]{UnaryOp.NEG, UnaryOp.ABS, UnaryOp.RELU, UnaryOp.SIGN, UnaryOp.SIN}) {
        for (NDArray x : new NDArray[]{rand(r, 7), rand(r, FloatLoops.PARALLEL_MIN + 3), transposed(rand(r, 301, 259)), rand(r, 1, 1)}) {
          NDArray out = Pointwise.unary(op, x);
          for (int i = 0; i < out.numel(); i++) {
            float want = op.apply((float) x.getDouble(i));
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(out.floats()[i]), op + " at " + i);
          }
        }
      }
    }
  }

  @Test void reluKeepsNanAndNegativeZero() {
    NDArray x = NDArray.wrap(new float[]{-0f, Float.NaN, -1f, 2f, -3f, 0f, Float.NEGATIVE_INFINITY, 5f, -0f}, 9);
    float[] y = Pointwise.unary(UnaryOp.RELU, x).floats();
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(y[0]));
    assertTrue(Float.isNaN(y[1]));
    assertArrayEquals(new float[]{0f, 2f, 0f, 0f, 0f, 5f}, java.util.Arrays.copyOfRange(y, 2, 8));
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(y[8]));
  }

  @Test void mapAndZipAgreeAcrossThreadCounts() {
    Random r = new Random(5);
    NDArray a = rand(r, 3 * ParallelRows.GRAIN + 1), b = rand(r, 3 * ParallelRows.GRAIN + 1);
    Parallel.setThreads(1);
    float[] m1 = Pointwise.map(a, x -> x * x + 1).floats(), z1 = Pointwise.zip(a, b, (x, y) -> x - 2 * y).floats();
    Parallel.setThreads(2);
    float[] m2 = Pointwise.map(a, x -> x * x + 1).floats(), z2 = Pointwise.zip(a, b, (x, y) -> x - 2 * y).floats();
    assertArrayEquals(m1, m2);
    assertArrayEquals(z1, z2);
    for (int i = 0; i < m1.length; i++) assertEquals(a.floats()[i] * a.floats()[i] + 1, m1[i]);
  }
}
