package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.nn.F;
import dev.tcompile.nn.OptimizedModule;
import dev.tcompile.nn.Safetensors;
import dev.tcompile.vision.models.MnistNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classic MNIST CNN compiled: forward and backward on 16 real digits give PyTorch's loss and parameter
 * gradients (tools/goldens/compile_mnist.py), and the backward graph computes no gradient for the images.
 */
class CompiledMnistCnnTest {
  static Map<String, Tensor> golden() throws Exception {
    return Safetensors.load(Path.of(CompiledMnistCnnTest.class.getResource("/goldens/compile/mnist_cnn.safetensors").toURI()));
  }

  @Test void forwardAndBackwardMatchPyTorch(@TempDir Path dumps) throws Exception {
    Map<String, Tensor> g = golden();
    MnistNet net = new MnistNet();
    net.loadStateDict(g, false);
    OptimizedModule compiled = (OptimizedModule) Torch.compile(net, new CompileOptions().dumpIr(dumps));
    Tensor loss = F.nllLoss(compiled.forward(g.get("input")), g.get("target"));
    assertEquals(g.get("loss").item(), loss.item(), 1e-5);
    loss.backward();
    for (var e : net.namedParameters().entrySet()) {
      Tensor want = g.get("grad/" + e.getKey()), got = e.getValue().grad();
      float[] a = want.toFloatArray(), b = got.toFloatArray();
      float scale = 0;
      for (float v : a) scale = Math.max(scale, Math.abs(v));
      for (int i = 0; i < a.length; i++)
        assertEquals(a[i], b[i], 1e-5f * Math.max(scale, 1e-3f) + 1e-4f * Math.abs(a[i]), e.getKey() + " grad element " + i);
    }

    // dead-grad elimination: the images need no gradient, so conv1 gets no backward-input; conv2 does
    String backward;
    try (var files = Files.list(dumps.resolve("signature-1"))) {
      Path last = files.filter(p -> p.getFileName().toString().contains("backward-dce")).findFirst().orElseThrow();
      backward = Files.readString(last);
    }
    long inputGrads = backward.lines().filter(l -> l.contains("conv2d_backward_input(")).count();
    assertEquals(1, inputGrads, backward);
    assertTrue(backward.lines().anyMatch(l -> l.contains("conv2d_backward_input(") && l.endsWith(": f32[16, 20, 12, 12]")), backward);
    assertTrue(backward.lines().noneMatch(l -> l.endsWith(": f32[16, 1, 28, 28]")), "no value shaped like the images: " + backward);
  }

  @Test void compiledAndEagerAgreeAndEvalModeRecompiles() throws Exception {
    Map<String, Tensor> g = golden();
    MnistNet net = new MnistNet();
    net.loadStateDict(g, false);
    OptimizedModule compiled = (OptimizedModule) Torch.compile(net);
    Tensor x = g.get("input");
    CompiledVsEagerTest.assertClose(net.forward(x), compiled.forward(x), "train-mode output");
    compiled.eval();
    try (GradGuard ng = Torch.noGrad()) {
      CompiledVsEagerTest.assertClose(net.forward(x), compiled.forward(x), "eval-mode output");
    }
    assertEquals(2, compiled.compiled().traceCount());
    assertTrue(compiled.toString().startsWith("OptimizedModule(\n  (_orig_mod): MnistNet(\n    (conv1): Conv2d(1, 20, kernel_size=(5, 5), stride=(1, 1))"),
        compiled.toString());
  }
}
