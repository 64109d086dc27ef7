package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** mm/addmm into a given buffer (a compiled program's planned memory) give exactly the allocating forms' results. */
class MatmulIntoTest {
  private static NDArray random(Random r, int rows, int cols) {
    float[] d = new float[rows * cols];
    for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
    return NDArray.wrap(d, rows, cols);
  }

  @Test void intoAGivenBufferEqualsAFreshOne() {
    Random r = new Random(3);
    for (int[] mkn : new int[][]{{1, 1, 1}, {7, 13, 5}, {64, 100, 33}, {130, 70, 129}, {5, 0, 4}}) {
      NDArray a = random(r, mkn[0], mkn[1]), b = random(r, mkn[1], mkn[2]), bias = random(r, 1, mkn[2]);
      NDArray out = NDArray.full(DType.FLOAT32, Float.NaN, mkn[0], mkn[2]);    // stale contents must not leak in
      assertSame(out, Matmul.mm(a, b, out));
      assertArrayEquals(Matmul.mm(a, b).toFloatArray(), out.toFloatArray());
      // a transposed operand (a strided view) too
      NDArray bs = random(r, mkn[2], mkn[1]), bt = bs.view(new int[]{mkn[1], mkn[2]}, new int[]{1, mkn[1]}, 0);
      assertArrayEquals(Matmul.mm(a, bt).toFloatArray(), Matmul.mm(a, bt, out).toFloatArray());
      assertArrayEquals(Matmul.addmm(bias, a, b).toFloatArray(), Matmul.addmm(bias, a, b, out).toFloatArray());
    }
  }

  @Test void aBufferOfTheWrongShapeIsRefused() {
    Random r = new Random(4);
    NDArray a = random(r, 3, 4), b = random(r, 4, 5);
    assertThrows(IllegalArgumentException.class, () -> Matmul.mm(a, b, NDArray.empty(DType.FLOAT32, 5, 3)));
    assertThrows(IllegalArgumentException.class, () -> Matmul.mm(a, b, NDArray.empty(DType.FLOAT32, 3, 10).view(new int[]{3, 5}, new int[]{10, 1}, 0)));
  }
}
