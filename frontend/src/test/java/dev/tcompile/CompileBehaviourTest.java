package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.codegen.Interpreter;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import dev.tcompile.passes.Autodiff;
import dev.tcompile.runtime.NDArray;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Caching and guards, graph breaks, mutation write-back, dumps, and higher-order autodiff on the IR. */
class CompileBehaviourTest {

  @Test void sameSignatureReusesTheTraceNewBatchSizeRetraces() {
    Tensor w = Torch.randn(4, 3).requiresGrad_(true);
    CompiledFn f = Torch.compile(x -> x[0].matmul(w).relu().sum());
    f.apply(Torch.randn(8, 4));
    f.apply(Torch.randn(8, 4));
    assertEquals(1, f.traceCount());
    f.apply(Torch.randn(5, 4));
    assertEquals(2, f.traceCount());
    assertEquals(List.of("argument 0 changed from f32[8, 4] to f32[5, 4]"), f.recompileReasons());
    f.apply(Torch.randn(8, 4));
    assertEquals(2, f.traceCount(), "both signatures stay cached");
    try (GradGuard g = Torch.noGrad()) { f.apply(Torch.randn(8, 4)); }
    assertEquals(3, f.traceCount(), "grad mode is part of the signature");
  }

  @Test void capturedTensorGuard() {
    Tensor[] holder = {Torch.ones(3)};
    CompiledFn f = Torch.compile(x -> x[0].mul(holder[0]).sum());
    assertEquals(6f, f.apply(Torch.full(2, 3)).item());
    holder[0].mul_(2.0);  // same tensor, new value: read at call time
    assertEquals(12f, f.apply(Torch.full(2, 3)).item());
    assertEquals(1, f.traceCount());
  }

  @Test void graphBreakRunsEagerlyWithOneWarning() {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    try {
      CompiledFn f = Torch.compile(x -> x[0].sum().item() > 0 ? x[0].mul(2.0) : x[0].neg());
      Tensor a = f.apply(Torch.tensor(1f, 2f));
      Tensor b = f.apply(Torch.tensor(-1f, -2f));
      assertEquals("tensor([2., 4.])", a.toString());
      assertEquals("tensor([1., 2.])", b.toString());
      assertEquals(1, f.traceCount(), "later calls stay eager for that signature");
    } finally {
      System.setErr(old);
    }
    String log = err.toString();
    assertEquals(1, log.lines().filter(l -> l.contains("graph break")).count(), log);
    assertTrue(log.contains("item() reads a tensor's value on the host"), log);
  }

  @Test void inPlaceUpdatesOfCapturedStateAreWrittenBack() {
    Tensor runningMean = Torch.zeros(3);
    TensorFn step = x -> {
      try (GradGuard g = Torch.noGrad()) { runningMean.mul_(0.9).add_(x[0].mean(0, false).mul(0.1)); }
      return x[0].sub(runningMean).sum();
    };
    Tensor eagerMean = Torch.zeros(3);
    TensorFn eager = x -> {
      try (GradGuard g = Torch.noGrad()) { eagerMean.mul_(0.9).add_(x[0].mean(0, false).mul(0.1)); }
      return x[0].sub(eagerMean).sum();
    };
    CompiledFn f = Torch.compile(step);
    Torch.manualSeed(3);
    for (int i = 0; i < 3; i++) {
      Tensor x = Torch.randn(4, 3);
      Tensor got = f.apply(x), want = eager.apply(x);
      assertEquals(want.item(), got.item(), 1e-5);
      CompiledVsEagerTest.assertClose(eagerMean, runningMean, "running mean after call " + i);
    }
    assertEquals(1, f.traceCount());
  }

  @Test void inPlaceWriteThroughAViewFallsBackToEagerAndStaysCorrect() {
    TensorFn f = x -> {
      Tensor b = x[0].mul(1.0);
      Tensor v = b.narrow(0, 0, 2);
      b.mul_(2.0);                 // v sees the write in eager mode
      return v.add(b.sum());
    };
    Tensor x = Torch.tensor(1f, 2f, 3f);
    PrintStream old = System.err;
    System.setErr(new PrintStream(new ByteArrayOutputStream()));
    try {
      assertEquals(f.apply(x).toString(), Torch.compile(f).apply(x).toString());
    } finally {
      System.setErr(old);
    }
  }

