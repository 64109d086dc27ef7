package dev.tcompile;

import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A function compiled by {@code Torch.compile}. The first call with a new signature (shapes, dtypes,
 * requires-grad flags, grad mode) traces it, differentiates, optimises and caches the result; later calls with
 * that signature reuse it. Results take part in eager autograd: {@code backward()} runs the compiled backward
 * graph. A function that reads values on the host (a graph break) runs eagerly for that signature, with a
 * one-line warning.
 */
public final class CompiledFn {
  private final TensorFn fn;
  private final CompileOptions options;
  private final String name;
  private final Supplier<Object> modeKey;
  private Supplier<? extends java.util.Collection<? extends Tensor>> weights;
  private final Map<Signature, Object> cache = new LinkedHashMap<>();
  private final List<String> recompileReasons = new ArrayList<>();
  /** Reasons already written to the debug log (each once). */
  private final java.util.Set<String> logged = new java.util.HashSet<>();
  private int traces;
  private boolean limitWarned, truncationWarned;
  /** Calls in a row that had to retrace because host state changed, though the program did not. */
  private int staleStreak;
  /** Recompilations forced by changed host state (not by new signatures); bounded by the recompile limit. */
  private int stateRecompiles;
  private static final int STALE_WARNING = 8;
  /** The host state the last call saw: the next call compares with it in place (usually unchanged). */
  private volatile ClosureState lastState;

  /** Marks a signature that runs eagerly, with the reason. */
  private record Eager(String reason) {}

  CompiledFn(TensorFn fn, CompileOptions options, String name, Supplier<Object> modeKey) {
    this.fn = fn;
    this.options = options;
    this.name = name;
    this.modeKey = modeKey;
  }

  /** Runs the function; its single result. */
  public Tensor apply(Tensor... xs) { return applyAll(xs)[0]; }

  /** Runs the function; all of its results. */
  public Tensor[] applyAll(Tensor... xs) {
    ClosureState state = ClosureState.current(fn, lastState);
    lastState = state;
    Signature sig = Signature.of(xs, modeKey.get(), state.tensors());
    Object entry;
    synchronized (this) {
      entry = cache.get(sig);
      if (entry instanceof CompiledEntry e) entry = revalidate(e, xs, sig, state);
      if (entry == null) {
        if (cache.size() >= options.recompileLimit()) {
          if (!limitWarned) {
            System.err.println("tcompile: " + name + " has been compiled for " + cache.size() + " signatures (the limit); "
                + "new signatures run eagerly. Raise CompileOptions.recompileLimit if this is intended.");
            limitWarned = true;
          }
          return new Tensor[]{fn.apply(xs)};
        }
        if (!cache.isEmpty()) {
          String why = sig.differenceFrom(cache.keySet().iterator().next());
          recompileReasons.add(why);
          CompileLog.recompiled(name, why, logged);
        }
        entry = compile(xs, sig, state);
        cache.put(sig, entry);
      }
    }
    if (entry instanceof Eager) return new Tensor[]{fn.apply(xs)};
    return run((CompiledEntry) entry, xs);
  }

  /**
   * The entry to run when the host state it was traced under may have changed: itself when nothing did; when a
   * captured tensor's type or a value the closure can reach changed, a retrace — reusing the compiled program
   * when the retrace records the same one, else replacing it (the reason joins {@link #recompileReasons()}).
   */
  private Object revalidate(CompiledEntry e, Tensor[] xs, Signature sig, ClosureState state) {
    String why = e.guardFailure();
    if (why == null) why = state.changedSince(e.closure, fn);
    if (why == null && (why = e.frozenWeightChanged()) != null) {
      // new weights: compiled again with them as constants (not counted against the limit: evaluating after each
      // epoch of training is the normal use)
      recompileReasons.add(why);
      CompileLog.recompiled(name, why, logged);
      Object fresh = trace(xs, state);
      Object rebuilt = fresh instanceof Tracer t ? build(t, sig, state) : fresh;
      cache.put(sig, rebuilt);
      return rebuilt;
    }
    if (why == null) { staleStreak = 0; return e; }
    Object fresh = trace(xs, state);
    if (fresh instanceof Tracer t && TraceFingerprint.of(t).sameProgram(e.fingerprint) && e.guardFailure() == null) {
      e.closure = state;
      if (++staleStreak == STALE_WARNING)
        System.err.println("tcompile: " + name + " was traced again on " + STALE_WARNING + " calls in a row because " + why
            + " (the program stayed the same). Keep state that changes on every call out of what the function captures.");
      return e;
    }
    staleStreak = 0;
    recompileReasons.add(why);
    CompileLog.recompiled(name, why, logged);
    if (++stateRecompiles >= options.recompileLimit()) {
      // State that changes on every call (a tensor field reassigned each step) would recompile forever.
      System.err.println("tcompile: " + name + " was recompiled " + stateRecompiles + " times because host state it reads changed (last: "
          + why + "); it runs eagerly for this signature from now on");
      Eager eager = new Eager(why);
      cache.put(sig, eager);
      return eager;
    }
    Object rebuilt = fresh instanceof Tracer t ? build(t, sig, state) : fresh;
    cache.put(sig, rebuilt);
    return rebuilt;
  }

  private Object compile(Tensor[] xs, Signature sig, ClosureState state) {
    Object traced = trace(xs, state);
    return traced instanceof Tracer t ? build(t, sig, state) : traced;
  }

