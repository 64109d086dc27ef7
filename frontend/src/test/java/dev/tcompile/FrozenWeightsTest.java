package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.OptimizedModule;
import dev.tcompile.nn.ReLU;
import dev.tcompile.nn.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Torch.compile(module) in eval mode without gradients compiles the weights in as constants (pre-transposed Linear
 * weights), recompiles when a weight changes in place, and leaves training-mode and gradient calls alone.
 */
class FrozenWeightsTest {
  private static Module mlp() {
    Torch.manualSeed(0);
    return new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 3));
  }

  private static String inferenceGraph(Path dumps) throws Exception {
    try (var dirs = Files.list(dumps)) {
      Path sig = dirs.sorted().reduce((a, b) -> b).orElseThrow();
      try (var files = Files.list(sig)) {
        Path last = files.filter(p -> p.getFileName().toString().contains("inference")).sorted().reduce((a, b) -> b).orElseThrow();
        return Files.readString(last);
      }
    }
  }

  @Test void evalNoGradFreezesFoldsAndFollowsInPlaceUpdates(@TempDir Path dumps) throws Exception {
    Module m = mlp();
    m.eval();
    OptimizedModule c = (OptimizedModule) Torch.compile(m, new CompileOptions().dumpIr(dumps));
    Tensor x = Torch.randn(5, 8);
    try (var g = Torch.noGrad()) {
      CompiledVsEagerTest.assertClose(m.forward(x), c.forward(x), "frozen output");
      String graph = inferenceGraph(dumps);
      assertEquals(1, graph.lines().findFirst().orElseThrow().chars().filter(ch -> ch == '%').count(), "only x is an input: " + graph);
      assertFalse(graph.contains("permute("), "the weights are pre-transposed constants: " + graph);
      // an optimiser-like in-place update moves the version: the next call compiles the new weights in
      m.parameters().get(0).mul_(2.0);
      CompiledVsEagerTest.assertClose(m.forward(x), c.forward(x), "after an in-place change");
      assertTrue(c.compiled().recompileReasons().stream().anyMatch(r -> r.contains("frozen weight")), c.compiled().recompileReasons().toString());
      Tensor again = c.forward(x);
      assertEquals(2, c.compiled().traceCount(), "no recompile while the weights stay the same");
      CompiledVsEagerTest.assertClose(m.forward(x), again, "cached");
    }
  }

  @Test void trainingModeGradientsAndTheOptionKeepWeightsAsInputs(@TempDir Path dumps) throws Exception {
    Tensor x = Torch.randn(5, 8);
    Module m = mlp();                                   // training mode
    OptimizedModule c = (OptimizedModule) Torch.compile(m, new CompileOptions().dumpIr(dumps.resolve("train")));
    try (var g = Torch.noGrad()) { c.forward(x); }
    assertTrue(inferenceGraph(dumps.resolve("train")).contains("permute("));
    Module e = mlp();
    e.eval();
    OptimizedModule off = (OptimizedModule) Torch.compile(e, new CompileOptions().freezeWeights(false).dumpIr(dumps.resolve("off")));
    try (var g = Torch.noGrad()) { off.forward(x); }
    assertTrue(inferenceGraph(dumps.resolve("off")).contains("permute("));
    // with gradients the weights stay inputs and receive their gradients
    OptimizedModule withGrad = (OptimizedModule) Torch.compile(e);
    withGrad.forward(x).sum().backward();
    assertTrue(e.parameters().get(0).grad() != null);
  }
}
