package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.runtime.ArrayRecycler;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A plain backward recycles the gradient arrays it makes ({@link ArrayRecycler}) and never one that anything else
 * can still read: values stay bit for bit what a backward without recycling (capture mode, {@code Autograd.grad})
 * computes, gradients that reached a hook, retain_grad or a leaf keep their values while later passes reuse
 * arrays, and the recycling does happen.
 */
class GradientRecyclingTest {
  /** Large enough to be recycled. */
  static final int N = ArrayRecycler.MIN_FLOATS + 123;

  /** tanh-GELU as users write it: x appears four times, so its gradients fan in through the engine's sums. */
  static Tensor gelu(Tensor x) {
    return x.mul(0.5).mul(x.mul(x).mul(x).mul(0.044715).add(x).mul(Math.sqrt(2 / Math.PI)).tanh().add(1));
  }

  @Test void recycledGradientsHaveTheBitsOfAnUnrecycledBackward() {
    Torch.manualSeed(0);
    Tensor x = Torch.randn(N).requiresGrad_(true);
    Tensor reference = Autograd.grad(gelu(x).sum(), x)[0];  // capture mode: nothing recycled
    List<Tensor> grads = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      gelu(x).sum().backward();
      grads.add(x.grad());
      x.setGrad(null);
    }
    // later passes reused the earlier passes' arrays: every gradient handed out is still intact
    for (Tensor g : grads) assertTrue(g.equal(reference));
  }

  @Test void hookedAndRetainedGradientsKeepTheirValuesWhileArraysAreReused() {
    Torch.manualSeed(1);
    Tensor x = Torch.randn(N).requiresGrad_(true);
    Tensor y = x.mul(3);
    y.retainGrad();
    Tensor z = y.sin();
    Tensor[] seen = new Tensor[1];
    z.registerHook(g -> { seen[0] = g; return g; });
    z.mul(z).mul(2).sum().backward();
    Tensor yGrad = y.grad().clone(), seenCopy = seen[0].clone(), xGrad = x.grad().clone();
    for (int i = 0; i < 4; i++) {  // more passes of the same size: the pool hands their arrays around
      Tensor w = Torch.randn(N).requiresGrad_(true);
      gelu(w).sum().backward();
    }
    assertTrue(y.grad().equal(yGrad));
    assertTrue(seen[0].equal(seenCopy));
    assertTrue(x.grad().equal(xGrad));
  }

  @Test void aGradientPassedThroughToSeveralNodesIsReleasedOnlyWhenAllHaveRun() {
    Torch.manualSeed(2);
    Tensor a = Torch.randn(N).requiresGrad_(true), b = Torch.randn(N).requiresGrad_(true);
    Tensor[] ref = Autograd.grad(fanOut(a, b), a, b);
    fanOut(a, b).backward();
    assertTrue(a.grad().equal(ref[0]));
    assertTrue(b.grad().equal(ref[1]));
  }

  /** add's backward hands one array to both of its inputs, and each goes on through more nodes. */
  static Tensor fanOut(Tensor a, Tensor b) {
    Tensor s = a.mul(2).add(b.tanh());
    return s.add(s).mul(a).exp().add(b.mul(s)).sum();
  }

  @Test void aWarmBackwardTakesMostOfItsArraysFromThePool() {
    Torch.manualSeed(3);
    int n = ArrayRecycler.MIN_FLOATS;
    Tensor x = Torch.randn(n).requiresGrad_(true);
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 20; i++) { gelu(x).sum().backward(); x.setGrad(null); }
    Tensor loss = gelu(x).sum();
    long before = mx.getCurrentThreadAllocatedBytes();
    loss.backward();
    double arrays = (mx.getCurrentThreadAllocatedBytes() - before) / (4.0 * n);
    // the chain's backward makes 16 arrays of n floats (rules' results, their temporaries, the fan-in sums), all
    // fresh without recycling; with it, one: the leaf keeps the array its gradient arrived in (measured: 1.0)
    assertTrue(arrays < 2.5, arrays + " fresh arrays of " + n + " floats in one backward");
    assertTrue(ArrayRecycler.pooledBytes() > 0);
  }

  /** Identity with a backward that keeps the gradient it is given and passes it on unchanged. */
  static final class Keeper extends CustomFunction {
    final List<Tensor> kept = new ArrayList<>();

    @Override protected Tensor forward(FunctionCtx ctx, Tensor... x) { return x[0].clone(); }

    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... g) {
      kept.add(g[0]);
      return new Tensor[]{g[0]};
    }
  }

  @Test void aGradientACustomBackwardKeptIsNeverRecycled() {
    Torch.manualSeed(5);
    Tensor x = Torch.randn(N).requiresGrad_(true);
    Keeper keeper = new Keeper();
    // tanh's gradient goes through the custom node, which keeps it, on to mul's rule, which drops it
    keeper.apply(x.mul(2)).tanh().mul(3).sum().backward();
    Tensor copy = keeper.kept.get(0).clone();
    for (int i = 0; i < 4; i++) { gelu(x).sum().backward(); x.setGrad(null); }
    assertTrue(keeper.kept.get(0).equal(copy));
  }

  @Test void createGraphAndCaptureRecycleNothingTheyHandOut() {
    Torch.manualSeed(4);
    Tensor x = Torch.randn(N).requiresGrad_(true);
    Tensor g1 = Autograd.grad(new Tensor[]{gelu(x).sum()}, new Tensor[]{x}, true)[0];
    Tensor copy = g1.detach().clone();
    for (int i = 0; i < 3; i++) { gelu(x).sum().backward(); x.setGrad(null); }
    assertTrue(g1.detach().equal(copy));
    assertEquals(N, g1.numel());
  }
}
