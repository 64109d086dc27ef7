package dev.tcompile.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import dev.tcompile.runtime.NDArray;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ReLU's backward mask moves through max pooling's backward onto the pooled gradient, with the same bits. */
class PoolMaskFoldingTest {
  private static String graph(String pool, int h, int ph) {
    return """
        graph @g(%x: f32[2, 3, H, H], %gy: f32[2, 3, P, P]) {
          %0 = relu(%x) : f32[2, 3, H, H]
          %1, %2 = max_pool2d(%0) {POOL} : f32[2, 3, P, P], i64[2, 3, P, P]
          %c = constant 0.0 : f32[]
          %3 = max_pool2d_backward(%gy, %2) {POOL, input_shape=[2, 3, H, H]} : f32[2, 3, H, H]
          %4 = gt(%0, %c) : bool[2, 3, H, H]
          %5 = where(%4, %3, %c) : f32[2, 3, H, H]
          return %5, %1
        }
        """.replace("POOL", pool).replace("H", "" + h).replace("P", "" + ph);
  }

  private static final String POOL2 = "kernel_size=[2, 2], stride=[2, 2], padding=[0, 0], dilation=[1, 1], ceil_mode=false";
  private static final String POOL3 = "kernel_size=[3, 3], stride=[1, 1], padding=[1, 1], dilation=[1, 1], ceil_mode=false";

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {"2x2;8;4", "3x3 overlapping, padded;6;6"})
  void theMaskIsAppliedToThePooledGradientWithTheSameBits(String what, int h, int ph) {
    Graph g = GraphParser.parse(graph(what.startsWith("2x2") ? POOL2 : POOL3, h, ph));
    Graph folded = new DeadCodeElimination().run(new PoolMaskFolding().run(g));
    String text = GraphPrinter.print(folded);
    assertEquals(true, text.contains("%5_pm = gt(%1, %c)") && text.contains("%5_pg = where(%5_pm, %gy, %c)")
        && text.contains("%5 = max_pool2d_backward(%5_pg, %2)") && !text.contains("gt(%0"), text);
    Random r = new Random(h);
    float[] x = new float[2 * 3 * h * h], gy = new float[2 * 3 * ph * ph];
    for (int i = 0; i < x.length; i++) x[i] = i % 7 == 0 ? 0f : i % 11 == 0 ? Float.NaN : (float) r.nextGaussian();
    for (int i = 0; i < gy.length; i++) gy[i] = (float) r.nextGaussian();
    NDArray xa = NDArray.wrap(x, 2, 3, h, h), ga = NDArray.wrap(gy, 2, 3, ph, ph);
    float[] want = TransposeFoldingTest.eval(g, xa, ga).toFloatArray(), got = TransposeFoldingTest.eval(folded, xa, ga).toFloatArray();
    int[] wb = new int[want.length], gb = new int[got.length];
    for (int i = 0; i < want.length; i++) { wb[i] = Float.floatToRawIntBits(want[i]); gb[i] = Float.floatToRawIntBits(got[i]); }
    assertArrayEquals(wb, gb);
  }

  @Test void aScatterReadElsewhereOrAMaskOfAnotherTensorStays() {
    Graph g = GraphParser.parse(graph(POOL2, 8, 4).replace("return %5, %1", "return %5, %3"));
    assertEquals(GraphPrinter.print(g), GraphPrinter.print(new PoolMaskFolding().run(g)));
    Graph other = GraphParser.parse(graph(POOL2, 8, 4).replace("%4 = gt(%0, %c)", "%4 = gt(%x, %c)"));
    assertEquals(GraphPrinter.print(other), GraphPrinter.print(new PoolMaskFolding().run(other)));
  }
}
