package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import org.junit.jupiter.api.Test;

/** nn.init: PyTorch's gains, fans and bounds; values drawn without recording gradients. */
class InitTest {
  private static double maxAbs(Tensor t) { return t.abs().max().item(); }

  private static double std(Tensor t) { return t.std().item(); }

  @Test
  void gainsAsPyTorch() {
    assertEquals(1.0, Init.calculateGain("conv2d", null));
    assertEquals(5.0 / 3, Init.calculateGain("tanh", null));
    assertEquals(Math.sqrt(2), Init.calculateGain("relu", null));
    assertEquals(Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.calculateGain("leaky_relu", null));
    assertEquals(Math.sqrt(2.0 / 6), Init.calculateGain("leaky_relu", Math.sqrt(5)), 1e-15);
    assertEquals("Unsupported nonlinearity gelu", assertThrows(TorchException.class, () -> Init.calculateGain("gelu", null)).getMessage());
  }

  @Test
  void defaultLayerInitialisationBounds() {
    Torch.manualSeed(0);
    Conv2d c = new Conv2d(16, 32, 3);
    double bound = 1 / Math.sqrt(16 * 9);
    assertTrue(maxAbs(c.weight()) <= bound && maxAbs(c.weight()) > 0.9 * bound);
    assertTrue(maxAbs(c.bias()) <= bound && maxAbs(c.bias()) > 0.8 * bound);
    assertEquals(bound / Math.sqrt(3), std(c.weight()), 0.05 * bound);
    assertTrue(c.weight().isLeaf() && c.weight().requiresGrad());
    assertNull(c.weight().gradFn());
  }

  @Test
  void kaimingAndXavierScales() {
    Torch.manualSeed(1);
    Tensor w = Torch.empty(400, 300).requiresGrad_(true);
    assertSame(w, Init.kaimingNormal_(w, 0, "fan_out", "relu"));
    assertEquals(Math.sqrt(2.0 / 400), std(w), 0.02 * Math.sqrt(2.0 / 400));
    Init.kaimingUniform_(w, 0, "fan_in", "relu");
    assertTrue(maxAbs(w) <= Math.sqrt(6.0 / 300));
    Init.xavierUniform_(w, 2);
    assertTrue(maxAbs(w) <= 2 * Math.sqrt(6.0 / 700));
    Init.xavierNormal_(w);
    assertEquals(Math.sqrt(2.0 / 700), std(w), 0.02 * Math.sqrt(2.0 / 700));
    assertTrue(w.isLeaf());
    Init.ones_(w);
    assertEquals(120000f, w.sum().item());
    Init.zeros_(w);
    assertEquals(0f, maxAbs(w), 0);
  }

  @Test
  void fansNeedTwoDims() {
    assertEquals("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions",
        assertThrows(TorchException.class, () -> Init.xavierUniform_(Torch.empty(5))).getMessage());
  }
}
