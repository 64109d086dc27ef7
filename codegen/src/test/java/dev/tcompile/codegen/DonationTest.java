package dev.tcompile.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.TorchException;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.passes.DeadCodeElimination;
import dev.tcompile.passes.Fusion;
import dev.tcompile.runtime.NDArray;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Outputs left in caller arrays ({@code Executable.run(inputs, into)}): written in place by the producing kernel
 * when every read of a donated input comes first, copied at the end otherwise; the values never depend on which.
 */
class DonationTest {
  private static NDArray random(long seed, int... shape) {
    Random r = new Random(seed);
    int n = 1;
    for (int s : shape) n *= s;
    float[] d = new float[n];
    for (int i = 0; i < n; i++) d[i] = (float) r.nextGaussian();
    return NDArray.wrap(d, shape);
  }

  private static Graph fused(String text) { return new DeadCodeElimination().run(new Fusion().run(GraphParser.parse(text))); }

  /** SGD with momentum on a parameter of 1000 elements (not a multiple of the vector length). */
  private static final String UPDATE = """
      graph @g(%p: f32[1001], %buf: f32[1001], %grad: f32[1001]) {
        %m = constant 0.9 : f32[]
        %lr = constant 0.01 : f32[]
        %0 = mul(%buf, %m) : f32[1001]
        %1 = add(%0, %grad) : f32[1001]
        %2 = mul(%1, %lr) : f32[1001]
        %3 = sub(%p, %2) : f32[1001]
        return %3, %1
      }
      """;

  @Test void anUpdateIsWrittenIntoTheParameterAndItsStateInPlace() {
    for (boolean generate : new boolean[]{false, true}) {
      Interpreter program = new Interpreter(fused(UPDATE), generate);
      NDArray p = random(1, 1001), buf = random(2, 1001), g = random(3, 1001);
      NDArray[] want = program.run(p.copy(), buf.copy(), g);
      NDArray[] got = program.run(new NDArray[]{p, buf, g}, new NDArray[]{p, buf});
      assertSame(p, got[0], "the new parameter is written into the parameter's array");
      assertSame(buf, got[1], "the new momentum into the old one's");
      assertArrayEquals(want[0].toFloatArray(), p.toFloatArray());
      assertArrayEquals(want[1].toFloatArray(), buf.toFloatArray());
    }
    // and it is a direct write, not a copy: the fused kernel's two outputs go to the caller's arrays
    Graph g = fused(UPDATE);
    NDArray p = random(1, 1001), buf = random(2, 1001), grad = random(3, 1001);
    NDArray[][] direct = new Donation(g).direct(new NDArray[]{p, buf, grad}, new NDArray[]{p, buf});
    assertEquals(1, java.util.Arrays.stream(direct).filter(java.util.Objects::nonNull).count());
    NDArray[] fusedOuts = java.util.Arrays.stream(direct).filter(java.util.Objects::nonNull).findFirst().orElseThrow();
    assertEquals(java.util.Set.of(p, buf), java.util.Set.of(fusedOuts));
  }

  /**
   * A bias gradient: a sum with keepdim, reshaped to the bias's shape as the graph's output. Its writer writes the
   * caller's buffer (seen with the sum's shape) and the reshape views that buffer: nothing is copied, and on both
   * backends the values are the undonated run's.
   */
  @Test void aReshapedSumIsWrittenIntoTheCallersBufferThroughTheReshape() {
    String text = """
        graph @g(%gy: f32[64, 37]) {
          %0 = relu(%gy) : f32[64, 37]
          %1 = sum(%0) {dims=[0], keepdim=true} : f32[1, 37]
          %2 = reshape(%1) {shape=[37]} : f32[37]
          return %2, %0
        }
        """;
    Graph g = fused(text);
    NDArray gy = random(4, 64, 37);
    NDArray bias = NDArray.empty(dev.tcompile.DType.FLOAT32, 37), act = NDArray.empty(dev.tcompile.DType.FLOAT32, 64, 37);
    NDArray[][] direct = new Donation(g).direct(new NDArray[]{gy}, new NDArray[]{bias, act});
    NDArray[] writes = java.util.Arrays.stream(direct).filter(java.util.Objects::nonNull).findFirst().orElseThrow();
    assertTrue(java.util.Arrays.stream(writes).anyMatch(w -> w != null && w.data() == bias.data() && java.util.Arrays.equals(w.shape(), new int[]{1, 37})),
        "the sum is written into the bias buffer seen as [1, 37]");
    NDArray[] want = new Interpreter(g).run(gy);
    for (Executable e : new Executable[]{new Interpreter(g), new dev.tcompile.codegen.program.ProgramExecutable(g, null)}) {
      for (int call = 0; call < 2; call++) {
        NDArray[] got = e.run(new NDArray[]{gy}, new NDArray[]{bias, act});
        assertSame(bias, got[0]);
        assertArrayEquals(want[0].toFloatArray(), bias.toFloatArray());
        assertArrayEquals(want[1].toFloatArray(), act.toFloatArray());
      }
    }
  }

