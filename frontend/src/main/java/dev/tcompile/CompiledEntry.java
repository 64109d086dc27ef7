package dev.tcompile;

import dev.tcompile.codegen.Backend;
import dev.tcompile.codegen.Compiler;
import dev.tcompile.codegen.Executable;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.TensorType;
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

  CompiledEntry(Tracer t, int numResults, boolean needGrad, CompileOptions options, java.nio.file.Path dumpDir, ClosureState closure) {
    this.numResults = numResults;
    this.closure = closure;
    fingerprint = TraceFingerprint.of(t);
    sources = List.copyOf(t.sources);
    captured = new ArrayList<>();
    capturedTypes = new ArrayList<>();
    capturedRequiresGrad = new ArrayList<>();
    for (Tracer.Source s : sources) {
      if (!(s instanceof Tracer.Captured c)) continue;
      captured.add(c.tensor());
      capturedTypes.add(c.tensor().type());
      capturedRequiresGrad.add(c.tensor().requiresGrad());
    }
    mutationSources = List.copyOf(t.mutationSources());
    Graph traced = t.graph;
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
  }

  /** The codegen backend the options ask for (shared with {@link WholeTrainStep}). */
  static Backend backend(CompileOptions options) {
    return switch (options.backend()) {
      case INTERPRETER -> Backend.INTERPRETER;
      case BYTECODE -> options.codeDumpDir() == null ? Backend.BYTECODE : Backend.bytecode(options.codeDumpDir());
    };
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