  /** Records the function: a {@link Tracer}, or an {@link Eager} marker when it cannot be captured. */
  private Object trace(Tensor[] xs, ClosureState state) {
    traces++;
    if (state.truncated() && !truncationWarned) {
      truncationWarned = true;
      System.err.println("tcompile: " + name + " can reach more than " + ClosureState.MAX_LEAVES + " values on the host; "
          + "only the first ones are guarded against changes between calls");
    }
    Tracer t = new Tracer(name);
    for (int i = 0; i < xs.length; i++) t.argument(xs[i], i);
    Tensor result;
    try {
      result = t.record(() -> fn.apply(xs));
    } catch (GraphBreak gb) {
      System.err.println("tcompile: graph break in " + name + ": " + gb.getMessage() + "; running it eagerly for this signature");
      return new Eager(gb.getMessage());
    }
    t.finish(result);
    return t;
  }

  private CompiledEntry build(Tracer t, Signature sig, ClosureState state) {
    java.nio.file.Path dump = options.dumpDir() == null ? null : options.dumpDir().resolve("signature-" + traces);
    java.util.Set<Tensor> freeze = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    if (weights != null && !sig.gradMode() && options.freezesWeights()) freeze.addAll(weights.get());
    return new CompiledEntry(t, 1, sig.gradMode(), options, dump, state, freeze);
  }

  /**
   * Tensors that may be compiled in as constants when the function runs without gradients ({@code
   * Torch.compile(module)} passes the module's parameters and buffers while it is in eval mode): see
   * {@link CompileOptions#freezeWeights}. Returns this function.
   */
  public CompiledFn freezing(Supplier<? extends java.util.Collection<? extends Tensor>> weights) {
    this.weights = weights;
    return this;
  }

  private Tensor[] run(CompiledEntry e, Tensor[] xs) {
    Tensor[] inputs = new Tensor[e.sources.size()];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = switch (e.sources.get(i)) {
        case Tracer.Argument a -> xs[a.index()];
        case Tracer.Captured c -> c.tensor();
        case Tracer.Seed s -> Tensor.wrap(Rng.takeState(s.draws32()));
      };
    }
    NDArray[] arrays = new NDArray[inputs.length];
    for (int i = 0; i < inputs.length; i++) arrays[i] = inputs[i].array();
    boolean train = e.split != null && GradMode.isEnabled();
    int nOut = e.numResults + e.mutationSources.size();
    dev.tcompile.codegen.Compiler.UnitSeedProgram ahead = train && e.speculation != null ? e.speculation.forCall() : null;
    if (ahead != null) return runAhead(e, ahead, inputs, arrays);
    NDArray[] outs = train ? e.forward.run(arrays, e.forwardInto()) : e.inference.run(arrays);
    Tensor[] results = new Tensor[e.numResults];
    for (int i = 0; i < results.length; i++) results[i] = Tensor.wrap(owned(outs[i], arrays));
    for (int i = 0; i < e.mutationSources.size(); i++) {
      Tensor target = switch (e.mutationSources.get(i)) {
        case Tracer.Argument a -> xs[a.index()];
        case Tracer.Captured c -> c.tensor();
        case Tracer.Seed s -> throw new IllegalStateException("a seed is never written in place");
      };
      target.array().copyFrom(outs[e.numResults + i]);
      target.versionCounter().bump();
    }
    if (train) {
      NDArray[] saved = java.util.Arrays.copyOfRange(outs, nOut, outs.length);
      List<dev.tcompile.ir.TensorType> types = new ArrayList<>();
      for (int i = 0; i < nOut; i++) types.add(dev.tcompile.ir.TensorType.of(outs[i].dtype(), outs[i].shape()));
      CompiledNode node = new CompiledNode(e, saved, SavedBuffers.unshared(outs, nOut, arrays), inputs, types);
      boolean[] takesGrad = e.split.outputTakesGrad();
      for (int i = 0; i < results.length; i++) if (takesGrad[i]) results[i].setHistory(node, i);
    }
    return results;
  }

  /** A speculative call: forward and unit-seed gradients at once; the node hands the gradients to its backward. */
  private static Tensor[] runAhead(CompiledEntry e, dev.tcompile.codegen.Compiler.UnitSeedProgram ahead, Tensor[] inputs, NDArray[] arrays) {
    NDArray[] outs = ahead.program().run(arrays);
    Tensor result = Tensor.wrap(owned(outs[0], arrays));
    NDArray[] grads = java.util.Arrays.copyOfRange(outs, 1, outs.length);
    List<dev.tcompile.ir.TensorType> types = List.of(dev.tcompile.ir.TensorType.of(outs[0].dtype(), outs[0].shape()));
    result.setHistory(CompiledNode.ahead(e, grads, arrays, inputs, types), 0);
    return new Tensor[]{result};
  }

  /** Results never alias an input or a graph constant: callers may write them in place. */
  private static NDArray owned(NDArray out, NDArray[] inputs) {
    for (NDArray in : inputs) if (in.sharesStorage(out)) return out.copy();
    return out;
  }

  /** The compiled entry of a function called with one signature only (for tests). */
  synchronized CompiledEntry onlyEntryForTest() {
    if (cache.size() != 1 || !(cache.values().iterator().next() instanceof CompiledEntry e))
      throw new IllegalStateException("expected one compiled entry, have " + cache.values());
    return e;
  }

  /** How many times the function was traced (a cache hit does not trace). */
  public synchronized int traceCount() { return traces; }

  /** Why each recompilation happened, oldest first. */
  public synchronized List<String> recompileReasons() { return Collections.unmodifiableList(new ArrayList<>(recompileReasons)); }
}
