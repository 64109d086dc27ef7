package dev.tcompile.codegen;

import dev.tcompile.ir.Graph;
import dev.tcompile.passes.Autodiff;
import dev.tcompile.passes.BatchNormFolding;
import dev.tcompile.passes.CommonSubexpressionElimination;
import dev.tcompile.passes.ConstantFolding;
import dev.tcompile.passes.DeadCodeElimination;
import dev.tcompile.passes.Epilogues;
import dev.tcompile.passes.Fusion;
import dev.tcompile.passes.LossFusion;
import dev.tcompile.passes.Pass;
import dev.tcompile.passes.PassManager;
import dev.tcompile.passes.PoolMaskFolding;
import dev.tcompile.passes.Simplify;
import dev.tcompile.passes.SumOfBroadcast;
import dev.tcompile.passes.TransposeFolding;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The compiler's pipeline, in one place: graph-level passes on the traced program, autodiff and the
 * forward/backward split when gradients are wanted, kernel-level passes (fusion) on each resulting graph, then the
 * backend. Frontends only bind tensors to the {@link Program}'s inputs and outputs. Every pass can be skipped by
 * name and every stage dumped ({@code dumpDir}: one numbered .tir file per step, fusion's refusals as comments).
 */
public final class Compiler {
  /** On the traced graph, before autodiff (they keep every op differentiable). */
  public static List<Pass> graphPasses() {
    return List.of(new ConstantFolding(), new BatchNormFolding(), new Simplify(), new CommonSubexpressionElimination(), new DeadCodeElimination());
  }

  /** On each graph that will run: forward, backward, or inference. */
  public static List<Pass> kernelPasses() {
    return List.of(new TransposeFolding(), new SumOfBroadcast(), new Simplify(), new CommonSubexpressionElimination(), new DeadCodeElimination(), new Epilogues(), new LossFusion(),
        new PoolMaskFolding(), new Fusion(), new DeadCodeElimination());
  }

  /** Every pass name {@code disable} accepts. */
  public static Set<String> passNames() { return Set.of("fold", "bnfold", "simplify", "cse", "dce", "remat", "transpose", "sumbcast", "epilogue", "loss", "poolmask", "fuse", "unitseed"); }

  private final Backend backend;
  private final Set<String> disabled;
  private final Path dumpDir;

  public Compiler(Backend backend, Set<String> disabled, Path dumpDir) {
    this.backend = backend;
    this.disabled = Set.copyOf(disabled);
    this.dumpDir = dumpDir;
  }

  /**
   * A compiled program. With gradients: {@code forward} returns the outputs then the saved values, {@code backward}
   * takes the saved values then one gradient per output that takes one ({@link Autodiff.Split} says which).
   * Without: {@code inference} alone.
   */
  public record Program(Executable inference, Autodiff.Split split, Executable forward, Executable backward, List<String> timings) {
    public boolean differentiable() { return split != null; }
  }

  /** Compiles {@code traced}; {@code wrt} (null for inference) marks the inputs to differentiate with respect to. */
  public Program compile(Graph traced, boolean[] wrt) {
    PassManager graphLevel = new PassManager(graphPasses(), disabled, dumpDir);
    graphLevel.dump(traced, "traced");
    Graph g = graphLevel.run(traced, "graph");
    PassManager kernelLevel = new PassManager(kernelPasses(), disabled, dumpDir, graphLevel.dumpCount());
    if (wrt == null) {
      Graph inf = kernelLevel.run(g, "inference");
      return new Program(backend.compile(inf), null, null, null, timings(graphLevel, kernelLevel));
    }
    Autodiff.Split s = Autodiff.split(g, wrt, !disabled.contains("remat"));
    kernelLevel.dump(s.forward(), "split-forward");
    kernelLevel.dump(s.backward(), "split-backward");
    Graph f = kernelLevel.run(s.forward(), "forward");
    Graph b = kernelLevel.run(s.backward(), "backward");
    Autodiff.Split done = new Autodiff.Split(f, b, s.numSaved(), s.outputTakesGrad(), s.inputHasGrad(),
        s.savedBytesWithoutRemat(), s.savedBytes());
    return new Program(null, done, backend.compile(f), backend.compile(b), timings(graphLevel, kernelLevel));
  }

  /**
   * The inference graph as the backend would receive it (graph passes, then kernel passes), for writers that
   * generate code for it elsewhere ({@link dev.tcompile.codegen.aot.ArtifactWriter}).
   */
  public Graph inferenceGraph(Graph traced) {
    PassManager graphLevel = new PassManager(graphPasses(), disabled, dumpDir);
    graphLevel.dump(traced, "traced");
    Graph g = graphLevel.run(traced, "graph");
    return new PassManager(kernelPasses(), disabled, dumpDir, graphLevel.dumpCount()).run(g, "inference");
  }

  /**
   * Forward and backward as one graph, as a jar's program computes them: the graph passes, the joint graph
   * ({@link Autodiff#joint}: inputs, then one gradient per output that takes one; outputs, then the gradient of each
   * input with {@code wrt}), then the kernel passes.
   */
  public Autodiff.Joint gradientGraph(Graph traced, boolean[] wrt) {
    PassManager graphLevel = new PassManager(graphPasses(), disabled, dumpDir);
    graphLevel.dump(traced, "traced");
    Autodiff.Joint j = Autodiff.joint(graphLevel.run(traced, "graph"), wrt);
    Graph k = new PassManager(kernelPasses(), disabled, dumpDir, graphLevel.dumpCount()).run(j.graph(), "joint");
    return new Autodiff.Joint(k, j.numForwardNodes(), j.numForwardOutputs(), j.outputTakesGrad(), j.inputHasGrad());
  }

  /**
   * Forward and the gradients under a unit seed as one program, for a graph whose only output that takes a gradient
   * is a scalar (a loss): inputs are the traced graph's, outputs are its outputs then the gradient of each input
   * {@link Autodiff.Joint#inputHasGrad} marks, computed as {@code backward(1.0)} computes them. One fused pass reads
   * the activations once instead of saving them for a second pass. Null when the graph is not of that shape.
   */
  public UnitSeedProgram unitSeedProgram(Graph traced, boolean[] wrt) {
    PassManager graphLevel = new PassManager(graphPasses(), disabled, dumpDir);
    Autodiff.Joint j = Autodiff.joint(graphLevel.run(traced, "graph"), wrt);
    Graph jg = j.graph();
    int nIn = traced.inputs().size();
    if (jg.inputs().size() != nIn + 1) return null;
    dev.tcompile.ir.TensorType seedType = jg.inputs().get(nIn).type();
    if (seedType.dim() != 0 || !seedType.dtype().isFloatingPoint()) return null;
    dev.tcompile.runtime.NDArray[] constants = new dev.tcompile.runtime.NDArray[nIn + 1];
    constants[nIn] = dev.tcompile.runtime.NDArray.scalar(seedType.dtype(), 1.0);
    Graph seeded = dev.tcompile.passes.InputsAsConstants.apply(jg, constants);
    PassManager kernelLevel = new PassManager(kernelPasses(), disabled, dumpDir, graphLevel.dumpCount());
    kernelLevel.dump(seeded, "unit-seed-joint");
    return new UnitSeedProgram(backend.compile(kernelLevel.run(seeded, "unit-seed")), j.inputHasGrad());
  }

  /** {@link #unitSeedProgram}'s result: the program and which inputs it returns a gradient for. */
  public record UnitSeedProgram(Executable program, boolean[] inputHasGrad) {}

  /** The graph passes alone, on a traced graph (for programs that build more around it, such as a whole train step). */
  public Graph graphLevel(Graph traced) {
    dev.tcompile.ir.Float64Check.reject(traced, "a one-program train step");
    PassManager pm = new PassManager(graphPasses(), disabled, dumpDir);
    pm.dump(traced, "traced");
    Graph g = pm.run(traced, "graph");
    nextDump = pm.dumpCount();
    return g;
  }

  /** Where a later stage's dumps continue the numbering of {@link #graphLevel}'s. */
  private int nextDump;

  /** A graph that needs no autodiff (it computes its own gradients): the kernel passes, then the backend. */
  public Executable program(Graph g, String stage) {
    PassManager pm = new PassManager(kernelPasses(), disabled, dumpDir, nextDump);
    pm.dump(g, stage);
    return backend.compile(pm.run(g, stage));
  }

  private static List<String> timings(PassManager a, PassManager b) {
    List<String> t = new java.util.ArrayList<>(a.timings());
    t.addAll(b.timings());
    return List.copyOf(t);
  }
}
