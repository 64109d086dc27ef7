package dev.tcompile.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import java.util.IdentityHashMap;
import java.util.Map;
import dev.tcompile.runtime.NDArray;
import org.junit.jupiter.api.Test;

/** A transposed product becomes the product of the transposes (contiguous), unless the product is read elsewhere. */
class TransposeFoldingTest {
  private static final String WEIGHT_GRAD = """
      graph @g(%x: f32[4, 3], %gy: f32[4, 5]) {
        %0 = permute(%x) {dims=[1, 0]} : f32[3, 4]
        %1 = mm(%0, %gy) : f32[3, 5]
        %2 = permute(%1) {dims=[1, 0]} : f32[5, 3]
        return %2
      }
      """;

  @Test void linearWeightGradientBecomesGTransposeTimesX() {
    Graph g = GraphParser.parse(WEIGHT_GRAD);
    Graph folded = new Simplify().run(new TransposeFolding().run(g));
    Graph clean = new DeadCodeElimination().run(folded);
    assertEquals("""
        graph @g(%x: f32[4, 3], %gy: f32[4, 5]) {
          %gy_t = permute(%gy) {dims=[1, 0]} : f32[5, 4]
          %2 = mm(%gy_t, %x) : f32[5, 3]
          return %2
        }
        """, GraphPrinter.print(clean));
    NDArray x = NDArray.wrap(new float[]{1, -2, 3, 0.5f, 4, -1, 2, 2, -3, 1, 0, 7}, 4, 3);
    float[] gyData = new float[20];
    for (int i = 0; i < 20; i++) gyData[i] = (i % 7) - 3.25f;
    NDArray gy = NDArray.wrap(gyData, 4, 5);
    NDArray want = eval(g, x, gy), got = eval(clean, x, gy);
    org.junit.jupiter.api.Assertions.assertArrayEquals(want.toFloatArray(), got.toFloatArray());
    assertEquals(true, got.isContiguous(), "the weight gradient is a dense tensor");
  }

  /** Runs each node's eager kernel in order (constants: their payload). */
  static NDArray eval(Graph g, NDArray... inputs) {
    Map<Value, NDArray> env = new IdentityHashMap<>();
    for (int i = 0; i < inputs.length; i++) env.put(g.inputs().get(i), inputs[i]);
    for (Node n : g.nodes()) {
      if (n.isConstant()) { env.put(n.output(), n.payload()); continue; }
      NDArray[] out = n.op().eval(n.attrs(), n.inputs().stream().map(env::get).toArray(NDArray[]::new));
      for (int i = 0; i < out.length; i++) env.put(n.outputs().get(i), out[i]);
    }
    return env.get(g.outputs().get(0));
  }

  @Test void aProductReadElsewhereIsLeftAlone() {
    String text = WEIGHT_GRAD.replace("return %2", "return %2, %1");
    Graph g = GraphParser.parse(text);
    assertEquals(GraphPrinter.print(g), GraphPrinter.print(new TransposeFolding().run(g)));
  }
}
