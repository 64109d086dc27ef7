package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.nn.F;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * A compiled loss differentiated with {@code backward()} a few times in a row runs forward and backward as one
 * program from then on; every gradient is still the bits the ordinary compiled backward (and eager) gives, and any
 * other use (another seed, retain_graph, an input changed in place, calls never differentiated) gets the ordinary
 * path's result or error.
 */
class UnitSeedSpeculationTest {
  static Tensor gelu(Tensor x) {
    return x.mul(0.5).mul(x.mul(x).mul(x).mul(0.044715).add(x).mul(Math.sqrt(2 / Math.PI)).tanh().add(1));
  }

  private static final CompileOptions ORDINARY = new CompileOptions().disable("unitseed");

  /** x.grad after f(x).backward(seed) (the default seed when null), then cleared. */
  private static float[] grad(Function<Tensor, Tensor> f, Tensor x, Tensor seed) {
    Tensor loss = f.apply(x);
    if (seed == null) loss.backward(); else loss.backward(seed);
    float[] g = x.grad().toFloatArray();
    x.setGrad(null);
    return g;
  }

  private static boolean speculating(CompiledFn f) { return f.onlyEntryForTest().speculation.active(); }

  @ParameterizedTest
  @EnumSource(CompileOptions.Backend.class)
  void geluGradientsAreTheOrdinaryBitsOnceSpeculating(CompileOptions.Backend backend) {
    Torch.manualSeed(1);
    Tensor x = Torch.randn(70_001).requiresGrad_(true);
    CompiledFn spec = Torch.compile(t -> gelu(t[0]).sum(), new CompileOptions().backend(backend));
    CompiledFn plain = Torch.compile(t -> gelu(t[0]).sum(), new CompileOptions().backend(backend).disable("unitseed"));
    float[] want = grad(t -> plain.apply(t), x, null);
    float wantLoss = plain.apply(x).item();
    for (int i = 0; i < 5; i++) {
      assertEquals(wantLoss, spec.apply(x).item(), "loss, call " + i);
      assertArrayEquals(want, grad(t -> spec.apply(t), x, null), "call " + i);
      assertEquals(i + 1 >= UnitSeedSpeculation.FIRST_STREAK, speculating(spec), "after call " + i);
    }
    float[] eager = grad(t -> gelu(t).sum(), x, null);
    assertArrayEquals(eager, want, "compiled == eager");
  }

