package dev.tcompile.float64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Autograd;
import dev.tcompile.CompileOptions;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.nn.Conv2d;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Flatten;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.MaxPool2d;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.ReLU;
import dev.tcompile.nn.Sequential;
import dev.tcompile.runtime.Parallel;
import org.junit.jupiter.api.Test;

/**
 * Convolution, pooling and padding on float64 tensors (values against PyTorch are in Float64ConvGoldenTest):
 * gradcheck under PyTorch's float64 defaults (eps 1e-6, atol 1e-5, rtol 1e-3) for every hyper-parameter the ops
 * take, a CNN after {@code model.toDouble()}, compiled programs against eager, thread-count independence and the
 * messages for mixed float32/float64 operands.
 */
class Float64ConvPoolPadTest {
  private static final DType F64 = DType.FLOAT64;

  private static Tensor leaf(int... shape) { return Torch.randn(F64, shape).requiresGrad_(true); }

  private static void gradcheck(TensorFn fn, Tensor... in) { assertTrue(Autograd.gradcheck(fn, in)); }

  @Test
  void conv2dPassesGradcheckInFloat64() {
    Torch.manualSeed(1);
    gradcheck(t -> F.conv2d(t[0], t[1], t[2]), leaf(2, 3, 6, 5), leaf(4, 3, 3, 2), leaf(4));
    gradcheck(t -> F.conv2d(t[0], t[1], t[2], new int[]{2, 1}, new int[]{1, 2}, new int[]{1, 2}, 1), leaf(1, 2, 7, 8), leaf(3, 2, 3, 2), leaf(3));
    gradcheck(t -> F.conv2d(t[0], t[1], null, new int[]{2, 2}, new int[]{1, 1}, new int[]{2, 2}, 2), leaf(2, 4, 8, 7), leaf(4, 2, 2, 3));
    gradcheck(t -> F.conv2d(t[0], t[1], t[2], new int[]{1, 3}, new int[]{0, 1}, new int[]{1, 1}, 3), leaf(1, 3, 5, 7), leaf(6, 1, 2, 2), leaf(6));
    gradcheck(t -> F.conv2d(t[0], t[1], t[2], new int[]{1, 1}, "same", new int[]{1, 1}, 1), leaf(1, 2, 5, 5), leaf(2, 2, 2, 3), leaf(2));
  }

  @Test
  void conv2dSecondDerivativesPassGradcheckInFloat64() {
    Torch.manualSeed(2);
    // the backward ops are themselves differentiated: the weight's gradient (built with create_graph, under
    // enable_grad because gradcheck's numerical pass runs under no_grad) checked against x and w
    TensorFn gradOfWeight = t -> {
      try (var g = Torch.enableGrad()) {
        Tensor y = F.conv2d(t[0], t[1], null, new int[]{2, 1}, new int[]{1, 0}, new int[]{1, 1}, 1);
        return Autograd.grad(new Tensor[]{y.mul(y).sum()}, new Tensor[]{t[0], t[1]}, true)[1];
      }
    };
    gradcheck(gradOfWeight, leaf(1, 2, 5, 4), leaf(2, 2, 2, 2));
  }

  @Test
  void poolingPassesGradcheckInFloat64() {
    Torch.manualSeed(3);
    gradcheck(t -> F.maxPool2d(t[0], 2), leaf(2, 2, 6, 6));
    gradcheck(t -> F.maxPool2d(t[0], new int[]{3, 2}, new int[]{2, 1}, new int[]{1, 1}, new int[]{1, 2}, true), leaf(1, 2, 7, 6));
    gradcheck(t -> F.maxPool2d(t[0], new int[]{3, 3}, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, true), leaf(3, 6, 6));
    gradcheck(t -> F.avgPool2d(t[0], 2), leaf(2, 2, 6, 6));
    gradcheck(t -> F.avgPool2d(t[0], new int[]{3, 3}, new int[]{2, 2}, new int[]{1, 1}, true, true), leaf(1, 2, 7, 8));
    gradcheck(t -> F.avgPool2d(t[0], new int[]{3, 2}, new int[]{2, 3}, new int[]{1, 1}, true, false), leaf(2, 7, 8));
    gradcheck(t -> F.adaptiveAvgPool2d(t[0], new int[]{3, 4}), leaf(1, 2, 7, 9));
  }