  /** The donated array is read after the node that produces the output: the write waits for the end of the call. */
  @Test void aDonatedInputReadLaterIsCopiedAtTheEnd() {
    Graph g = GraphParser.parse("""
        graph @g(%w: f32[3, 3], %x: f32[3, 3]) {
          %0 = mm(%w, %x) : f32[3, 3]
          %1 = mm(%x, %w) : f32[3, 3]
          return %0, %1
        }
        """);
    Interpreter program = new Interpreter(g);
    NDArray w = random(4, 3, 3), x = random(5, 3, 3);
    NDArray[] want = program.run(w.copy(), x);
    NDArray[] got = program.run(new NDArray[]{w, x}, new NDArray[]{w, null});
    assertSame(w, got[0]);
    assertArrayEquals(want[0].toFloatArray(), w.toFloatArray());
    assertArrayEquals(want[1].toFloatArray(), got[1].toFloatArray(), "x @ w used w's old values");
    NDArray[][] direct = new Donation(g).direct(new NDArray[]{w, x}, new NDArray[]{w, null});
    assertTrue(java.util.Arrays.stream(direct).allMatch(d -> d == null), "no direct write: w is read after %0");
  }

  /** A matrix product cannot write over its own operand; the plan sees that and copies. */
  @Test void aKernelThatReadsTheDonatedInputOtherThanElementwiseDoesNotWriteIntoIt() {
    Graph g = GraphParser.parse("""
        graph @g(%a: f32[4, 4], %b: f32[4, 4]) {
          %0 = mm(%a, %b) : f32[4, 4]
          return %0
        }
        """);
    Interpreter program = new Interpreter(g);
    NDArray a = random(6, 4, 4), b = random(7, 4, 4);
    NDArray want = program.run(a.copy(), b)[0];
    program.run(new NDArray[]{a, b}, new NDArray[]{a});
    assertArrayEquals(want.toFloatArray(), a.toFloatArray());
    // a broadcast read of the donated input inside a fused kernel: not element for element either
    Graph bcast = fused("""
        graph @g(%v: f32[4], %m: f32[4, 4]) {
          %0 = expand(%v) {shape=[4, 4]} : f32[4, 4]
          %1 = add(%0, %m) : f32[4, 4]
          %2 = sum(%1) {dims=[0], keepdim=false} : f32[4]
          return %2
        }
        """);
    Interpreter p2 = new Interpreter(bcast, true);
    NDArray v = random(8, 4), m = random(9, 4, 4);
    NDArray want2 = p2.run(v.copy(), m)[0];
    p2.run(new NDArray[]{v, m}, new NDArray[]{v});
    assertArrayEquals(want2.toFloatArray(), v.toFloatArray());
  }

  @Test void destinationsThatShareStorageAreRefused() {
    Interpreter program = new Interpreter(fused(UPDATE));
    NDArray p = random(1, 1001), buf = random(2, 1001), g = random(3, 1001);
    assertThrows(TorchException.class, () -> program.run(new NDArray[]{p, buf, g}, new NDArray[]{p, p}));
    NDArray fresh = NDArray.wrap(new float[1001], 1001);
    NDArray[] out = program.run(new NDArray[]{p.copy(), buf.copy(), g}, new NDArray[]{fresh, null});
    assertSame(fresh, out[0], "a buffer that is not an input is written directly");
    assertNotSame(buf, out[1]);
  }
}
