package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Whole programs compiled and run against eager: the seed's autograd examples, an MLP, fan-out with broadcasting. */
class CompiledProgramsTest {

  @Test void seedAddMean() {
    Tensor x = Torch.tensor(3f, 4f).requiresGrad_(true), y = Torch.tensor(1f, 2f).requiresGrad_(true);
    Tensor out = Torch.compile(t -> t[0].add(t[1]).mean()).apply(x, y);
    assertEquals("tensor(5., grad_fn=<CompiledFunctionBackward>)", out.toString());
    out.backward();
    assertEquals("tensor([0.5000, 0.5000])", x.grad().toString());
    assertEquals("tensor([0.5000, 0.5000])", y.grad().toString());
  }

  @Test void seedYTimesYTimesTwo() {
    Tensor x = Torch.ones(3, 3).requiresGrad_(true);
    Tensor out = Torch.compile(t -> { Tensor y = t[0].add(5); return y.mul(y).mul(2).mean(); }).apply(x);
    assertEquals("tensor(72., grad_fn=<CompiledFunctionBackward>)", out.toString());
    out.backward();
    assertEquals("tensor([[2.6667, 2.6667, 2.6667],\n        [2.6667, 2.6667, 2.6667],\n        [2.6667, 2.6667, 2.6667]])", x.grad().toString());
  }

  @Test void seedVectorJacobianProduct() {
    Tensor x = Torch.ones(3).requiresGrad_(true);
    Tensor z = Torch.compile(t -> { Tensor y = t[0].pow(2); return y.pow(2).add(t[0]); }).apply(x);
    z.backward(Torch.tensor(0.1f, 1f, 100f));
    assertEquals("tensor([  0.5000,   5.0000, 500.0000])", x.grad().toString());
  }

  @Test void seedWhileLoopIsAGraphBreakAndStillGivesPyTorchsGradient() {
    Torch.manualSeed(0);
    Tensor x = Torch.rand(3).requiresGrad_(true);
    TensorFn doubling = t -> {
      Tensor y = t[0].mul(2);
      while (y.data().norm().item() < 1000) y = y.mul(2);  // reads a value: the seed's loop cannot be traced
      return y;
    };
    Tensor y = Torch.compile(doubling).apply(x);
    assertEquals("MulBackward0", y.gradFn().name(), "ran eagerly");
    y.backward(Torch.tensor(0.1f, 1.0f, 0.0001f));
    assertEquals("tensor([2.0480e+02, 2.0480e+03, 2.0480e-01])", x.grad().toString());
  }

  @Test void fixedCountLoopUnrollsIntoTheTrace() {
    Tensor x = Torch.rand(3).requiresGrad_(true);
    TensorFn doubling = t -> {
      Tensor y = t[0].mul(2);
      for (int i = 0; i < 10; i++) y = y.mul(2);
      return y;
    };
    Tensor y = Torch.compile(doubling).apply(x);
    assertEquals("CompiledFunctionBackward", y.gradFn().name());
    y.backward(Torch.tensor(0.1f, 1.0f, 0.0001f));
    assertEquals("tensor([2.0480e+02, 2.0480e+03, 2.0480e-01])", x.grad().toString());
  }

  @Test void mlpTrainingStepsMatchEager() {
    Torch.manualSeed(1);
    Tensor w1 = Torch.randn(10, 16).mul(0.3).requiresGrad_(true), b1 = Torch.zeros(16).requiresGrad_(true);
    Tensor w2 = Torch.randn(16, 4).mul(0.3).requiresGrad_(true), b2 = Torch.zeros(4).requiresGrad_(true);
    Tensor[] params = {w1, b1, w2, b2};
    Tensor[] eagerParams = new Tensor[4];
    for (int i = 0; i < 4; i++) eagerParams[i] = params[i].detach().clone().requiresGrad_(true);
    Tensor x = Torch.randn(32, 10), target = Torch.randint(0, 4, 32);
    TensorFn loss = t -> {
      Tensor h = t[0].matmul(t[2]).add(t[3]).relu();
      Tensor logp = h.matmul(t[4]).add(t[5]).logSoftmax(1);
      Tensor picked = logp.gather(1, t[1].unsqueeze(1));
      return picked.mean().neg();
    };
    CompiledFn compiled = Torch.compile(loss);
    for (int step = 0; step < 5; step++) {
      Tensor lc = compiled.apply(x, target, w1, b1, w2, b2);
      Tensor le = loss.apply(x, target, eagerParams[0], eagerParams[1], eagerParams[2], eagerParams[3]);
      assertEquals(le.item(), lc.item(), 1e-5, "loss at step " + step);
      lc.backward();
      le.backward();
      try (GradGuard g = Torch.noGrad()) {
        for (int i = 0; i < 4; i++) {
          CompiledVsEagerTest.assertClose(eagerParams[i].grad(), params[i].grad(), "grad " + i + " at step " + step);
          params[i].sub_(params[i].grad().mul(0.1));
          eagerParams[i].sub_(eagerParams[i].grad().mul(0.1));
          params[i].setGrad(null);
          eagerParams[i].setGrad(null);
        }
      }
    }
    assertEquals(1, compiled.traceCount());
  }

  @Test void fanOutAndBroadcasting() {
    Torch.manualSeed(2);
    Tensor a = Torch.randn(4, 1).requiresGrad_(true), b = Torch.randn(1, 5).requiresGrad_(true), c = Torch.randn(5).requiresGrad_(true);
    TensorFn f = t -> {
      Tensor s = t[0].add(t[1]);            // [4, 5] by broadcasting
      Tensor u = s.mul(s).sub(s.exp());     // s used three times
      return u.mul(t[2]).add(t[0]).sum(0, false).mul(t[2]).sum();
    };
    Tensor eager = f.apply(a, b, c);
    Tensor[] ge = Autograd.grad(new Tensor[]{eager}, new Tensor[]{a, b, c}, null, false, false);
    Tensor out = Torch.compile(f).apply(a, b, c);
    Tensor[] gc = Autograd.grad(new Tensor[]{out}, new Tensor[]{a, b, c}, null, false, false);
    assertEquals(eager.item(), out.item(), 1e-4);
    for (int i = 0; i < 3; i++) CompiledVsEagerTest.assertClose(ge[i], gc[i], "grad " + i);
  }
}