  @Test
  void paddingPassesGradcheckInFloat64() {
    Torch.manualSeed(4);
    gradcheck(t -> F.pad(t[0], new int[]{1, 2, 0, 1}, "constant", 0.25), leaf(2, 3, 4));
    gradcheck(t -> F.pad(t[0], new int[]{-1, 2, 1, -1}, "constant", 0), leaf(2, 3, 5));
    gradcheck(t -> F.pad(t[0], new int[]{2, 1, 1, 2}, "reflect", 0), leaf(1, 2, 4, 5));
    gradcheck(t -> F.pad(t[0], new int[]{2, 1, 1, 2}, "replicate", 0), leaf(1, 2, 4, 5));
    gradcheck(t -> F.pad(t[0], new int[]{1, 2}, "circular", 0), leaf(2, 3, 4));
  }

  private static Module cnn() {
    Torch.manualSeed(5);
    return new Sequential(new Conv2d(2, 4, 3, 1, 1), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 3 * 3, 3));
  }

  @Test
  void aCnnAfterToDoubleComputesInFloat64() {
    Module m = cnn();
    Tensor x = Torch.randn(2, 2, 6, 6);
    Tensor y32 = m.forward(x);
    m.toDouble();
    Tensor y = m.forward(x.toDouble());
    assertEquals(F64, y.dtype());
    double[] a = y.toDoubleArray();
    float[] b = y32.toFloatArray();
    for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-5, "float64 forward close to the float32 one at " + i);
    y.sum().backward();
    for (Tensor p : m.parameters()) {
      assertEquals(F64, p.grad().dtype());
    }
    assertTrue(Autograd.gradcheck(t -> m.forward(t[0]), x.toDouble().requiresGrad_(true)));
  }

  @Test
  void aFloat64CnnTrainsCompiledAsEagerAndCompilesFrozenForEval() {
    Module a = cnn().toDouble(), b = cnn().toDouble();
    Torch.manualSeed(8);
    Tensor x = Torch.randn(F64, 4, 2, 6, 6), y = Torch.randn(F64, 4, 3);
    dev.tcompile.LossFn mse = F::mseLoss;
    dev.tcompile.optim.SGD optA = new dev.tcompile.optim.SGD(a.parameters(), 0.1, 0.9), optB = new dev.tcompile.optim.SGD(b.parameters(), 0.1, 0.9);
    dev.tcompile.TrainStep step = Torch.compileTrainStep(b, mse, optB);
    for (int i = 0; i < 3; i++) {
      optA.zeroGrad();
      Tensor lossA = mse.apply(a.forward(x), y);
      lossA.backward();
      optA.step();
      Tensor lossB = step.step(x, y);
      assertEquals(F64, lossB.dtype());
      assertEquals(lossA.itemDouble(), lossB.itemDouble(), 0, "step " + i);
    }
    for (int i = 0; i < a.parameters().size(); i++)
      assertArrayEquals(a.parameters().get(i).toDoubleArray(), b.parameters().get(i).toDoubleArray(), 0, "parameter " + i);
    a.eval();
    Tensor eager = a.forward(x);
    Module compiled = Torch.compile(a);
    Tensor frozen;
    try (dev.tcompile.GradGuard g = Torch.noGrad()) { frozen = compiled.forward(x); } // weights folded in as float64 constants
    assertEquals(F64, frozen.dtype());
    assertArrayEquals(eager.toDoubleArray(), frozen.toDoubleArray(), 0);
  }

  /** conv -> relu -> max pool -> avg pool -> pad, summed with a weighting so every gradient element matters. */
  private static Tensor program(Tensor[] t) {
    Tensor c = F.conv2d(t[0], t[1], t[2], new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1).relu();
    Tensor p = F.maxPool2d(c, new int[]{2, 2}, new int[]{2, 2}, new int[]{0, 0}, new int[]{1, 1}, true);
    Tensor q = F.avgPool2d(p, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, false, false);
    return F.pad(q, new int[]{1, 1, 0, 1}, "reflect", 0).mul(t[3]);
  }

  @Test
  void compiledFloat64ConvPoolProgramGivesEagerValuesAndGradients() {
    Torch.manualSeed(6);
    Tensor[] xs = {leaf(2, 3, 7, 7), leaf(4, 3, 3, 3), leaf(4), null};
    Tensor shape = program(new Tensor[]{xs[0], xs[1], xs[2], Torch.ones(F64, 1)});
    xs[3] = leaf(shape.shapeArray());
    Tensor eager = program(xs);
    Tensor up = Torch.randn(F64, eager.shapeArray());
    Tensor[] eagerGrads = Autograd.grad(new Tensor[]{eager}, xs, new Tensor[]{up}, false, false, true);
    for (CompileOptions.Backend b : CompileOptions.Backend.values()) {
      Tensor out = Torch.compile(Float64ConvPoolPadTest::program, new CompileOptions().backend(b)).apply(xs);
      assertEquals(F64, out.dtype(), b + " dtype");
      assertEquals("CompiledFunctionBackward", out.gradFn().name(), b + " ran compiled");
      assertArrayEquals(eager.toDoubleArray(), out.toDoubleArray(), 0, b + " value");
      Tensor[] g = Autograd.grad(new Tensor[]{out}, xs, new Tensor[]{up}, false, false, true);
      for (int i = 0; i < g.length; i++) {
        assertEquals(F64, g[i].dtype(), b + " grad dtype " + i);
        assertArrayEquals(eagerGrads[i].toDoubleArray(), g[i].toDoubleArray(), 0, b + " grad " + i);
      }
    }
  }

  @Test
  void resultsAreTheSameBitsAtAnyThreadCount() {
    Torch.manualSeed(7);
    Tensor[] xs = {leaf(4, 8, 16, 16), leaf(16, 8, 3, 3), leaf(16), null};
    xs[3] = leaf(program(new Tensor[]{xs[0], xs[1], xs[2], Torch.ones(F64, 1)}).shapeArray());
    int before = Parallel.threads();
    try {
      java.util.List<double[]> runs = new java.util.ArrayList<>();
      for (int threads : new int[]{1, 2, 5}) {
        Parallel.setThreads(threads);
        Tensor y = program(xs);
        Tensor[] g = Autograd.grad(new Tensor[]{y.sum()}, xs, null, false, false, false);
        java.util.stream.DoubleStream all = java.util.Arrays.stream(y.toDoubleArray());
        for (Tensor gi : g) all = java.util.stream.DoubleStream.concat(all, java.util.Arrays.stream(gi.toDoubleArray()));
        runs.add(all.toArray());
      }
      assertArrayEquals(runs.get(0), runs.get(1), 0);
      assertArrayEquals(runs.get(0), runs.get(2), 0);
    } finally {
      Parallel.setThreads(before);
    }
  }

  @Test
  void mixedFloat32AndFloat64OperandsGivePyTorchsMessages() {
    Tensor x64 = Torch.ones(F64, 1, 2, 4, 4), w32 = Torch.ones(3, 2, 2, 2);
    assertEquals("expected scalar type Double but found Float", assertThrows(TorchException.class, () -> F.conv2d(x64, w32)).getMessage());
    assertEquals("expected scalar type Float but found Double",
        assertThrows(TorchException.class, () -> F.conv2d(x64.toFloat(), w32.toDouble())).getMessage());
    assertEquals("Input type (double) and bias type (float) should be the same",
        assertThrows(TorchException.class, () -> F.conv2d(x64, w32.toDouble(), Torch.ones(3))).getMessage());
  }
}
