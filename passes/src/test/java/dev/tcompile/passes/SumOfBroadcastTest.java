package dev.tcompile.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import dev.tcompile.runtime.NDArray;
import org.junit.jupiter.api.Test;

/** The sum of a broadcast over its broadcast dims is the value times the count; other sums of broadcasts stay. */
class SumOfBroadcastTest {
  @Test void aSumOverTheBroadcastDimsIsAProduct() {
    Graph g = GraphParser.parse("""
        graph @g(%x: f32[1, 5]) {
          %0 = expand(%x) {shape=[3, 7, 5]} : f32[3, 7, 5]
          %1 = sum(%0) {dims=[0, 1], keepdim=false} : f32[5]
          return %1
        }
        """);
    Graph r = new DeadCodeElimination().run(new SumOfBroadcast().run(g));
    String text = GraphPrinter.print(r);
    assertTrue(!text.contains("expand") && !text.contains("sum(") && text.contains("mul("), text);
    NDArray x = NDArray.wrap(new float[]{0.1f, -3f, 1e-20f, 7.25f, 1f / 3}, 1, 5);
    float[] want = new float[5];
    for (int i = 0; i < 5; i++) want[i] = x.floats()[i] * 21f;
    assertArrayEquals(want, TransposeFoldingTest.eval(r, x).toFloatArray());
  }

  @Test void sumsOverOtherDimsStay() {
    String text = """
        graph @g(%x: f32[1, 5]) {
          %0 = expand(%x) {shape=[3, 5]} : f32[3, 5]
          %1 = sum(%0) {dims=[1], keepdim=false} : f32[3]
          return %1
        }
        """;
    Graph g = GraphParser.parse(text);
    assertEquals(GraphPrinter.print(g), GraphPrinter.print(new SumOfBroadcast().run(g)));
  }
}
