package dev.tcompile.bench;

import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Torch;
import dev.tcompile.codegen.Backend;
import dev.tcompile.codegen.Compiler;
import dev.tcompile.codegen.CompiledGraph;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.nn.F;
import dev.tcompile.vision.models.MnistNet;
import java.util.Set;

/**
 * What the pipeline does to the compiler's two yardsticks, before (CSE/DCE only) and after (simplify, remat,
 * epilogues, fusion), and as the one forward+backward program a loss runs once speculated on (unit seed): ops and
 * kernels launched per step, activation bytes saved for backward, the peak of live
 * intermediate bytes, the bytes of reused planned buffers, and the time to compile. Prints a markdown table.
 */
public final class PipelineReport {
  public static void main(String[] args) {
    Torch.manualSeed(0);
    Tensor x = Torch.randn(1 << 20).requiresGrad_(true);
    report("tanh-GELU fwd+bwd, 1M floats", xs -> CompilerWorkloads.geluTanh(xs[0]).sum(), x);
    MnistNet net = new MnistNet();
    report("MNIST CNN train step, batch 64", xs -> F.nllLoss(net.forward(xs[0]), xs[1]), Torch.randn(64, 1, 28, 28), Torch.randint(0, 10, 64));
  }

  static void report(String name, TensorFn fn, Tensor... examples) {
    System.out.println("\n" + name + "\n");
    System.out.println("| pipeline | ops (fwd + bwd) | kernels launched | generated kernels | saved for backward | peak live intermediates | reused buffers | compile |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (int warm = 0; warm < 2; warm++) {   // the second round is printed: the JIT has seen the compiler once
      for (boolean fused : new boolean[]{false, true}) {
        long t0 = System.nanoTime();
        Graph traced = Torch.trace(fn, examples);
        boolean[] wrt = new boolean[traced.inputs().size()];
        for (int i = 0; i < wrt.length; i++) wrt[i] = traced.inputAttrs(i).getBool("requires_grad", false);
        Set<String> off = fused ? Set.of() : Set.of("simplify", "remat", "epilogue", "fuse");
        Compiler.Program p = new Compiler(fused ? Backend.BYTECODE : Backend.INTERPRETER, off, null).compile(traced, wrt);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (warm == 0) continue;
        Graph f = p.split().forward(), b = p.split().backward();
        var pf = ((CompiledGraph) p.forward()).plan();
        var pb = ((CompiledGraph) p.backward()).plan();
        CompiledGraph xf = (CompiledGraph) p.forward(), xb = (CompiledGraph) p.backward();
        System.out.printf("| %s | %d + %d | %d + %d | %d + %d | %s | %s + %s | %s | %.0f ms |%n", fused ? "full, bytecode" : "CSE/DCE only",
            ops(f), ops(b), kernels(f), kernels(b), xf.generatedKernels(), xb.generatedKernels(), mb(p.split().savedBytes()),
            mb(pf.peakLiveBytes()), mb(pb.peakLiveBytes()), mb(pf.plannedBytes() + pb.plannedBytes()), ms);
      }
      // what a loss differentiated with backward() runs once Torch.compile speculates on the unit seed
      long t0 = System.nanoTime();
      Graph traced = Torch.trace(fn, examples);
      boolean[] wrt = new boolean[traced.inputs().size()];
      for (int i = 0; i < wrt.length; i++) wrt[i] = traced.inputAttrs(i).getBool("requires_grad", false);
      Compiler.UnitSeedProgram u = new Compiler(Backend.BYTECODE, Set.of(), null).unitSeedProgram(traced, wrt);
      double ms = (System.nanoTime() - t0) / 1e6;
      if (warm == 0 || u == null) continue;
      CompiledGraph j = (CompiledGraph) u.program();
      System.out.printf("| full, bytecode, unit seed (one program) | %d | %d | %d | 0.0 MB | %s | %s | %.0f ms |%n",
          ops(j.graph()), kernels(j.graph()), j.generatedKernels(), mb(j.plan().peakLiveBytes()), mb(j.plan().plannedBytes()), ms);
    }
  }

  /** Nodes that compute (constants excluded); a fused node's body counts as its ops. */
  static int ops(Graph g) {
    int n = 0;
    for (Node node : g.nodes()) {
      if (node.isConstant()) continue;
      n += node.op() instanceof dev.tcompile.ir.FusedOp f ? ops(f.body()) : 1;
    }
    return n;
  }

  /** Nodes that run a kernel: not constants, not views (which only make a strided alias). */
  static int kernels(Graph g) {
    int n = 0;
    for (Node node : g.nodes()) if (!node.isConstant() && !node.op().isView()) n++;
    return n;
  }

  static String mb(long bytes) { return String.format("%.1f MB", bytes / 1e6); }
}
