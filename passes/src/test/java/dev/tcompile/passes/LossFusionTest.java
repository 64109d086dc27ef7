package dev.tcompile.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import dev.tcompile.runtime.NDArray;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** nll_loss_backward then log_softmax_backward becomes one kernel with the pair's bits, unless the loss gradient is read elsewhere. */
class LossFusionTest {
  private static String pair(int n, int c, String reduction, long ignore) {
    return """
        graph @g(%g: f32[], %t: i64[N], %logp: f32[N, C]) {
          %0 = nll_loss_backward(%g, %t) {reduction="R", ignore_index=IL, input_shape=[N, C]} : f32[N, C]
          %1 = log_softmax_backward(%0, %logp) {dim=1} : f32[N, C]
          return %1
        }
        """.replace("N", "" + n).replace("C", "" + c).replace("R", reduction).replace("I", "" + ignore);
  }

  @ParameterizedTest
  @CsvSource({"64, 10, mean, -100", "7, 33, sum, -100", "5, 17, mean, 3", "130, 1000, mean, -100"})
  void theFusedKernelHasThePairsBits(int n, int c, String reduction, long ignore) {
    Graph g = GraphParser.parse(pair(n, c, reduction, ignore));
    Graph fused = new LossFusion().run(g);
    String text = GraphPrinter.print(fused);
    assertTrue(text.contains("nll_log_softmax_backward(%g, %t, %logp)") && !text.contains("nll_loss_backward("), text);
    Random r = new Random(n * 31 + c);
    float[] x = new float[n * c];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian() * 3;
    NDArray logp = dev.tcompile.runtime.kernels.Softmax.forward(NDArray.wrap(x, n, c), 1, true);
    long[] t = new long[n];
    for (int i = 0; i < n; i++) t[i] = i % 4 == 1 && ignore >= 0 ? ignore : r.nextInt(c);
    NDArray grad = NDArray.wrap(new float[]{0.75f});
    NDArray want = TransposeFoldingTest.eval(g, grad, NDArray.wrap(t, n), logp), got = TransposeFoldingTest.eval(fused, grad, NDArray.wrap(t, n), logp);
    assertArrayEquals(want.toFloatArray(), got.toFloatArray());
  }

  @Test void aLossGradientReadElsewhereStays() {
    String text = pair(4, 3, "mean", -100).replace("return %1", "return %1, %0");
    Graph g = GraphParser.parse(text);
    assertEquals(GraphPrinter.print(g), GraphPrinter.print(new LossFusion().run(g)));
  }
}
