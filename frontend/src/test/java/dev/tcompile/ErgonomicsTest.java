package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.nn.F;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The short forms ported programs use delegate to the full ones (whose values the goldens check). */
class ErgonomicsTest {
  @Test
  void lossesTakeTheReductionAlone() {
    Torch.manualSeed(3);
    Tensor out = Torch.randn(4, 5).logSoftmax(1), t = Torch.tensor(1L, 0L, 4L, 2L);
    assertEquals(F.nllLoss(out, t, null, -100, "sum").item(), F.nllLoss(out, t, "sum").item());
    assertEquals(F.crossEntropy(out, t, null, -100, "none", 0).toFloatArray().length, F.crossEntropy(out, t, "none").numel());
    assertArrayEquals(F.crossEntropy(out, t, null, -100, "none", 0).toFloatArray(), F.crossEntropy(out, t, "none").toFloatArray());
    assertEquals(F.maxPool2d(Torch.randn(1, 1, 4, 4), 2).shape().toString(), "torch.Size([1, 1, 2, 2])");
  }

  @Test
  void autogradGradShortForms() {
    Tensor x = Torch.tensor(1f, 2f, 3f).requiresGrad_(true);
    assertArrayEquals(new float[]{2, 4, 6}, Autograd.grad(x.pow(2L).sum(), x)[0].toFloatArray());
    assertArrayEquals(new float[]{2, 4, 6}, Autograd.grad(new Tensor[]{x.pow(2L).sum()}, new Tensor[]{x})[0].toFloatArray());
    assertArrayEquals(new float[]{3, 3, 3}, Autograd.grad(List.of(x.mul(3L).sum()), List.of(x)).get(0).toFloatArray());
    Tensor g = Autograd.grad(new Tensor[]{x.pow(3L).sum()}, new Tensor[]{x}, true)[0];
    assertNotNull(g.gradFn());
    assertArrayEquals(new float[]{6, 12, 18}, Autograd.grad(g.sum(), x)[0].toFloatArray());
  }

  @Test
  void scalarFirstAndComparisons() {
    Tensor x = Torch.tensor(1f, 2f).requiresGrad_(true);
    Tensor r = Torch.rsub(x, 1.0);
    assertEquals("RsubBackward1", r.gradFn().name());
    assertArrayEquals(new float[]{0, -1}, r.toFloatArray());
    assertArrayEquals(new float[]{2, 1}, x.rdiv(2.0).toFloatArray());
    assertTrue(Torch.allclose(x, x.add(1e-7)));
    assertTrue(Torch.equal(x, Torch.tensor(1f, 2f)));
    assertEquals(2, Torch.chunk(Torch.arange(5L), 2, 0).size());
    assertEquals(3, Torch.unbind(Torch.zeros(3, 2), 0).size());
  }

  @Test
  void versionCountsInPlaceWritesAndNextEdgesCarryInputNumbers() {
    Tensor x = Torch.randn(3).requiresGrad_(true);
    Tensor c = x.clone();
    assertEquals(0, c.version());
    c.exp_();
    c.mul_(2L);
    assertEquals(2, c.version());
    assertEquals("MulBackward0", c.gradFn().name());
    assertEquals("[(<ExpBackward0 object>, 0), (None, 0)]", c.gradFn().nextEdges().toString());
    Tensor[] parts = x.mul(1L).unbind().toArray(Tensor[]::new);
    assertEquals("UnbindBackward0", parts[2].gradFn().name());
  }

  @Test
  void pyReprOfItemValues() {
    assertEquals("209.95835876464844", Torch.pyRepr(209.95835876464844));
    assertEquals("0.10000000149011612", Torch.pyRepr(Torch.tensor(0.1f).item()));
    assertEquals("1e-05", Torch.pyRepr(1e-5));
    assertEquals("2.0", Torch.pyRepr(2.0));
  }
}
