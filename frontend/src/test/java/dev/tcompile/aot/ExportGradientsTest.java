package dev.tcompile.aot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.CompileOptions;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.nn.BatchNorm2d;
import dev.tcompile.nn.Conv2d;
import dev.tcompile.nn.Flatten;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.ReLU;
import dev.tcompile.nn.Sequential;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.compiled.CompiledModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Torch.export with gradients (the Java side of {@code tcompile compile --grad}): the jar loaded with
 * CompiledModel.load gives the eager forward's outputs and the eager autograd's gradients; bad names are refused
 * with one clear message.
 */
class ExportGradientsTest {
  @TempDir Path dir;

  private static Sequential cnn() {
    Torch.manualSeed(5);
    Sequential m = new Sequential(new Conv2d(1, 3, 3), new BatchNorm2d(3), new ReLU(), new Flatten(), new Linear(108, 4));
    BatchNorm2d bn = (BatchNorm2d) m.namedChildren().get("1");
    try (var g = Torch.noGrad()) {
      bn.runningMean().copy_(Torch.randn(3));
      bn.runningVar().copy_(Torch.rand(3).add(0.5));
    }
    m.eval();
    return m;
  }

  private static void assertClose(Tensor want, NDArray got, String what) {
    assertArrayEquals(want.shapeArray(), got.shape(), what + " shape");
    float[] a = want.toFloatArray(), b = got.toFloatArray();
    for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-5f + 1e-5f * Math.abs(a[i]), what + " element " + i);
  }

  @Test void theJarsOutputsAndGradientsAreEagerAutograds() {
    Sequential m = cnn();
    Tensor x = Torch.randn(2, 1, 8, 8), gradOut = Torch.randn(2, 4);
    Path jar = dir.resolve("cnn.jar");
    // the conv and the batch norm stay frozen: bnfold folds them into one conv2d (the jar has no batch-norm kernel call)
    Torch.export(m, jar, List.of("4.weight", "x0", "4.bias"), x);
    CompiledModel c = CompiledModel.load(jar);
    assertEquals(2, c.inputs().size(), c.inputs().toString());
    assertEquals("x0", c.inputs().get(0).name());
    assertTrue(c.inputs().get(1).name().startsWith("grad_"), c.inputs().toString());
    NDArray[] out = c.run(x.array(), gradOut.array());
    assertEquals(4, out.length);

    Tensor xr = x.detach().requiresGrad_(true);
    Tensor y = m.forward(xr);
    y.backward(gradOut);
    assertClose(y.detach(), out[0], "output");
    assertClose(xr.grad(), out[1], "x0's gradient (the examples' first)");
    assertClose(m.namedParameters().get("4.weight").grad(), out[2], "4.weight's gradient");
    assertClose(m.namedParameters().get("4.bias").grad(), out[3], "4.bias's gradient");
  }

  @Test void unfrozenWeightsGiveTheSameGradients() {
    Torch.manualSeed(6);
    Sequential m = new Sequential(new Conv2d(1, 3, 3), new ReLU(), new Flatten(), new Linear(108, 4));
    Tensor x = Torch.randn(3, 1, 8, 8), gradOut = Torch.randn(3, 4);
    Path jar = dir.resolve("unfrozen.jar");
    Torch.export(m, jar, new CompileOptions().freezeWeights(false), List.of("0.weight"), x);
    NDArray[] out = CompiledModel.load(jar).run(x.array(), gradOut.array());
    Tensor y = m.forward(x);
    y.backward(gradOut);
    assertClose(y.detach(), out[0], "output");
    assertClose(m.namedParameters().get("0.weight").grad(), out[1], "the conv weight's gradient");
  }

  /** A differentiated conv bias keeps its conv apart from the batch norm, which becomes a multiply-add the jar runs. */
  @Test void aDifferentiatedConvKeepsItsNormAsAMultiplyAdd() {
    Sequential m = cnn();
    Tensor x = Torch.randn(2, 1, 8, 8), gradOut = Torch.randn(2, 4);
    Path jar = dir.resolve("bias.jar");
    Torch.export(m, jar, List.of("0.bias"), x);
    NDArray[] out = CompiledModel.load(jar).run(x.array(), gradOut.array());
    Tensor y = m.forward(x);
    y.backward(gradOut);
    assertClose(y.detach(), out[0], "output");
    assertClose(m.namedParameters().get("0.bias").grad(), out[1], "0.bias's gradient");
  }

  /** A differentiated batch-norm input keeps the batch norm, which jars have no kernel call for: refused by op name. */
  @Test void aBatchNormThatCannotFoldIsRefused() {
    Sequential m = cnn();
    TorchException e = assertThrows(TorchException.class,
        () -> Torch.export(m, dir.resolve("bn.jar"), List.of("1.weight"), Torch.randn(2, 1, 8, 8)));
    assertTrue(e.getMessage().endsWith(" = native_batch_norm has no compiled kernel call"), e.getMessage());
  }

  @Test void badNamesAreRefusedByName() {
    Sequential m = cnn();
    Tensor x = Torch.randn(2, 1, 8, 8);
    Path jar = dir.resolve("bad.jar");
    TorchException e = assertThrows(TorchException.class, () -> Torch.export(m, jar, List.of("0.weight", "fc.weight"), x));
    assertEquals("Torch.export: no parameter or input named 'fc.weight'; the module's parameters are 0.weight, 0.bias, 1.weight, "
        + "1.bias, 4.weight, 4.bias and its inputs x0", e.getMessage());
    e = assertThrows(TorchException.class, () -> Torch.export(m, jar, List.of("x1"), x));
    assertTrue(e.getMessage().startsWith("Torch.export: no parameter or input named 'x1'"), e.getMessage());
    e = assertThrows(TorchException.class, () -> Torch.export(m, jar, List.of("1.running_mean"), x));
    assertEquals("Torch.export: '1.running_mean' is a buffer, not a parameter: it has no gradient", e.getMessage());
    e = assertThrows(TorchException.class, () -> Torch.export(m, jar, List.of("0.bias", "0.bias"), x));
    assertEquals("Torch.export: '0.bias' is listed twice among the gradients", e.getMessage());

    Module unused = new Module() {
      final Linear used = register("used", new Linear(3, 2)), spare = register("spare", new Linear(3, 2));
      @Override public Tensor forward(Tensor in) { return used.forward(in); }
    };
    e = assertThrows(TorchException.class, () -> Torch.export(unused, jar, List.of("spare.weight"), Torch.randn(4, 3)));
    assertEquals("Torch.export: the outputs do not depend on spare.weight (forward does not read it)", e.getMessage());
    assertTrue(!jar.toFile().exists(), "nothing written");
  }
}
