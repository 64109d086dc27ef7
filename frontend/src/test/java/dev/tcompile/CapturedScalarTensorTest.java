package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A 0-d tensor the function closes over is read at every call, like any captured tensor: written in place
 * between calls (a scalar buffer, a step size), the compiled function sees the new value. (Found by the
 * differential fuzzer: captured 0-d tensors that did not require grad were baked into the graph as constants.)
 */
class CapturedScalarTensorTest {

  @Test void capturedZeroDimTensorIsReadAtEveryCall() {
    Tensor scale = Torch.scalar(2.0);
    CompiledFn f = Torch.compile(xs -> xs[0].mul(scale));
    Tensor x = Torch.tensor(1f, 2f, 3f);
    assertArrayEquals(new float[]{2f, 4f, 6f}, f.apply(x).toFloatArray());
    scale.fill_(-1.0);
    assertArrayEquals(new float[]{-1f, -2f, -3f}, f.apply(x).toFloatArray());
    assertEquals(1, f.traceCount(), "same signature: the cached program reads the captured tensor");
  }

  @Test void scalarOperandsCreatedInsideTheTraceStayConstants() {
    dev.tcompile.ir.Graph g = Torch.trace(xs -> xs[0].add(1.5), Torch.ones(2));
    assertEquals(1, g.inputs().size(), g.toString());
  }
}
