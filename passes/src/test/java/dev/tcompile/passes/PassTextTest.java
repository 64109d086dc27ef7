package dev.tcompile.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import org.junit.jupiter.api.Test;

/** Each pass, shown as IR before and after. */
class PassTextTest {
  private static String run(Pass p, String before) { return GraphPrinter.print(p.run(GraphParser.parse(before))); }

  @Test void dceDropsWhatNoOutputReads() {
    String before = """
        graph @g(%x: f32[2, 3]) {
          %0 = exp(%x) : f32[2, 3]
          %1 = relu(%x) : f32[2, 3]
          %2 = sum(%1) : f32[]
          %3 = constant 2.0 : f32[]
          %4 = mul(%2, %3) : f32[]
          return %2
        }
        """;
    String after = """
        graph @g(%x: f32[2, 3]) {
          %1 = relu(%x) : f32[2, 3]
          %2 = sum(%1) : f32[]
          return %2
        }
        """;
    assertEquals(after, run(new DeadCodeElimination(), before));
  }

  @Test void cseMergesEqualNodesAndConstants() {
    String before = """
        graph @g(%x: f32[2, 3]) {
          %0 = constant 2.0 : f32[]
          %1 = mul(%x, %0) : f32[2, 3]
          %2 = constant 2.0 : f32[]
          %3 = mul(%x, %2) : f32[2, 3]
          %4 = add(%1, %3) : f32[2, 3]
          %5 = sum(%4) {dims=[1], keepdim=false} : f32[2]
          %6 = sum(%4) {dims=[1], keepdim=true} : f32[2, 1]
          return %5, %6
        }
        """;
    String after = """
        graph @g(%x: f32[2, 3]) {
          %0 = constant 2.0 : f32[]
          %1 = mul(%x, %0) : f32[2, 3]
          %4 = add(%1, %1) : f32[2, 3]
          %5 = sum(%4) {dims=[1], keepdim=false} : f32[2]
          %6 = sum(%4) {dims=[1], keepdim=true} : f32[2, 1]
          return %5, %6
        }
        """;
    assertEquals(after, run(new CommonSubexpressionElimination(), before));
  }

  @Test void autodiffOfAProductSplitsIntoForwardAndBackward() {
    Graph g = GraphParser.parse("""
        graph @f(%x: f32[3] {requires_grad=true}, %y: f32[3]) {
          %0 = mul(%x, %y) : f32[3]
          %1 = sum(%0) : f32[]
          return %1
        }
        """);
    Autodiff.Split s = Autodiff.split(g, new boolean[]{true, false});
    assertEquals("""
        graph @f_forward(%x: f32[3] {requires_grad=true}, %y: f32[3]) {
          %0 = mul(%x, %y) : f32[3]
          %1 = sum(%0) : f32[]
          return %1, %y
        }
        """, GraphPrinter.print(s.forward()));
    assertEquals("""
        graph @f_backward(%y: f32[3], %grad_1: f32[]) {
          %2 = expand(%grad_1) {shape=[3]} : f32[3]
          %3 = mul(%2, %y) : f32[3]
          return %3
        }
        """, GraphPrinter.print(s.backward()));
    assertEquals(1, s.numSaved());
  }

  @Test void noGradientIsBuiltForInputsThatDoNotNeedOne() {
    Graph g = GraphParser.parse("""
        graph @f(%x: f32[2, 3], %w: f32[3, 4] {requires_grad=true}) {
          %0 = mm(%x, %w) : f32[2, 4]
          %1 = tanh(%0) : f32[2, 4]
          %2 = sum(%1) : f32[]
          return %2
        }
        """);
    Autodiff.Split s = Autodiff.split(g, new boolean[]{false, true});
    String bwd = GraphPrinter.print(s.backward());
    // only d/dw = x^T @ g: no mm producing a [2, 3] gradient for x
    assertEquals(1, bwd.lines().filter(l -> l.contains("= mm(")).count(), bwd);
    assertEquals(false, bwd.contains(": f32[2, 3]\n  return"), bwd);
  }
}
