package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A function traced with one tensor passed as two arguments reads a single graph input for both; a later call
 * with two different tensors must not reuse that program. (Found while extending the differential fuzzer: the
 * cached f(x, x) program answered f(x, y) with y * y.)
 */
class AliasedArgumentsTest {

  @Test void changingWhichArgumentsAreTheSameTensorRetraces() {
    CompiledFn f = Torch.compile(xs -> xs[0].mul(xs[1]).sum());
    Tensor x = Torch.tensor(1f, 2f, 3f).requiresGrad_(true), y = Torch.ones(3).requiresGrad_(true);
    assertEquals(14f, f.apply(x, x).item());
    Tensor out = f.apply(x, y);
    assertEquals(6f, out.item());
    Tensor[] g = Autograd.grad(new Tensor[]{out}, new Tensor[]{x, y}, null, false, false);
    assertArrayEquals(new float[]{1f, 1f, 1f}, g[0].toFloatArray());
    assertArrayEquals(new float[]{1f, 2f, 3f}, g[1].toFloatArray());
    assertEquals(2, f.traceCount());
    assertEquals(List.of("argument 1 changed from argument 0 to its own tensor"), f.recompileReasons());
    assertEquals(9f, f.apply(y.mul(3.0), y.mul(1.0)).item(), "distinct tensors again: the second program is reused");
    assertEquals(2, f.traceCount());
  }

  @Test void theSameTensorTwiceGetsBothGradientContributions() {
    CompiledFn f = Torch.compile(xs -> xs[0].mul(xs[1]).sum());
    Tensor y = Torch.ones(3).requiresGrad_(true), x = Torch.tensor(1f, 2f, 3f).requiresGrad_(true);
    f.apply(y, x);
    Tensor out = f.apply(x, x);
    assertEquals(14f, out.item());
    out.backward();
    assertArrayEquals(new float[]{2f, 4f, 6f}, x.grad().toFloatArray());
    assertEquals(List.of("argument 1 changed from its own tensor to argument 0"), f.recompileReasons());
  }
}
