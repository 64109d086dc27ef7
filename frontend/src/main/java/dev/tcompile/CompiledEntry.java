package dev.tcompile;

import dev.tcompile.codegen.Backend;
import dev.tcompile.codegen.Compiler;
import dev.tcompile.codegen.Executable;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.TensorType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.passes.Autodiff;
import java.util.ArrayList;
import java.util.List;

/**
 * One specialisation of a compiled function: the traced graph, optimised, and — when gradients are needed —
 * split into forward and backward graphs, each ready to run. Each graph input is fed by a {@link Tracer.Source}
 * (an argument, a captured tensor, a fresh seed); outputs are the function's results, then values to write back
 * into tensors the function mutated in place.
 */
final class CompiledEntry {
  final int numResults;
  final List<Tracer.Source> sources;
  final List<Tensor> captured;
  final List<TensorType> capturedTypes;
  final List<Boolean> capturedRequiresGrad;
  /** Where each value written back comes from: the call's own argument, or a captured tensor. */
  final List<Tracer.Source> mutationSources;
  /** What was traced, to tell whether a retrace produced the same program. */
  final TraceFingerprint fingerprint;
  /** The host state the trace read (closure fields, captured tensors' identities), guarded before each call. */
  ClosureState closure;
  final boolean[] wrt;
  final Executable inference;
  final Autodiff.Split split;
  final Executable forward, backward;
  /** The forward's saved arrays, back from calls whose backward is done (null without gradients). */
  final SavedBuffers savedBuffers;
  /** Forward and backward as one call for a loss differentiated with a unit seed; null where not applicable. */
  final UnitSeedSpeculation speculation;

  /** Captured tensors compiled in as constants (frozen weights), and their versions then. */
  final List<Tensor> frozen = new ArrayList<>();
  private final List<Integer> frozenVersions = new ArrayList<>();
  /** Their arrays then ({@link Tensor#setData} replaces a tensor's array without a version bump). */
  private final List<dev.tcompile.runtime.NDArray> frozenArrays = new ArrayList<>();

  CompiledEntry(Tracer t, int numResults, boolean needGrad, CompileOptions options, java.nio.file.Path dumpDir, ClosureState closure) {
    this(t, numResults, needGrad, options, dumpDir, closure, java.util.Set.of());
  }

  /**
   * {@code freeze}: captured tensors to compile in as constants (only without gradients, and never one the
   * function writes in place); their version counters are guarded.
   */
  CompiledEntry(Tracer t, int numResults, boolean needGrad, CompileOptions options, java.nio.file.Path dumpDir, ClosureState closure,
                java.util.Set<Tensor> freeze) {
    this.numResults = numResults;
    this.closure = closure;
    fingerprint = TraceFingerprint.of(t);
    mutationSources = List.copyOf(t.mutationSources());
    java.util.Set<Tensor> written = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Tracer.Source m : mutationSources) if (m instanceof Tracer.Captured c) written.add(c.tensor());
    dev.tcompile.runtime.NDArray[] constants = new dev.tcompile.runtime.NDArray[t.sources.size()];
    List<Tracer.Source> kept = new ArrayList<>();
    for (int i = 0; i < t.sources.size(); i++) {
      Tracer.Source s = t.sources.get(i);
      if (!needGrad && s instanceof Tracer.Captured c && freeze.contains(c.tensor()) && !written.contains(c.tensor())) {
        constants[i] = c.tensor().array();
        frozen.add(c.tensor());
        frozenVersions.add(c.tensor().versionCounter().get());
        frozenArrays.add(c.tensor().array());
      } else kept.add(s);
    }
    sources = List.copyOf(kept);
    captured = new ArrayList<>();
    capturedTypes = new ArrayList<>();
    capturedRequiresGrad = new ArrayList<>();
    for (Tracer.Source s : t.sources) {
      if (!(s instanceof Tracer.Captured c)) continue;
      captured.add(c.tensor());
      capturedTypes.add(c.tensor().type());
      capturedRequiresGrad.add(c.tensor().requiresGrad());
    }
    Graph traced = frozen.isEmpty() ? t.graph : dev.tcompile.passes.InputsAsConstants.apply(t.graph, constants);
    int nIn = traced.inputs().size();
    wrt = new boolean[nIn];
    boolean any = false;
    for (int i = 0; i < nIn; i++) {
      wrt[i] = traced.inputAttrs(i).getBool("requires_grad", false);
      any |= wrt[i];
    }
    Compiler.Program p = new Compiler(backend(options), options.disabled(), dumpDir).compile(traced, needGrad && any ? wrt : null);
    inference = p.inference();
    split = p.split();
    forward = p.forward();
    backward = p.backward();
    savedBuffers = split == null ? null : new SavedBuffers(split.forward().outputs()
        .subList(split.forward().outputs().size() - split.numSaved(), split.forward().outputs().size()).stream().map(dev.tcompile.ir.Value::type).toList());
    speculation = speculates(options) ? new UnitSeedSpeculation(traced.name(), () -> new Compiler(backend(options), options.disabled(),
        dumpDir == null ? null : dumpDir.resolve("unit-seed")).unitSeedProgram(traced, wrt)) : null;
  }

  /** A loss: one result, the only output that takes a gradient, a scalar, and nothing written in place. */
  private boolean speculates(CompileOptions options) {
    if (split == null || options.disabled().contains("unitseed") || !mutationSources.isEmpty() || numResults != 1) return false;
    boolean[] takes = split.outputTakesGrad();
    if (takes.length != 1 || !takes[0]) return false;
    return split.forward().outputs().get(0).type().dim() == 0;
  }

  /** Output buffers for a forward call: the saved values' arrays back from earlier calls, where there are some. */
  NDArray[] forwardInto() {
    int nOut = numResults + mutationSources.size();
    NDArray[] into = new NDArray[nOut + savedBuffers.size()];
    for (int s = 0; s < savedBuffers.size(); s++) into[nOut + s] = savedBuffers.take(s);
    return into;
  }

  /** The codegen backend the options ask for (shared with {@link WholeTrainStep}). */
  static Backend backend(CompileOptions options) {
    return switch (options.backend()) {
      case INTERPRETER -> Backend.INTERPRETER;
      case BYTECODE -> options.codeDumpDir() == null ? Backend.BYTECODE : Backend.bytecode(options.codeDumpDir());
    };
  }

  /** Null when no frozen weight was changed in place since compiling, else which one and how. */
  String frozenWeightChanged() {
    for (int i = 0; i < frozen.size(); i++) {
      if (frozen.get(i).array() != frozenArrays.get(i))
        return "a frozen weight " + frozen.get(i).type() + " was given new data (setData / module.to)";
      int now = frozen.get(i).versionCounter().get();
      if (now != frozenVersions.get(i))
        return "a frozen weight " + frozen.get(i).type() + " was modified in place (version " + frozenVersions.get(i) + " -> " + now + ")";
    }
    return null;
  }

  /** Null when the captured tensors still look as they did when traced, else why not. */
  String guardFailure() {
    for (int i = 0; i < captured.size(); i++) {
      Tensor c = captured.get(i);
      if (!c.type().equals(capturedTypes.get(i))) return "captured tensor " + i + " changed from " + capturedTypes.get(i) + " to " + c.type();
      if (c.requiresGrad() != capturedRequiresGrad.get(i))
        return "captured tensor " + i + " changed requires_grad to " + c.requiresGrad();
    }
    return null;
  }
}
