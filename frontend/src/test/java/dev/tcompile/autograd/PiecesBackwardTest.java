package dev.tcompile.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Autograd;
import dev.tcompile.DType;
import dev.tcompile.Idx;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * split/chunk/unbind as PyTorch 1.13 records them: all pieces are outputs of one node (SplitBackward0,
 * SplitWithSizesBackward0, UnbindBackward0) whose backward concatenates / stacks the pieces' gradients, zeros for a
 * piece no gradient reached; values and second derivatives from PyTorch 1.13 (the expressions in each test's comment).
 */
class PiecesBackwardTest {
  /** {@code (torch.arange(12.).view(3, 4) * 0.25 - 1.5).requires_grad_()}. */
  private static Tensor x() { return Torch.arange(12L).toFloat().view(3, 4).mul(0.25).sub(1.5).detach().requiresGrad_(true); }

  private static void assertValues(double[] want, Tensor got, String what) {
    float[] g = got.toFloatArray();
    assertEquals(want.length, g.length, what);
    for (int i = 0; i < want.length; i++) assertEquals(want[i], g[i], 1e-6 * Math.max(1, Math.abs(want[i])), what + " element " + i);
  }

  @Test void thePiecesShareOneNode() {
    Tensor x = x();
    List<Tensor> s = x.split(2, 1), w = x.split(new int[]{1, 3}, 1), c = x.chunk(3, 0), u = x.unbind(1);
    assertSame(s.get(0).gradFn(), s.get(1).gradFn());
    assertEquals("SplitBackward0", s.get(0).gradFn().name());
    assertEquals("SplitWithSizesBackward0", w.get(1).gradFn().name());
    assertSame(c.get(0).gradFn(), c.get(2).gradFn());
    assertEquals("SplitBackward0", c.get(2).gradFn().name());
    assertSame(u.get(0).gradFn(), u.get(3).gradFn());
    assertEquals("UnbindBackward0", u.get(3).gradFn().name());
    assertEquals("[(<AccumulateGrad object>, 0)]", u.get(0).gradFn().nextEdges().toString());
    try (var off = Torch.noGrad()) {
      assertNull(x.split(2, 1).get(0).gradFn());
    }
    assertNull(x.detach().unbind(0).get(0).gradFn());
  }

  /**
   * PyTorch: {@code p = x.split([1, 2, 1], 1); loss = (p[0] * p[2]).sum() + p[1][:, 1].exp().sum()}; the gradient
   * with create_graph is a CatBackward0, and the gradient of its squares' sum is the second derivative below.
   */
  @Test void splitGradientConcatenatesThePiecesGradientsWithZeros() {
    Tensor x = x();
    List<Tensor> p = x.split(new int[]{1, 2, 1}, 1);
    Tensor loss = p.get(0).mul(p.get(2)).sum().add(p.get(1).index(Idx.all(), Idx.at(1)).exp().sum());
    Tensor g = Autograd.grad(new Tensor[]{loss}, new Tensor[]{x}, true)[0];
    assertEquals("CatBackward0", g.gradFn().name());
    assertValues(new double[]{-0.75, 0.0, 0.3678794503211975, -1.5, 0.25, 0.0, 1.0, -0.5, 1.25, 0.0, 2.7182817459106445, 0.5}, g, "grad");
    Tensor gg = Autograd.grad(g.pow(2L).sum(), x)[0];
    assertValues(new double[]{-3.0, 0.0, 0.2706705927848816, -1.5, -1.0, 0.0, 2.0, 0.5, 1.0, 0.0, 14.778111457824707, 2.5}, gg, "grad of grad");
  }

  /** PyTorch: {@code u = x.unbind(1); loss = (u[0] * u[3]).sum() + u[2].sin().sum()}: StackBackward0. */
  @Test void unbindGradientStacksThePiecesGradientsWithZeros() {
    Tensor x = x();
    List<Tensor> u = x.unbind(1);
    Tensor loss = u.get(0).mul(u.get(3)).sum().add(u.get(2).sin().sum());
    Tensor g = Autograd.grad(new Tensor[]{loss}, new Tensor[]{x}, true)[0];
    assertEquals("StackBackward0", g.gradFn().name());
    assertValues(new double[]{-0.75, 0.0, 0.5403023362159729, -1.5, 0.25, 0.0, 1.0, -0.5, 1.25, 0.0, 0.5403023362159729, 0.5}, g, "grad");
    Tensor gg = Autograd.grad(g.pow(2L).sum(), x)[0];
    assertValues(new double[]{-3.0, 0.0, 0.9092974662780762, -1.5, -1.0, 0.0, -0.0, 0.5, 1.0, 0.0, -0.9092974662780762, 2.5}, gg, "grad of grad");
  }

  /** A piece's gradient is its slice of the input's, bit for bit (cat copies; the zeros are exact zeros). */
  @Test void gradientsAreThePiecesGradientsExactly() {
    Torch.manualSeed(3);
    Tensor x = Torch.randn(4, 6).requiresGrad_(true), up = Torch.randn(4, 2);
    List<Tensor> c = x.chunk(3, 1);
    Tensor g = Autograd.grad(new Tensor[]{c.get(1).exp()}, new Tensor[]{x}, new Tensor[]{up}, false, false, false)[0];
    Tensor y = x.detach().narrow(1, 2, 2).requiresGrad_(true);
    Tensor want = Autograd.grad(new Tensor[]{y.exp()}, new Tensor[]{y}, new Tensor[]{up}, false, false, false)[0];
    assertArrayEquals(want.toFloatArray(), g.narrow(1, 2, 2).contiguous().toFloatArray());
    assertArrayEquals(new float[8], g.narrow(1, 0, 2).contiguous().toFloatArray());
    assertArrayEquals(new float[8], g.narrow(1, 4, 2).contiguous().toFloatArray());
  }

  /** Pieces stay views: written in place (allowed here, unlike PyTorch), the input's gradient sees the write. */
  @Test void aPieceWrittenInPlaceTakesItsHistoryFromTheInput() {
    Tensor x = x();
    Tensor y = x.mul(1L);
    List<Tensor> p = y.unbind(0);
    p.get(1).mul_(3L);
    Tensor g = Autograd.grad(y.sum(), x)[0];
    assertArrayEquals(new float[]{1, 1, 1, 1, 3, 3, 3, 3, 1, 1, 1, 1}, g.toFloatArray());
    assertArrayEquals(new float[]{-1.5f, -0.75f, 0f, 0.75f}, p.get(1).toFloatArray());
  }

  /** gradcheck in float64, first and second order, of split, chunk and unbind with pieces left unused. */
  @Test void gradcheckInFloat64() {
    Torch.manualSeed(9);
    Tensor x = Torch.randn(DType.FLOAT64, 3, 5).requiresGrad_(true);
    dev.tcompile.TensorFn f = t -> {
      List<Tensor> s = t[0].split(2, 1), u = t[0].unbind(0), c = t[0].chunk(2, 0);
      return s.get(1).mul(s.get(2)).sum().add(u.get(2).exp().sum()).add(c.get(0).pow(3L).sum());
    };
    assertTrue(Autograd.gradcheck(f, x));
    dev.tcompile.TensorFn first = t -> {
      try (var on = Torch.enableGrad()) {
        return Autograd.grad(new Tensor[]{f.apply(t)}, new Tensor[]{t[0]}, true)[0];
      }
    };
    assertTrue(Autograd.gradcheck(first, x));
  }
}
