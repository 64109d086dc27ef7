package dev.tcompile.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import dev.tcompile.ir.Node;
import dev.tcompile.runtime.NDArray;
import org.junit.jupiter.api.Test;

/** Nodes of constants only are computed at compile time; broadcasts and creation ops are left to the program. */
class ConstantFoldingTest {
  @Test void aFrozenWeightIsPreTransposedAndItsArithmeticPrecomputed() {
    Graph g = GraphParser.parse("""
        graph @g(%x: f32[2, 3], %w: f32[4, 3], %b: f32[4]) {
          %0 = permute(%w) {dims=[1, 0]} : f32[3, 4]
          %1 = mul(%b, %b) : f32[4]
          %2 = addmm(%1, %x, %0) : f32[2, 4]
          return %2
        }
        """);
    float[] w = new float[12];
    for (int i = 0; i < 12; i++) w[i] = i - 5.5f;
    Graph frozen = InputsAsConstants.apply(g, new NDArray[]{null, NDArray.wrap(w, 4, 3), NDArray.wrap(new float[]{1, -2, 3, 0.5f}, 4)});
    assertEquals(1, frozen.inputs().size());
    Graph folded = new DeadCodeElimination().run(new ConstantFolding().run(frozen));
    String text = GraphPrinter.print(folded);
    assertTrue(!text.contains("permute") && !text.contains("mul("), text);
    Node transposed = folded.nodes().stream().filter(n -> n.isConstant() && n.output().name().equals("0")).findFirst().orElseThrow();
    NDArray t = transposed.payload();
    assertTrue(t.isContiguous(), "folded to a dense [3, 4] array");
    assertEquals(-5.5f, t.floats()[0]);
    assertEquals(-2.5f, t.floats()[1]);   // w[1][0]
    Node squared = folded.nodes().stream().filter(n -> n.isConstant() && n.output().name().equals("1")).findFirst().orElseThrow();
    assertArrayEquals(new float[]{1, 4, 9, 0.25f}, squared.payload().toFloatArray());
  }

  @Test void broadcastsCreationOpsAndNonConstantsStay() {
    Graph g = GraphParser.parse("""
        graph @g(%x: f32[100, 100]) {
          %c = constant 2.0 : f32[]
          %0 = expand(%c) {shape=[100, 100]} : f32[100, 100]
          %1 = mul(%x, %0) : f32[100, 100]
          return %1
        }
        """);
    assertEquals(GraphPrinter.print(g), GraphPrinter.print(new ConstantFolding().run(g)));
  }
}
