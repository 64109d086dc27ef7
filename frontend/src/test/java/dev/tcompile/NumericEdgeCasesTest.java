package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcompile.nn.F;
import org.junit.jupiter.api.Test;

/** Values PyTorch 1.13 gives where naive float arithmetic does not (tools/goldens/large_logits.py). */
class NumericEdgeCasesTest {
  private static final float[][] LOGITS = {{1e7f, 1e7f - 1, 1e7f - 2}, {1e4f, 1e4f - 1, 1e4f - 2}, {-1e5f, -1e5f + 0.5f, -1e5f + 3}};
  private static final float[] LOG_SOFTMAX = {-0.40760594606399536f, -1.4076058864593506f, -2.4076058864593506f,
      -0.40760594606399536f, -1.4076058864593506f, -2.4076058864593506f, -3.123872995376587f, -2.623872995376587f, -0.12387295067310333f};
  private static final float[] LOG_SOFTMAX_GRAD = {-2.991446018218994f, 0.5316290855407715f, 2.4598164558410645f,
      -2.991446018218994f, 0.5316290855407715f, 2.4598164558410645f, 0.7360811233520508f, 1.5648713111877441f, -2.300952672958374f};
  private static final float CROSS_ENTROPY = 0.6463615894317627f;
  private static final float[] CROSS_ENTROPY_GRAD = {0.2217470109462738f, -0.2517571747303009f, 0.030010193586349487f,
      -0.11158633232116699f, 0.08157616853713989f, 0.030010193586349487f, 0.014662159606814384f, 0.024173814803361893f, -0.03883596509695053f};

  private static TensorFn weightedLogSoftmax(int dim) {
    return xs -> xs[0].logSoftmax(dim).mul(Torch.tensor(1f, 2f, 3f)).sum();
  }

  @Test void logSoftmaxOfLargeLogitsEagerAndCompiled() {
    Tensor x = Torch.tensor(LOGITS);
    assertArrayEquals(LOG_SOFTMAX, x.logSoftmax(1).toFloatArray(), 1e-6f);
    assertArrayEquals(LOG_SOFTMAX, x.logSoftmax(-1).contiguous().toFloatArray(), 1e-6f);
    // along dim 0 of the transpose: the strided (inner > 1) path
    assertArrayEquals(LOG_SOFTMAX, x.t().contiguous().logSoftmax(0).t().contiguous().toFloatArray(), 1e-6f);
    for (boolean compiled : new boolean[]{false, true}) {
      Tensor leaf = Torch.tensor(LOGITS).requiresGrad_(true);
      TensorFn f = weightedLogSoftmax(1);
      Tensor loss = compiled ? Torch.compile(f).apply(leaf) : f.apply(new Tensor[]{leaf});
      loss.backward();
      assertArrayEquals(LOG_SOFTMAX_GRAD, leaf.grad().toFloatArray(), 1e-5f, compiled ? "compiled" : "eager");
    }
    Tensor c = Torch.compile(xs -> xs[0].logSoftmax(1)).apply(Torch.tensor(LOGITS));
    assertArrayEquals(LOG_SOFTMAX, c.toFloatArray(), 1e-6f);
  }

  @Test void crossEntropyOfLargeLogits() {
    for (boolean compiled : new boolean[]{false, true}) {
      Tensor leaf = Torch.tensor(LOGITS).requiresGrad_(true), target = Torch.tensor(1L, 0L, 2L);
      TensorFn f = xs -> F.crossEntropy(xs[0], xs[1]);
      Tensor loss = compiled ? Torch.compile(f).apply(leaf, target) : f.apply(new Tensor[]{leaf, target});
      assertEquals(CROSS_ENTROPY, loss.item(), 1e-6f);
      loss.backward();
      assertArrayEquals(CROSS_ENTROPY_GRAD, leaf.grad().toFloatArray(), 1e-6f, compiled ? "compiled" : "eager");
    }
  }

  @Test void signOfNegativeZeroAndNanIsZero() {
    float[] s = Torch.tensor(-0f, 0f, Float.NaN, -3f, 2f).sign().toFloatArray();
    assertArrayEquals(new float[]{0, 0, 0, -1, 1}, s);
    assertEquals(0, Float.floatToIntBits(s[0]), "positive zero, as PyTorch 1.13");
  }

  @Test void shapeProductsThatOverflowAreRefused() {
    TorchException e = assertThrows(TorchException.class, () -> Torch.zeros(65536, 65536, 65536, 65536));
    assertEquals("Storage size calculation overflowed with sizes=[65536, 65536, 65536, 65536]", e.getMessage());
    assertThrows(TorchException.class, () -> Torch.zeros(65536, 65536));
  }

  @Test void expandRefusesNegativeSizesAsPyTorch() {
    assertEquals("The expanded size of the tensor (-2) must match the existing size (2) at non-singleton dimension 0.  "
        + "Target sizes: [-2, 3].  Tensor sizes: [2, 1]",
        assertThrows(TorchException.class, () -> Torch.ones(2, 1).expand(-2, 3)).getMessage());
    assertEquals("numel: integer multiplication overflow", assertThrows(TorchException.class, () -> Torch.ones(1, 3).expand(-2, 3)).getMessage());
    assertEquals("numel: integer multiplication overflow", assertThrows(TorchException.class, () -> Torch.ones(3).expand(-2, 3)).getMessage());
    assertArrayEquals(new int[]{2, 3}, Torch.ones(1, 3).expand(2, -1).shapeArray());
  }

  @Test void rangesWithImpossibleSizes() {
    assertEquals("number of steps must be non-negative", assertThrows(TorchException.class, () -> Torch.linspace(0, 1, -1)).getMessage());
    assertEquals(0, Torch.linspace(0, 1, 0).numel());
    String big = assertThrows(TorchException.class, () -> Torch.arange(0, 1e10, 1)).getMessage();
    assertEquals("DefaultCPUAllocator: can't allocate memory: you tried to allocate 40000000000 bytes (tcompile tensors hold at most 2147483647 elements)", big);
    assertEquals("invalid size, possible overflow?", assertThrows(TorchException.class, () -> Torch.arange(0, 1e20, 1)).getMessage());
    assertEquals("unsupported range: 0 -> inf", assertThrows(TorchException.class, () -> Torch.arange(0, Double.POSITIVE_INFINITY, 1)).getMessage());
    assertEquals("unsupported range: 0 -> nan", assertThrows(TorchException.class, () -> Torch.arange(0, Double.NaN, 1)).getMessage());
  }
}
