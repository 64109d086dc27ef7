package dev.tcompile.seed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.GradGuard;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The seed tutorial's section 1 ("자동미분(Autograd)"), one test per program: each asserts the strings the
 * tutorial prints (which PyTorch 1.13 prints for the same inputs; tools/goldens/seed_autograd.py) and the
 * gradient values. Inputs the tutorial draws at random are fixed here.
 */
class SeedAutogradTest {
  private static Tensor leaf(float... v) { return Torch.tensor(v).requiresGrad_(true); }

  /** What {@code body} prints through Torch.print (Python's print). */
  private static String printed(Runnable body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      body.run();
    } finally {
      System.setOut(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void xPlusYAndItsMean() {
    Tensor x = leaf(3.0f, 4.0f), y = leaf(1.0f, 2.0f);
    Tensor z = x.add(y);
    assertEquals("tensor([4., 6.], grad_fn=<AddBackward0>)", String.valueOf(z));
    assertEquals("<AddBackward0 object>", String.valueOf(z.gradFn()));
    Tensor out = z.mean();
    assertEquals("tensor(5., grad_fn=<MeanBackward0>)", String.valueOf(out));
    assertEquals("<MeanBackward0 object>", String.valueOf(out.gradFn()));
    out.backward();
    assertEquals("tensor([0.5000, 0.5000])", String.valueOf(x.grad()));
    assertEquals("tensor([0.5000, 0.5000])", String.valueOf(y.grad()));
    assertArrayEquals(new float[]{0.5f, 0.5f}, x.grad().toFloatArray());
    assertEquals("None\n", printed(() -> Torch.print(z.grad())), "a non-leaf keeps no gradient");
  }

  @Test
  void noGradStopsTracking() {
    Tensor temp = leaf(3.0f, 4.0f);
    assertEquals("True\nTrue\n", printed(() -> {
      Torch.print(temp.requiresGrad());
      Torch.print(temp.pow(2).requiresGrad());
    }));
    assertEquals("True\nFalse\n", printed(() -> {
      try (GradGuard g = Torch.noGrad()) {
        Tensor inside = leaf(3.0f, 4.0f);
        Torch.print(inside.requiresGrad());
        Torch.print(inside.pow(2).requiresGrad());
      }
    }));
  }

  @Test
  void onesPlusFiveThenYTimesYTimesTwo() {
    Tensor x = Torch.ones(3, 3).requiresGrad_(true);
    assertEquals("tensor([[1., 1., 1.],\n        [1., 1., 1.],\n        [1., 1., 1.]], requires_grad=True)", String.valueOf(x));
    Tensor y = x.add(5);
    assertEquals("tensor([[6., 6., 6.],\n        [6., 6., 6.],\n        [6., 6., 6.]], grad_fn=<AddBackward0>)", String.valueOf(y));
    assertEquals("<AddBackward0 object>", String.valueOf(y.gradFn()));
    Tensor z = y.mul(y).mul(2);
    Tensor out = z.mean();
    assertEquals("tensor([[72., 72., 72.],\n        [72., 72., 72.],\n        [72., 72., 72.]], grad_fn=<MulBackward0>) "
        + "tensor(72., grad_fn=<MeanBackward0>)\n", printed(() -> Torch.print(z, out)));
    out.backward();
    assertEquals("tensor([[2.6667, 2.6667, 2.6667],\n        [2.6667, 2.6667, 2.6667],\n        [2.6667, 2.6667, 2.6667]])",
        String.valueOf(x.grad()));
    for (float g : x.grad().toFloatArray()) assertEquals(2.6666667461395264, g, 0.0, "d(out)/dx = 4 * 6 / 9 in float32");
  }

  @Test
  void requiresGradUnderscoreOnAComputedTensor() {
    // torch.randn(3, 3) in the tutorial
    Tensor a = Torch.tensor(new float[][]{{0.5f, -1.25f, 2.0f}, {3.0f, 0.25f, -0.75f}, {1.5f, -2.0f, 4.0f}});
    a = a.mul(3).div(a.sub(1));
    assertFalse(a.requiresGrad());
    a.requiresGrad_(true);
    assertTrue(a.requiresGrad());
    Tensor b = a.mul(a).sum();
    assertEquals("<SumBackward0 object>", String.valueOf(b.gradFn()));
    assertEquals("tensor(171.6808, grad_fn=<SumBackward0>)", String.valueOf(b));
    b.backward();
    assertEquals("tensor([[-6.0000,  3.3333, 12.0000],\n        [ 9.0000, -2.0000,  2.5714],\n        [18.0000,  4.0000,  8.0000]])",
        String.valueOf(a.grad()));
  }

  @Test
  void doublingUntilTheNormReachesAThousandThenAVectorJacobianProduct() {
    // torch.rand(3) in the tutorial: the values its printed y implies (y = x * 2**11)
    Tensor x = Torch.tensor(589.7665f / 2048, 299.5266f / 2048, 1531.2843f / 2048).requiresGrad_(true);
    assertArrayEquals(new float[]{0.2879719138145447f, 0.14625322818756104f, 0.7476974129676819f}, x.toFloatArray());
    Tensor y = x.mul(2);
    int doublings = 1;
    while (y.data().norm().item() < 1000) {
      y = y.mul(2);
      doublings++;
    }
    assertEquals(11, doublings);
    assertEquals("tensor([ 589.7665,  299.5266, 1531.2843], grad_fn=<MulBackward0>)", String.valueOf(y));
    y.backward(Torch.tensor(0.1f, 1.0f, 0.0001f));
    assertEquals("tensor([2.0480e+02, 2.0480e+03, 2.0480e-01])", String.valueOf(x.grad()));
    assertArrayEquals(new float[]{0.1f * 2048, 2048f, 0.0001f * 2048}, x.grad().toFloatArray());

    assertTrue(x.requiresGrad());
    assertTrue(x.pow(2).requiresGrad());
    try (GradGuard g = Torch.noGrad()) {
      assertFalse(x.pow(2).requiresGrad());
    }
  }

  @Test
  void detachKeepsTheContentsAndDropsRequiresGrad() {
    Tensor x = leaf(0.25f, 0.5f, 0.75f);
    Tensor y = x.detach();
    assertTrue(x.requiresGrad());
    assertFalse(y.requiresGrad());
    assertEquals("tensor(True)", String.valueOf(x.eq(y).all()));
  }

  @Test
  void theFlowFromAToOut() {
    assertEquals("tensor([[1., 1.],\n        [1., 1.]])", String.valueOf(Torch.ones(2, 2)));
    Tensor a = Torch.ones(2, 2).requiresGrad_(true);
    assertEquals("tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)\n"
        + "a:data: tensor([[1., 1.],\n        [1., 1.]])\n"
        + "a.grad: None\n"
        + "a.grad_fn None\n", printed(() -> {
          Torch.print(a);
          Torch.print("a:data:", a.data());
          Torch.print("a.grad:", a.grad());
          Torch.print("a.grad_fn", a.gradFn());
        }));
    Tensor b = a.add(2);
    assertEquals("tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)", String.valueOf(b));
    Tensor c = b.pow(2);
    assertEquals("tensor([[9., 9.],\n        [9., 9.]], grad_fn=<PowBackward0>)", String.valueOf(c));
    Tensor out = c.sum();
    assertEquals("tensor(36., grad_fn=<SumBackward0>)", String.valueOf(out));
    out.backward();
    assertEquals("a:data: tensor([[1., 1.],\n        [1., 1.]])\n"
        + "a.grad: tensor([[6., 6.],\n        [6., 6.]])\n"
        + "a.grad_fn None\n"
        + "b:data: tensor([[3., 3.],\n        [3., 3.]])\n"
        + "b.grad: None\n"
        + "b.grad_fn <AddBackward0 object>\n"
        + "c:data: tensor([[9., 9.],\n        [9., 9.]])\n"
        + "c.grad: None\n"
        + "c.grad_fn <PowBackward0 object>\n"
        + "out:data: tensor(36.)\n"
        + "out.grad: None\n"
        + "out.grad_fn <SumBackward0 object>\n", printed(() -> {
          Torch.print("a:data:", a.data());
          Torch.print("a.grad:", a.grad());
          Torch.print("a.grad_fn", a.gradFn());
          Torch.print("b:data:", b.data());
          Torch.print("b.grad:", b.grad());
          Torch.print("b.grad_fn", b.gradFn());
          Torch.print("c:data:", c.data());
          Torch.print("c.grad:", c.grad());
          Torch.print("c.grad_fn", c.gradFn());
          Torch.print("out:data:", out.data());
          Torch.print("out.grad:", out.grad());
          Torch.print("out.grad_fn", out.gradFn());
        }));
    assertArrayEquals(new float[]{6, 6, 6, 6}, a.grad().toFloatArray());
  }

  @Test
  void backwardWithAGivenGradient() {
    Tensor x = Torch.ones(3).requiresGrad_(true);
    Tensor y = x.pow(2);
    Tensor z = y.pow(2).add(x);
    Tensor out = z.sum();
    assertEquals("tensor(6., grad_fn=<SumBackward0>)", String.valueOf(out));
    z.backward(Torch.tensor(0.1f, 1f, 100f));
    assertEquals("x:data: tensor([1., 1., 1.])\n"
        + "x.grad: tensor([  0.5000,   5.0000, 500.0000])\n"
        + "x.grad_fn None\n"
        + "y:data: tensor([1., 1., 1.])\n"
        + "y.grad: None\n"
        + "y.grad_fn <PowBackward0 object>\n"
        + "z:data: tensor([2., 2., 2.])\n"
        + "z.grad: None\n"
        + "z.grad_fn <AddBackward0 object>\n", printed(() -> {
          Torch.print("x:data:", x.data());
          Torch.print("x.grad:", x.grad());
          Torch.print("x.grad_fn", x.gradFn());
          Torch.print("y:data:", y.data());
          Torch.print("y.grad:", y.grad());
          Torch.print("y.grad_fn", y.gradFn());
          Torch.print("z:data:", z.data());
          Torch.print("z.grad:", z.grad());
          Torch.print("z.grad_fn", z.gradFn());
        }));
    // dz/dx = 4 x^3 + 1 = 5 per element, times the given gradient
    assertArrayEquals(new float[]{0.5f, 5f, 500f}, x.grad().toFloatArray());
  }
}
