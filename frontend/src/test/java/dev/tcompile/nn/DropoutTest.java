package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.ops.Sampling;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.random.Generator;
import org.junit.jupiter.api.Test;

/** Dropout: PyTorch's scaling and node, masks reproducible from the default generator's seed, and replayable from the op's state input. */
class DropoutTest {
  @Test
  void zeroesAboutPAndScalesTheRest() {
    Torch.manualSeed(3);
    Tensor x = Torch.ones(100, 100).requiresGrad_(true);
    Tensor y = F.dropout(x, 0.3, true);
    assertEquals("MulBackward0", y.gradFn().name());
    float[] v = y.toFloatArray();
    int zeros = 0;
    for (float f : v) {
      if (f == 0) zeros++;
      else assertEquals((float) (1 / 0.7), f, 1e-6f);
    }
    assertEquals(0.3, zeros / 10000.0, 0.02);
    y.sum().backward();
    assertArrayEquals(v, x.grad().toFloatArray());
  }

  @Test
  void manualSeedReproducesTheMask() {
    Torch.manualSeed(11);
    float[] a = F.dropout(Torch.ones(50), 0.5, true).toFloatArray();
    Torch.manualSeed(11);
    assertArrayEquals(a, F.dropout(Torch.ones(50), 0.5, true).toFloatArray());
  }

  @Test
  void theBernoulliOpReplaysFromAGeneratorState() {
    Attrs a = Attrs.of("shape", new int[]{4, 8}, "p", 0.6);
    NDArray state = NDArray.wrap(new Generator(5).engineState(), Generator.ENGINE_STATE_LENGTH);
    NDArray first = Sampling.BERNOULLI.eval(a, state)[0], again = Sampling.BERNOULLI.eval(a, state)[0];
    assertArrayEquals(first.toFloatArray(), again.toFloatArray());
    Tensor t = Torch.zeros(4, 8);
    Torch.manualSeed(5);
    t.bernoulli_(0.6);
    assertArrayEquals(first.toFloatArray(), t.toFloatArray(), "the op from seed 5's state is eager bernoulli_ after manualSeed(5)");
    assertEquals(64, Sampling.draws32(a));
    TorchException e = assertThrows(TorchException.class, () -> Sampling.BERNOULLI.infer(a, dev.tcompile.ir.TensorType.of(dev.tcompile.DType.INT64)));
    assertEquals("bernoulli expects a generator state (int64[628]), got i64[]", e.getMessage());
  }

  @Test
  void evaluationAndZeroProbabilityReturnTheInput() {
    Tensor x = Torch.randn(3, 3);
    assertSame(x, F.dropout(x, 0.5, false));
    assertSame(x, F.dropout(x, 0, true));
    Dropout d = new Dropout(0.5);
    d.eval();
    assertSame(x, d.forward(x));
    assertEquals(0f, F.dropout(x, 1, true).abs().sum().item());
  }
}
