package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.nn.BatchNorm1d;
import dev.tcompile.nn.BatchNorm2d;
import dev.tcompile.nn.BatchNormBase;
import dev.tcompile.nn.Conv2d;
import dev.tcompile.nn.Flatten;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.MaxPool2d;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.OptimizedModule;
import dev.tcompile.nn.ReLU;
import dev.tcompile.nn.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CNN with batch norms, in eval mode under no-grad: the compiled program folds each batch norm into the conv2d or
 * Linear before it (the {@code bnfold} pass; the one after pooling becomes a multiply-add), agrees with eager within
 * float rounding, and recompiles with the new statistics when a batch norm's buffer or parameter changes in place.
 */
class FrozenBatchNormTest {
  private static Sequential cnn() {
    Torch.manualSeed(3);
    Sequential m = new Sequential(new Conv2d(1, 4, 3), new BatchNorm2d(4), new ReLU(),
        new Conv2d(4, 6, 3, 1, 1, 1, 1, false), new BatchNorm2d(6), new ReLU(), new MaxPool2d(2), new BatchNorm2d(6), new Flatten(),
        new Linear(54, 8), new BatchNorm1d(8), new ReLU(), new Linear(8, 3));
    // statistics and affine parameters away from their defaults (1, 0), as after training
    try (var g = Torch.noGrad()) {
      for (Module sub : m.children())
        if (sub instanceof BatchNormBase bn) {
          int c = bn.runningMean().size(0);
          bn.runningMean().copy_(Torch.randn(c));
          bn.runningVar().copy_(Torch.rand(c).add(0.5));
          bn.parameters().get(0).copy_(Torch.randn(c));
          bn.parameters().get(1).copy_(Torch.randn(c));
        }
    }
    m.eval();
    return m;
  }

  /** The last inference-stage graph dumped for the newest signature. */
  private static String lastGraph(Path dumps) throws Exception {
    try (var dirs = Files.list(dumps)) {
      Path sig = dirs.sorted().reduce((a, b) -> b).orElseThrow();
      try (var files = Files.list(sig)) {
        return Files.readString(files.filter(p -> p.getFileName().toString().contains("inference")).sorted().reduce((a, b) -> b).orElseThrow());
      }
    }
  }

  private static long statements(String graph) { return graph.lines().filter(l -> l.contains(" = ")).count(); }

  @Test void foldedIntoTheLayersAndEqualToEager(@TempDir Path dumps) throws Exception {
    Sequential m = cnn();
    Tensor x = Torch.randn(5, 1, 8, 8);
    OptimizedModule folded = (OptimizedModule) Torch.compile(m, new CompileOptions().dumpIr(dumps.resolve("on")));
    OptimizedModule unfolded = (OptimizedModule) Torch.compile(m, new CompileOptions().disable("bnfold").dumpIr(dumps.resolve("off")));
    try (var g = Torch.noGrad()) {
      Tensor want = m.forward(x);
      CompiledVsEagerTest.assertClose(want, folded.forward(x), "bn folded");
      CompiledVsEagerTest.assertClose(want, unfolded.forward(x), "bn kept");
    }
    String on = lastGraph(dumps.resolve("on")), off = lastGraph(dumps.resolve("off"));
    assertFalse(on.contains("native_batch_norm"), on);
    assertEquals(4, off.split("native_batch_norm", -1).length - 1, off);
    assertTrue(statements(on) < statements(off), statements(on) + " statements folded, " + statements(off) + " kept");
    try (var files = Files.list(dumps.resolve("on").resolve("signature-1"))) {
      Path bnfold = files.filter(p -> p.getFileName().toString().endsWith("-graph-bnfold.tir")).findFirst().orElseThrow();
      String text = Files.readString(bnfold);
      assertEquals(3, text.split("folded into ", -1).length - 1, "one note per batch norm folded into its layer: " + text);
      assertEquals(1, text.split("became a per-channel multiply-add", -1).length - 1, "the one after pooling: " + text);
    }
  }

  @Test void aChangedStatisticOrNormWeightRecompiles() {
    Sequential m = cnn();
    BatchNorm2d bn = (BatchNorm2d) m.namedChildren().get("1");
    OptimizedModule c = (OptimizedModule) Torch.compile(m);
    Tensor x = Torch.randn(2, 1, 8, 8);
    try (var g = Torch.noGrad()) {
      CompiledVsEagerTest.assertClose(m.forward(x), c.forward(x), "first");
      bn.runningVar().mul_(3.0);
      CompiledVsEagerTest.assertClose(m.forward(x), c.forward(x), "after running_var changed");
      assertEquals(2, c.compiled().traceCount());
      bn.parameters().get(0).add_(1.0);
      CompiledVsEagerTest.assertClose(m.forward(x), c.forward(x), "after the norm's weight changed");
      assertEquals(3, c.compiled().traceCount());
      assertTrue(c.compiled().recompileReasons().stream().allMatch(r -> r.contains("frozen weight")), c.compiled().recompileReasons().toString());
      c.forward(x);
      assertEquals(3, c.compiled().traceCount(), "no recompile while nothing changes");
    }
  }

  /** Jars have no batch-norm kernel call: folded, an eval-mode CNN with batch norms exports, with Torch.compile's bits. */
  @Test void exportsAsAJarWithTorchCompilesNumbers(@TempDir Path dir) {
    Sequential m = cnn();
    Tensor x = Torch.randn(4, 1, 8, 8);
    Path jar = dir.resolve("bn.jar");
    Torch.export(m, jar, x);
    dev.tcompile.runtime.NDArray got = dev.tcompile.runtime.compiled.CompiledModel.load(jar).run(x.array())[0];
    try (var g = Torch.noGrad()) {
      float[] want = Torch.compile(m).forward(x).toFloatArray(), out = got.toFloatArray();
      assertEquals(want.length, out.length);
      for (int i = 0; i < want.length; i++) assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(out[i]), "element " + i);
      CompiledVsEagerTest.assertClose(m.forward(x), Tensor.wrap(got), "against eager");
    }
    TorchException e = org.junit.jupiter.api.Assertions.assertThrows(TorchException.class,
        () -> Torch.export(m, dir.resolve("kept.jar"), new CompileOptions().disable("bnfold"), x));
    assertTrue(e.getMessage().endsWith(" = native_batch_norm has no compiled kernel call"), e.getMessage());
  }

  /** Without a layer to fold into, the batch norm's multiply-add (fused with the ReLU) gives eager's bits. */
  @Test void aNormWithoutALayerKeepsEagersBits() {
    Torch.manualSeed(8);
    BatchNorm2d bn = new BatchNorm2d(3);
    try (var g = Torch.noGrad()) {
      bn.runningMean().copy_(Torch.randn(3));
      bn.runningVar().copy_(Torch.rand(3).add(0.5));
      bn.parameters().get(0).copy_(Torch.randn(3));
      bn.parameters().get(1).copy_(Torch.randn(3));
    }
    Sequential m = new Sequential(new MaxPool2d(2), bn, new ReLU());
    m.eval();
    Tensor x = Torch.randn(4, 3, 10, 10);
    try (var g = Torch.noGrad()) {
      float[] want = m.forward(x).toFloatArray(), got = Torch.compile(m).forward(x).toFloatArray();
      assertEquals(want.length, got.length);
      for (int i = 0; i < want.length; i++) assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "element " + i);
    }
  }
}