  @Test void dropoutDrawsAFreshMaskPerCallExactlyAsEagerDoes() {
    TensorFn f = x -> dev.tcompile.nn.F.dropout(x[0], 0.5, true).sum(1, false);
    CompiledFn compiled = Torch.compile(f);
    Tensor x = Torch.ones(4, 64);
    Torch.manualSeed(5);
    Tensor e1 = f.apply(x), e2 = f.apply(x);
    Torch.manualSeed(5);
    Tensor c1 = compiled.apply(x), c2 = compiled.apply(x);
    assertEquals(e1.toString(), c1.toString());
    assertEquals(e2.toString(), c2.toString());
    assertTrue(!c1.toString().equals(c2.toString()), "a new mask each call");
    assertEquals(1, compiled.traceCount());
  }

  @Test void hostRandomDrawsInsideAFunctionAreAGraphBreak() {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    try {
      CompiledFn f = Torch.compile(x -> x[0].add(Torch.randn(3)));
      Torch.manualSeed(1);
      Tensor a = f.apply(Torch.zeros(3));
      Torch.manualSeed(1);
      assertEquals(Torch.randn(3).toString(), a.toString(), "ran eagerly, drawing from the default generator once");
    } finally {
      System.setErr(old);
    }
    assertTrue(err.toString().contains("random numbers drawn on the host"), err.toString());
  }

  @Test void dumpsIrAfterEachStage(@TempDir Path dir) throws Exception {
    Tensor w = Torch.randn(3, 2).requiresGrad_(true);
    CompiledFn f = Torch.compile(x -> x[0].matmul(w).tanh().sum(), new CompileOptions().dumpIr(dir));
    f.apply(Torch.randn(4, 3)).backward();
    List<String> files;
    try (var s = Files.list(dir.resolve("signature-1"))) { files = s.map(p -> p.getFileName().toString()).sorted().toList(); }
    assertEquals("00-traced.tir", files.get(0));
    List<String> stages = files.stream().map(n -> n.substring(3, n.length() - 4)).toList();
    assertEquals(List.of("traced", "graph-fold", "graph-bnfold", "graph-simplify", "graph-cse", "graph-dce", "split-forward", "split-backward",
        "forward-transpose", "forward-sumbcast", "forward-simplify", "forward-cse", "forward-dce", "forward-epilogue", "forward-loss", "forward-poolmask", "forward-fuse", "forward-dce",
        "backward-transpose", "backward-sumbcast", "backward-simplify", "backward-cse", "backward-dce", "backward-epilogue", "backward-loss", "backward-poolmask", "backward-fuse", "backward-dce"), stages);
    for (String name : files) {  // every dump parses back to the same text
      String text = Files.readString(dir.resolve("signature-1").resolve(name));
      assertEquals(text, GraphPrinter.print(GraphParser.parse(text)));
    }
  }

  @Test void secondBackwardThroughCompiledGraphFailsLikeEager() {
    Tensor x = Torch.randn(3).requiresGrad_(true);
    Tensor y = Torch.compile(t -> t[0].exp().sum()).apply(x);
    y.backward();
    TorchException e = assertThrows(TorchException.class, y::backward);
    assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());
  }

  @Test void backwardGraphIsDifferentiable() {
    // f(x) = sum(tanh(x) * x^3); the joint graph's gradient output, differentiated again, is H(x) u
    Torch.manualSeed(11);
    Tensor x = Torch.randn(5).requiresGrad_(true);
    Tensor u = Torch.randn(5);
    TensorFn f = t -> t[0].tanh().mul(t[0].pow(3.0)).sum();
    Graph g = Torch.trace(f, x);
    Autodiff.Joint joint = Autodiff.joint(g, new boolean[]{true});
    // a graph returning only the gradient (inputs x, grad_out), differentiated again with upstream u
    Graph grad = onlyOutput(joint.graph(), 1);
    Autodiff.Joint second = Autodiff.joint(grad, new boolean[]{true, false});
    NDArray[] outs = new Interpreter(second.graph()).run(x.array(), NDArray.scalar(DType.FLOAT32, 1), u.array());
    NDArray hvp = outs[outs.length - 1];

    Tensor g1 = Autograd.grad(new Tensor[]{f.apply(x)}, new Tensor[]{x}, null, true, true)[0];
    Tensor want = Autograd.grad(new Tensor[]{g1}, new Tensor[]{x}, new Tensor[]{u}, false, false)[0];
    CompiledVsEagerTest.assertClose(want, Tensor.wrap(hvp), "Hessian-vector product");
  }

  /** A copy of {@code g} whose only output is output {@code k} (via the text form, which is the contract). */
  private static Graph onlyOutput(Graph g, int k) {
    String text = GraphPrinter.print(g);
    String ret = "return %" + g.outputs().get(k).name();
    String out = text.replaceAll("return [^\\n]*", java.util.regex.Matcher.quoteReplacement(ret));
    return GraphParser.parse(out);
  }
}
