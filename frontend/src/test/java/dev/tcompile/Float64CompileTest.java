package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.nn.F;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.Sequential;
import dev.tcompile.nn.Tanh;
import dev.tcompile.optim.SGD;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Torch.compile of float64 programs: no fusion, pattern rewrite or generated loop takes a float64 node, so each runs
 * its op's double kernel (a direct call where the runtime kernel has a float64 branch) and compiled results equal eager
 * ones bit for bit, on both backends, gradients included. Ahead-of-time jars run float64 graphs through the same
 * double kernels (direct calls where the runtime kernel has a float64 branch), and a train step with float64 parameters runs as a compiled loss plus the eager optimiser instead of the float32 in-graph update.
 */
class Float64CompileTest {
  private static final DType F64 = DType.FLOAT64;

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() { return CompiledVsEagerTest.cases(); }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyCompiledVsEagerCaseInFloat64IsBitExactOnBothBackends(CompiledVsEagerTest.Case c) {
    Torch.manualSeed(c.name().hashCode());
    Tensor[] xs = new Tensor[c.shapes().length];
    for (int i = 0; i < xs.length; i++) xs[i] = Torch.randn(F64, c.shapes()[i]).requiresGrad_(true);
    Tensor eager = c.fn().apply(xs);
    Tensor up = Torch.randn(F64, eager.shapeArray());
    Tensor[] eagerGrads = Autograd.grad(new Tensor[]{eager}, xs, new Tensor[]{up}, false, false, true);
    for (CompileOptions.Backend b : CompileOptions.Backend.values()) {
      Tensor out = Torch.compile(c.fn(), new CompileOptions().backend(b)).apply(xs);
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

  private static Module mlp() {
    Torch.manualSeed(11);
    return new Sequential(new Linear(4, 8, true, F64), new Tanh(), new Linear(8, 3, true, F64));
  }

  @Test
  void compiledFloat64ModuleMatchesEagerInTrainingAndFrozenEval() {
    Module model = mlp();
    Tensor x = Torch.randn(F64, 5, 4);
    Tensor eager = model.forward(x);
    Module compiled = Torch.compile(model);
    assertArrayEquals(eager.toDoubleArray(), compiled.forward(x).toDoubleArray(), 0);
    model.eval();
    Tensor frozen;
    try (GradGuard g = Torch.noGrad()) { frozen = compiled.forward(x); } // weights folded in as float64 constants
    assertEquals(F64, frozen.dtype());
    assertArrayEquals(eager.toDoubleArray(), frozen.toDoubleArray(), 0);
  }

  @Test
  void float64TrainStepRunsCompiledLossWithTheEagerUpdate() {
    Module a = mlp(), b = mlp();
    Torch.manualSeed(5);
    Tensor x = Torch.randn(F64, 6, 4), y = Torch.randn(F64, 6, 3);
    LossFn mse = F::mseLoss;
    SGD optA = new SGD(a.parameters(), 0.1, 0.9), optB = new SGD(b.parameters(), 0.1, 0.9);
    TrainStep step = Torch.compileTrainStep(b, mse, optB);
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
  }

  @Test
  void float64ConstantsSurviveTheIrText() {
    // created inside the traced function: a constant of the graph
    dev.tcompile.ir.Graph g = Torch.trace(t -> t[0].mul(Torch.tensor(new double[]{1.0 / 3, 1e300, -0.1}, F64)), Torch.ones(F64, 3));
    String text = g.toString();
    assertTrue(text.contains("0.3333333333333333"), text);
    dev.tcompile.ir.Graph back = dev.tcompile.ir.GraphParser.parse(text);
    assertEquals(text, back.toString(), "prints, parses and prints the same");
    dev.tcompile.runtime.NDArray c = back.nodes().stream().filter(dev.tcompile.ir.Node::isConstant).findFirst().orElseThrow().payload();
    assertEquals(F64, c.dtype());
    assertArrayEquals(new double[]{1.0 / 3, 1e300, -0.1}, c.toDoubleArray(), 0);
  }

  /**
   * A float64 model exported ahead of time: the jar's program calls the runtime's kernels, whose float64 branches
   * are the ones the ops' evals take, so it gives Torch.compile's bits, and eager's.
   */
  @Test
  void exportedFloat64ModelGivesCompiledBits(@TempDir Path dir) {
    Module model = mlp();
    Tensor x = Torch.randn(F64, 3, 4);
    Path jar = dir.resolve("m.jar");
    Torch.export(model, jar, x);
    dev.tcompile.runtime.compiled.CompiledModel m = dev.tcompile.runtime.compiled.CompiledModel.load(jar);
    assertEquals("[x0: float64[3, 4]]", m.inputs().toString());
    dev.tcompile.runtime.NDArray got = m.run(x.array())[0];
    Tensor compiled, eager;
    try (GradGuard g = Torch.noGrad()) {
      compiled = Torch.compile(model).forward(x);
      eager = model.forward(x);
    }
    assertEquals(F64, got.dtype());
    assertArrayEquals(compiled.toDoubleArray(), got.toDoubleArray(), 0);
    assertArrayEquals(eager.toDoubleArray(), got.toDoubleArray(), 0);
  }

  /**
   * Exports {@code m} with gradients of x0 and {@code params}, runs the jar with {@code gradOut}, and checks its output
   * and each gradient (dtype and bits) against the eager forward and autograd.
   */
  private static void assertJarGivesEagerBits(Module m, Tensor x, Tensor gradOut, Path jar, String... params) {
    java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of("x0"));
    names.addAll(java.util.List.of(params));
    Torch.export(m, jar, names, x);
    dev.tcompile.runtime.NDArray[] out = dev.tcompile.runtime.compiled.CompiledModel.load(jar).run(x.array(), gradOut.array());
    Tensor xr = x.detach().requiresGrad_(true);
    Tensor y = m.forward(xr);
    y.backward(gradOut);
    assertEquals(2 + params.length, out.length);
    for (dev.tcompile.runtime.NDArray o : out) assertEquals(x.dtype(), o.dtype());
    assertArrayEquals(y.toDoubleArray(), out[0].toDoubleArray(), 0, x.dtype() + " output");
    assertArrayEquals(xr.grad().toDoubleArray(), out[1].toDoubleArray(), 0, x.dtype() + " x0's gradient");
    for (int i = 0; i < params.length; i++)
      assertArrayEquals(m.namedParameters().get(params[i]).grad().toDoubleArray(), out[2 + i].toDoubleArray(), 0,
          x.dtype() + " " + params[i] + "'s gradient");
  }

  /** With gradients: the jar's float64 outputs and gradients are the eager autograd's, bit for bit. */
  @Test
  void exportedFloat64GradientsAreEagerAutograds(@TempDir Path dir) {
    assertJarGivesEagerBits(mlp(), Torch.randn(F64, 3, 4), Torch.randn(F64, 3, 3), dir.resolve("g.jar"), "0.weight", "2.bias");
  }

  /** A float64 CNN (convolution, ReLU, max pooling, linear): its jar calls the double kernels, forward and backward. */
  @Test
  void exportedFloat64CnnGivesEagerBits(@TempDir Path dir) {
    Torch.manualSeed(12);
    Module cnn = new Sequential(new dev.tcompile.nn.Conv2d(1, 3, 3), new dev.tcompile.nn.ReLU(), new dev.tcompile.nn.MaxPool2d(2),
        new dev.tcompile.nn.Flatten(), new Linear(27, 4)).toDouble();
    assertJarGivesEagerBits(cnn, Torch.randn(F64, 2, 1, 8, 8), Torch.randn(F64, 2, 4), dir.resolve("cnn.jar"), "0.weight", "0.bias");
  }

  /** Padding, average and adaptive average pooling have direct calls too, float32 and float64: the jar gives eager's bits. */
  @Test
  void exportedPaddingAndAvgPoolingModelsGiveEagerBits(@TempDir Path dir) {
    for (DType dt : new DType[]{DType.FLOAT32, F64}) {
      Torch.manualSeed(13);
      Module m = new Sequential(new dev.tcompile.nn.ZeroPad2d(1), new dev.tcompile.nn.Conv2d(1, 2, 3), new dev.tcompile.nn.AvgPool2d(2, 2, 1, false, false),
          new dev.tcompile.nn.AdaptiveAvgPool2d(3), new dev.tcompile.nn.Flatten(), new Linear(18, 3));
      if (dt == F64) m.toDouble();
      assertJarGivesEagerBits(m, Torch.randn(2, 1, 9, 9).to(dt), Torch.randn(2, 3).to(dt), dir.resolve("avg-" + dt + ".jar"), "1.weight");
    }
  }
}
