package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcompile.runtime.NDArray;
import org.junit.jupiter.api.Test;

/**
 * A compiled forward's saved arrays go back to its entry once the backward is done with them and the next call
 * writes into them: results stay those of fresh arrays, in every order of calls and backwards, and an array
 * anything else can still see (a result, an input, a retained graph) is never reused.
 */
class CompiledSavedBuffersTest {
  static Tensor gelu(Tensor x) {
    return x.mul(0.5).mul(x.mul(x).mul(x).mul(0.044715).add(x).mul(Math.sqrt(2 / Math.PI)).tanh().add(1));
  }

  private static float[] grad(CompiledFn f, Tensor x) {
    f.apply(x).backward();
    float[] g = x.grad().toFloatArray();
    x.setGrad(null);
    return g;
  }

  @Test void theNextCallWritesIntoTheArraysTheLastBackwardFreed() {
    CompiledFn f = Torch.compile(t -> gelu(t[0]).sum());
    Tensor x = Torch.randn(5000).requiresGrad_(true);
    float[] first = grad(f, x);
    CompiledEntry e = f.onlyEntryForTest();
    NDArray pooled = e.savedBuffers.take(0);
    assertNotNull(pooled, "the saved tanh came back after the backward");
    e.savedBuffers.give(0, pooled);
    for (int i = 0; i < 5; i++) assertArrayEquals(first, grad(f, x), "call " + i);
    Tensor eager = x.detach().clone().requiresGrad_(true);
    gelu(eager).sum().backward();
    assertArrayEquals(eager.grad().toFloatArray(), first, 1e-6f);
    // the array came back again and is the same one, written over by every call
    assertSame(pooled, e.savedBuffers.take(0));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(CompileOptions.Backend.class)
  void callsInFlightTogetherEachKeepTheirOwnSavedValues(CompileOptions.Backend backend) {
    CompiledFn f = Torch.compile(t -> gelu(t[0]).sum(), new CompileOptions().backend(backend));
    Tensor a = Torch.randn(3000).requiresGrad_(true), b = Torch.randn(3000).requiresGrad_(true);
    float[] ga = grad(f, a), gb = grad(f, b);
    Tensor la = f.apply(a), lb = f.apply(b), la2 = f.apply(a);    // three forwards before any backward
    lb.backward();
    la.backward();
    assertArrayEquals(gb, b.grad().toFloatArray());
    assertArrayEquals(ga, a.grad().toFloatArray());
    a.setGrad(null);
    la2.backward();
    assertArrayEquals(ga, a.grad().toFloatArray());
  }

  @Test void threadsRunningForwardAndBackwardTogetherGetTheSequentialGradients() throws Exception {
    Torch.manualSeed(9);
    Tensor w = Torch.randn(5000).requiresGrad_(true);
    CompiledFn f = Torch.compile(t -> gelu(t[0].mul(w)).sum());
    java.util.List<Tensor> xs = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) xs.add(Torch.randn(5000));
    float[][] want = new float[xs.size()][];
    for (int i = 0; i < xs.size(); i++) want[i] = Autograd.grad(f.apply(xs.get(i)), w)[0].toFloatArray();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        done.add(pool.submit(() -> {
          for (int c = 0; c < 300; c++) {
            int i = (seed * 3 + c) % xs.size();
            assertArrayEquals(want[i], Autograd.grad(f.apply(xs.get(i)), w)[0].toFloatArray(), "thread " + seed + " call " + c);
          }
          return null;
        }));
      }
      for (var d : done) d.get();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test void aRetainedGraphKeepsItsArrays() {
    CompiledFn f = Torch.compile(t -> gelu(t[0]).sum());
    Tensor x = Torch.randn(2000).requiresGrad_(true), y = Torch.randn(2000).requiresGrad_(true);
    float[] gx = grad(f, x);
    Tensor loss = f.apply(x);
    loss.backward(null, true, false);
    x.setGrad(null);
    grad(f, y);                                   // runs while the retained graph still holds its saved values
    grad(f, y);
    loss.backward();
    assertArrayEquals(gx, x.grad().toFloatArray());
    // freed now: a third backward is PyTorch's error, not a read of an array another call wrote
    assertThrows(TorchException.class, loss::backward);
  }

  @Test void aSavedValueThatIsAlsoAResultIsNeverReused() {
    // tanh's output is both returned and saved (its backward reads it)
    CompiledFn f = Torch.compile(t -> t[0].tanh());
    Tensor x1 = Torch.randn(1000).requiresGrad_(true), x2 = Torch.randn(1000).requiresGrad_(true);
    Tensor y1 = f.apply(x1);
    float[] kept = y1.toFloatArray();
    y1.sum().backward();
    Tensor y2 = f.apply(x2);
    y2.sum().backward();
    assertArrayEquals(kept, y1.toFloatArray(), "the first result is still the first call's");
    assertArrayEquals(x2.detach().tanh().toFloatArray(), y2.toFloatArray(), 1e-6f);
  }

  @Test void anInputThatIsSavedIsNeverReused() {
    CompiledFn f = Torch.compile(t -> t[0].mul(t[0]).sum());
    Tensor x = Torch.randn(1000).requiresGrad_(true);
    float[] before = x.toFloatArray();
    for (int i = 0; i < 3; i++) grad(f, x);
    assertArrayEquals(before, x.toFloatArray());
    CompiledEntry e = f.onlyEntryForTest();
    for (int s = 0; s < e.savedBuffers.size(); s++) assertEquals(null, e.savedBuffers.take(s), "saved value " + s);
  }
}