  @Test void aClassifierLossWithWeightsGivesEveryGradientAsTheOrdinaryPath() {
    Torch.manualSeed(2);
    Tensor w1 = Torch.randn(20, 12).mul(0.3).requiresGrad_(true), b1 = Torch.randn(20).requiresGrad_(true);
    Tensor w2 = Torch.randn(5, 20).mul(0.3).requiresGrad_(true);
    Tensor x = Torch.randn(9, 12), y = Torch.randint(0, 5, 9);
    TensorFn loss = t -> F.crossEntropy(F.linear(F.relu(F.linear(t[0], w1, b1)), w2, null), t[1]);
    CompiledFn spec = Torch.compile(loss), plain = Torch.compile(loss, ORDINARY);
    Tensor[] ws = {w1, b1, w2};
    float[][] want = new float[3][];
    plain.apply(x, y).backward();
    for (int i = 0; i < 3; i++) { want[i] = ws[i].grad().toFloatArray(); ws[i].setGrad(null); }
    for (int c = 0; c < 4; c++) {
      spec.apply(x, y).backward();
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(want[i], ws[i].grad().toFloatArray(), "call " + c + " weight " + i);
        ws[i].setGrad(null);
      }
    }
    assertTrue(speculating(spec));
  }

  @Test void anotherSeedGetsTheOrdinaryBackwardAndEndsTheSpeculation() {
    Torch.manualSeed(3);
    Tensor x = Torch.randn(4000).requiresGrad_(true);
    CompiledFn spec = Torch.compile(t -> gelu(t[0]).sum()), plain = Torch.compile(t -> gelu(t[0]).sum(), ORDINARY);
    for (int i = 0; i < 3; i++) grad(t -> spec.apply(t), x, null);
    assertTrue(speculating(spec));
    float[] want = grad(t -> plain.apply(t), x, Torch.scalar(2.5));
    assertArrayEquals(want, grad(t -> spec.apply(t), x, Torch.scalar(2.5)));
    assertFalse(speculating(spec), "a miss ends it");
    // it takes twice the streak to speculate again
    for (int i = 0; i < 2 * UnitSeedSpeculation.FIRST_STREAK; i++) {
      assertFalse(speculating(spec), "call " + i);
      grad(t -> spec.apply(t), x, null);
    }
    assertTrue(speculating(spec));
  }

  @Test void retainGraphBackwardsTwiceAndThenRefusesAThird() {
    Torch.manualSeed(4);
    Tensor x = Torch.randn(3000).requiresGrad_(true);
    CompiledFn spec = Torch.compile(t -> gelu(t[0]).sum()), plain = Torch.compile(t -> gelu(t[0]).sum(), ORDINARY);
    for (int i = 0; i < 3; i++) grad(t -> spec.apply(t), x, null);
    Tensor lp = plain.apply(x);
    lp.backward(null, true, false);
    lp.backward();
    float[] want = x.grad().toFloatArray();
    x.setGrad(null);
    Tensor ls = spec.apply(x);
    ls.backward(null, true, false);
    ls.backward();
    assertArrayEquals(want, x.grad().toFloatArray());
    TorchException e = assertThrows(TorchException.class, ls::backward);
    assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());
  }

  @Test void anInputChangedInPlaceBeforeBackwardIsRefusedAsOnTheOrdinaryPath() {
    Tensor x = Torch.randn(2000).requiresGrad_(true);
    Tensor w = Torch.randn(2000);
    CompiledFn spec = Torch.compile(t -> gelu(t[0].mul(t[1])).sum());
    for (int i = 0; i < 3; i++) grad(t -> spec.apply(t, w), x, null);
    assertTrue(speculating(spec));
    Tensor loss = spec.apply(x, w);
    w.add_(1);
    TorchException e = assertThrows(TorchException.class, loss::backward);
    assertTrue(e.getMessage().startsWith("one of the variables needed for gradient computation has been modified by an inplace operation"),
        e.getMessage());
  }

  @Test void callsNeverDifferentiatedEndTheSpeculation() {
    Tensor x = Torch.randn(2000).requiresGrad_(true);
    CompiledFn spec = Torch.compile(t -> gelu(t[0]).sum());
    for (int i = 0; i < 3; i++) grad(t -> spec.apply(t), x, null);
    assertTrue(speculating(spec));
    for (int i = 0; i <= UnitSeedSpeculation.UNUSED_LIMIT; i++) spec.apply(x);
    assertFalse(speculating(spec));
  }

  @Test void aRandomFunctionRecomputesTheSameMaskWhenItFallsBack() {
    Torch.manualSeed(5);
    Tensor x = Torch.randn(5000).requiresGrad_(true);
    TensorFn f = t -> F.dropout(gelu(t[0]), 0.3, true).sum();
    CompiledFn spec = Torch.compile(f), plain = Torch.compile(f, ORDINARY);
    for (int i = 0; i < 3; i++) grad(t -> spec.apply(t), x, null);
    assertTrue(speculating(spec));
    Torch.manualSeed(6);
    float[] want = grad(t -> plain.apply(t), x, Torch.scalar(3));
    Torch.manualSeed(6);
    assertArrayEquals(want, grad(t -> spec.apply(t), x, Torch.scalar(3)), "the fallback forward drew the same mask");
    Torch.manualSeed(7);
    float[] unit = grad(t -> plain.apply(t), x, null);
    for (int i = 0; i < 2 * UnitSeedSpeculation.FIRST_STREAK; i++) grad(t -> spec.apply(t), x, null);
    assertTrue(speculating(spec));
    Torch.manualSeed(7);
    assertArrayEquals(unit, grad(t -> spec.apply(t), x, null));
  }

  @ParameterizedTest
  @EnumSource(CompileOptions.Backend.class)
  void gradientsThatAreTheSeedOrAnotherInputAreTheCallersToWriteIn(CompileOptions.Backend backend) {
    // d sum(x) / dx is the (constant) unit seed spread out; d sum(x * w) / dx is w itself
    CompileOptions o = new CompileOptions().backend(backend);
    CompiledFn sum = Torch.compile(t -> t[0].sum(), o), dot = Torch.compile(t -> t[0].mul(t[1]).sum(), o);
    Tensor x = Torch.randn(7).requiresGrad_(true), w = Torch.randn(7);
    float[] w0 = w.toFloatArray();
    for (int i = 0; i < 5; i++) {
      sum.apply(x).backward();
      assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1, 1}, x.grad().toFloatArray(), "call " + i);
      try (var g = Torch.noGrad()) { x.grad().zero_(); }
      dot.apply(x, w).backward();
      assertArrayEquals(w0, x.grad().toFloatArray(), "call " + i);
      try (var g = Torch.noGrad()) { x.grad().zero_(); }
      assertArrayEquals(w0, w.toFloatArray(), "w is not x's gradient array");
    }
    assertTrue(speculating(sum) && speculating(dot));
  }

  @Test void onlyAScalarLossWithoutInPlaceWritesSpeculates() {
    Tensor x = Torch.randn(100).requiresGrad_(true);
    CompiledFn vector = Torch.compile(t -> gelu(t[0]));
    vector.apply(x).sum().backward();
    assertNull(vector.onlyEntryForTest().speculation);
    Tensor buf = Torch.zeros(100);
    CompiledFn writes = Torch.compile(t -> { buf.add_(t[0].detach()); return gelu(t[0]).sum(); });
    writes.apply(x).backward();
    assertNull(writes.onlyEntryForTest().speculation);
  }
}
