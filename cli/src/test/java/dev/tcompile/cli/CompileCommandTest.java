package dev.tcompile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Torch;
import dev.tcompile.TracedGraph;
import dev.tcompile.codegen.Interpreter;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphFiles;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.compiled.CompiledModel;
import dev.tcompile.vision.models.MnistNet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tcompile compile MODEL.tir -o MODEL.jar, tcompile inspect MODEL.jar, and their bad inputs (one line, non-zero exit). */
class CompileCommandTest {
  @TempDir Path dir;

  /**
   * The MNIST CNN frozen (weights as constants, in the .tir's safetensors file), batch 16: its fused bias+ReLU over
   * [16, 500] is large enough for a generated loop (KernelLoader.MIN_ELEMENTS).
   */
  private Path savedMnist() {
    Torch.manualSeed(0);
    MnistNet net = new MnistNet();
    net.eval();
    Path tir = dir.resolve("mnist.tir");
    GraphFiles.save(TracedGraph.of(xs -> net.forward(xs[0]), Torch.randn(16, 1, 28, 28)).frozen(t -> null), tir);
    return tir;
  }

  @Test void compilesATirIntoAJarThatComputesTheGraphsValues() {
    Path tir = savedMnist(), jar = dir.resolve("out/mnist.jar");
    dir.resolve("out").toFile().mkdirs();
    CliRun r = CliRun.of("compile", tir.toString(), "-o", jar.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("wrote " + jar + ": 2 classes (largest method "), r.out());
    Graph g = GraphFiles.load(tir);
    NDArray x = Torch.randn(16, 1, 28, 28).array();
    // the oracle: the interpreter on the graph the pipeline gives (folding pre-transposes the weights)
    Graph kernels = new dev.tcompile.codegen.Compiler(dev.tcompile.codegen.Backend.INTERPRETER, java.util.Set.of(), null).inferenceGraph(g);
    NDArray want = new Interpreter(kernels).run(x)[0], got = CompiledModel.load(jar).run(x)[0];
    for (int i = 0; i < want.numel(); i++) assertEquals(Float.floatToRawIntBits((float) want.getDouble(i)), Float.floatToRawIntBits((float) got.getDouble(i)));

    CliRun inspect = CliRun.of("inspect", jar.toString());
    assertEquals(0, inspect.code(), inspect.err());
    String out = inspect.out();
    assertTrue(out.startsWith(jar + ": compiled model fn (graph @fn, tcompile dev, artifact format " + dev.tcompile.runtime.compiled.Artifact.FORMAT + ")\n"
        + "signature (1 inputs, 1 outputs)\n  in   x0: float32[16, 1, 28, 28]\n  out  14: float32[16, 10]\nkernels\n  1 fused (1 generated as bytecode)\n"), out);
    assertTrue(out.contains("\nclasses: 2, methods: ") && out.contains("  Program.run ") && out.contains("  Kernel0.run "), out);
  }

