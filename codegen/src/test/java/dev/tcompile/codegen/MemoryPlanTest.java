package dev.tcompile.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.tcompile.DType;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.passes.DeadCodeElimination;
import dev.tcompile.passes.Fusion;
import dev.tcompile.runtime.NDArray;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Planned buffers for kernel intermediates: reused once dead, never for what leaves the graph, right across calls. */
class MemoryPlanTest {
  /**
   * exp -> softmax, then mul/tanh -> softmax: three intermediates of one size (two fused, one softmax writing into
   * its buffer); exp's is dead once the first softmax has read it, so the mul/tanh loop reuses it.
   */
  private static final String TWO_STAGES = """
      graph @g(%x: f32[1000], %y: f32[1000]) {
        %0 = exp(%x) : f32[1000]
        %1 = softmax(%0) {dim=0} : f32[1000]
        %2 = mul(%y, %1) : f32[1000]
        %3 = tanh(%2) : f32[1000]
        %4 = softmax(%3) {dim=0} : f32[1000]
        %5 = reshape(%4) {shape=[10, 100]} : f32[10, 100]
        %6 = neg(%5) : f32[10, 100]
        return %4, %6
      }
      """;

  private static Graph fused(String text) { return new DeadCodeElimination().run(new Fusion().run(GraphParser.parse(text))); }

  @Test void deadIntermediatesShareABufferAndOutputsGetNone() {
    MemoryPlan plan = new MemoryPlan(fused(TWO_STAGES));
    assertEquals(2, plan.buffers().size(), plan.toString());
    assertEquals(8000, plan.plannedBytes());
    assertEquals(12000, plan.bytesWithoutReuse());
  }

  @Test void aViewOfAnIntermediateThatIsReturnedKeepsItOutOfThePlan() {
    MemoryPlan plan = new MemoryPlan(fused("""
        graph @g(%x: f32[1000]) {
          %0 = exp(%x) : f32[1000]
          %1 = reshape(%0) {shape=[10, 100]} : f32[10, 100]
          %2 = softmax(%0) {dim=0} : f32[1000]
          return %1, %2
        }
        """));
    assertEquals(0, plan.buffers().size(), plan.toString());
  }

  @Test void repeatedCallsReuseBuffersAndStillComputeEachCallsValues() {
    Graph g = fused(TWO_STAGES);
    Interpreter planned = new Interpreter(g);
    Random r = new Random(1);
    for (int call = 0; call < 3; call++) {
      NDArray x = NDArray.empty(DType.FLOAT32, 1000), y = NDArray.empty(DType.FLOAT32, 1000);
      for (int i = 0; i < 1000; i++) { x.floats()[i] = (float) r.nextGaussian() * 0.01f; y.floats()[i] = (float) r.nextGaussian() * 0.001f; }
      NDArray[] got = planned.run(x, y);
      NDArray[] want = new Interpreter(GraphParser.parse(TWO_STAGES)).run(x, y);
      assertArrayEquals(want[0].toFloatArray(), got[0].toFloatArray(), 1e-6f);
      assertArrayEquals(want[1].toFloatArray(), got[1].toFloatArray(), 1e-6f);
      assertNotSame(got[1], planned.run(x, y)[1], "outputs are fresh arrays every call");
    }
  }

  /** A pointwise kernel whose input dies there writes its output over it. */
  @Test void aKernelWritesOverAnInputThatDiesAtIt() {
    String text = """
        graph @g(%a: f32[33, 17], %b: f32[17, 17]) {
          %0 = mm(%a, %b) : f32[33, 17]
          %1 = relu(%0) : f32[33, 17]
          %2 = mm(%1, %b) : f32[33, 17]
          %3 = tanh(%2) : f32[33, 17]
          %4 = sum(%3) {dims=[0, 1], keepdim=false} : f32[]
          return %4
        }
        """;
    Graph g = fused(text);
    MemoryPlan plan = new MemoryPlan(g);
    assertEquals(1, plan.inPlaceOutputs(), "relu writes over the product it consumes: " + plan);
    assertEquals(2, plan.buffers().size(), "the second product cannot: mm reads its operand while it writes");
    Random r = new Random(2);
    NDArray a = NDArray.empty(DType.FLOAT32, 33, 17), b = NDArray.empty(DType.FLOAT32, 17, 17);
    for (int i = 0; i < a.numel(); i++) a.floats()[i] = (float) r.nextGaussian();
    for (int i = 0; i < b.numel(); i++) b.floats()[i] = (float) r.nextGaussian() * 0.3f;
    float want = new Interpreter(GraphParser.parse(text)).run(a, b)[0].floats()[0];
    for (boolean generate : new boolean[]{false, true}) {
      Interpreter planned = new Interpreter(g, generate);
      for (int call = 0; call < 2; call++) assertEquals(want, planned.run(a, b)[0].floats()[0], 1e-4f * Math.abs(want));
    }
  }
}