  @Test void dumpAfterAPassAndDisablingPasses() {
    Path tir = savedMnist(), jar = dir.resolve("m.jar");
    CliRun r = CliRun.of("compile", tir.toString(), "-o", jar.toString(), "--dump-after", "fuse");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("// after ") && r.out().contains("-inference-fuse\ngraph @") && r.out().contains("= fused("), r.out());
    CliRun off = CliRun.of("compile", tir.toString(), "-o", jar.toString(), "--disable", "fuse,epilogue", "--dump-after", "all");
    assertEquals(0, off.code(), off.err());
    assertFalse(off.out().contains("= fused("), off.out());
    assertTrue(off.out().contains("\nwrote " + jar + ": 1 classes"), off.out());
  }

  /**
   * --grad: the gradients of a loss traced with nll_loss, with respect to the input and conv1's weight and bias (frozen
   * constants), against the eager autograd's (the same kernels, so the same bits).
   */
  @Test void gradAddsTheGradientsOfTheNamedInputsAndWeights() {
    Torch.manualSeed(0);
    MnistNet net = new MnistNet();
    net.eval();
    dev.tcompile.Tensor x = Torch.randn(2, 1, 28, 28), y = Torch.fromArray(new long[]{3, 7}, 2);
    var traced = TracedGraph.of(xs -> dev.tcompile.nn.F.nllLoss(net.forward(xs[0]), y), x);
    Path tir = dir.resolve("loss.tir"), jar = dir.resolve("loss.jar");
    GraphFiles.save(traced.frozen(t -> t == net.conv1().weight() ? "conv1.weight" : t == net.conv1().bias() ? "conv1.bias" : null), tir);
    CliRun r = CliRun.of("compile", tir.toString(), "-o", jar.toString(), "--grad", "x0,conv1.weight,conv1.bias");
    assertEquals(0, r.code(), r.err());
    CompiledModel m = CompiledModel.load(jar);
    assertEquals(2, m.inputs().size(), m.inputs().toString());   // x0 and the loss's gradient
    NDArray[] out = m.run(x.array(), NDArray.scalar(dev.tcompile.DType.FLOAT32, 1));
    assertEquals(4, out.length);
    dev.tcompile.Tensor xr = x.detach().requiresGrad_(true);
    dev.tcompile.Tensor loss = dev.tcompile.nn.F.nllLoss(net.forward(xr), y);
    loss.backward();
    assertClose(loss.array(), out[0]);
    assertClose(xr.grad().array(), out[1]);
    assertClose(net.conv1().weight().grad().array(), out[2]);   // then the weights, in the graph's order
    assertClose(net.conv1().bias().grad().array(), out[3]);
  }

  /**
   * A frozen CNN with a batch norm: bnfold folds it into the conv (shown by --dump-after bnfold), so the jar holds no
   * batch-norm call and computes the eager module's values; with the pass disabled the op has no kernel call.
   */
  @Test void aBatchNormFoldsIntoItsConvolution() {
    Torch.manualSeed(1);
    var m = new dev.tcompile.nn.Sequential(new dev.tcompile.nn.Conv2d(1, 4, 3), new dev.tcompile.nn.BatchNorm2d(4), new dev.tcompile.nn.ReLU());
    try (var g = Torch.noGrad()) {
      ((dev.tcompile.nn.BatchNorm2d) m.namedChildren().get("1")).runningVar().copy_(Torch.rand(4).add(0.5));
    }
    m.eval();
    dev.tcompile.Tensor x = Torch.randn(2, 1, 6, 6);
    Path tir = dir.resolve("bn.tir"), jar = dir.resolve("bn.jar");
    GraphFiles.save(TracedGraph.of(xs -> m.forward(xs[0]), x).frozen(t -> null), tir);
    CliRun r = CliRun.of("compile", tir.toString(), "-o", jar.toString(), "--dump-after", "bnfold");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("-graph-bnfold\n") && r.out().contains("folded_weight") && r.out().contains("// %1 = native_batch_norm(%0) folded into conv2d %0"), r.out());
    try (var g = Torch.noGrad()) {
      assertClose(m.forward(x).array(), CompiledModel.load(jar).run(x.array())[0]);
    }
    CliRun.of("compile", tir.toString(), "-o", jar.toString(), "--disable", "bnfold")
        .failsWith(1, "tcompile compile: cannot compile graph @fn into a jar: %1 = native_batch_norm has no compiled kernel call");
  }

  private static void assertClose(NDArray want, NDArray got) {
    assertEquals(java.util.Arrays.toString(want.shape()), java.util.Arrays.toString(got.shape()));
    for (int i = 0; i < want.numel(); i++)
      assertEquals(want.getDouble(i), got.getDouble(i), 1e-5 + 1e-4 * Math.abs(want.getDouble(i)), "element " + i);
  }

  @Test void badInputIsAOneLineError() throws Exception {
    CliRun.of("compile", dir.resolve("nope.tir").toString()).failsWith(2, "tcompile compile: no such file: ");
    Path txt = Files.writeString(dir.resolve("m.txt"), "x");
    CliRun.of("compile", txt.toString()).failsWith(2, "tcompile compile: expected a .tir graph, got ");
    Path bad = Files.writeString(dir.resolve("bad.tir"), "graph @g(%x: f32[2]) {\n  %y = frobnicate(%x) : f32[2]\n  return %y\n}\n");
    CliRun.of("compile", bad.toString()).failsWith(1, "tcompile compile: 2:");
    Path tir = savedMnist();
    CliRun.of("compile", tir.toString(), "-o", dir.resolve("no/such/dir/m.jar").toString()).failsWith(1, "tcompile compile: cannot write ");
    CliRun.of("compile", tir.toString(), "-o", dir.resolve("m.zip").toString()).failsWith(2, "tcompile compile: the output should end in .jar");
    CliRun.of("compile", tir.toString(), "--disable", "nosuch").failsWith(2, "tcompile compile: unknown pass 'nosuch'; passes: ");
    CliRun.of("compile", tir.toString(), "--dump-after", "nosuch").failsWith(2, "tcompile compile: unknown pass 'nosuch' for --dump-after");
    CliRun.of("compile", tir.toString(), "--grad", "nosuch").failsWith(1, "tcompile compile: --grad: no input or constant named nosuch; the graph has x0, ");
    CliRun.of("compile").failsWith(2, "tcompile compile: Missing required parameter: 'MODEL.tir'");
    // a graph with an op the program cannot call
    Path cat = Files.writeString(dir.resolve("cat.tir"), "graph @g(%x: f32[2]) {\n  %y = cat(%x, %x) {dim=0} : f32[4]\n  return %y\n}\n");
    CliRun.of("compile", cat.toString()).failsWith(1, "tcompile compile: cannot compile graph @g into a jar: %y = cat has no compiled kernel call");
    // inspect: a corrupt jar, a missing one
    Path junk = Files.write(dir.resolve("junk.jar"), new byte[]{1, 2, 3});
    CliRun.of("inspect", junk.toString()).failsWith(1, "tcompile inspect: cannot load compiled model " + junk + ": ");
    CliRun.of("inspect", dir.resolve("none.jar").toString()).failsWith(2, "tcompile inspect: no such file: ");
  }
}
