package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.ops.Sampling;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.random.Generator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records a function into a graph by running it eagerly: every op the dispatcher executes is appended with its
 * inputs' IR values. A tensor without a value is either a constant (created during the trace) or a captured
 * input (created before, of any rank: module parameters and buffers, closed-over tensors), which
 * becomes a graph input bound to that tensor object so later calls read its current value. Random ops take
 * the default generator's state as a graph input, read afresh per call (the generator then skips the draws
 * the op makes, as in eager mode). In-place writes to arguments or captured tensors become
 * extra outputs the caller copies back. Tracing leaves no side effects: writes and generator draws are undone.
 */
final class Tracer implements TraceHook {
  /**
   * What feeds one graph input: an argument of the call, a captured tensor, or the default generator's state
   * for a random op that takes {@code draws32} 32-bit draws from it.
   */
  sealed interface Source permits Argument, Captured, Seed {}
  record Argument(int index) implements Source {}
  record Captured(Tensor tensor) implements Source {}
  record Seed(long draws32) implements Source {}

  final Graph graph;
  /** One source per graph input, in graph-input order. */
  final List<Source> sources = new ArrayList<>();
  private final Map<Tensor, Value> values = new IdentityHashMap<>();
  /** How many traced tensors share each storage: an in-place write to shared storage is not traced (yet). */
  private final Map<Object, Integer> storageUsers = new IdentityHashMap<>();
  private final Set<Tensor> bornInside = Collections.newSetFromMap(new IdentityHashMap<>());
  /** Arguments and captured tensors, with the source that feeds each on later calls. */
  private final Map<Tensor, Source> external = new IdentityHashMap<>();
  /** Arguments and captured tensors written in place, with the value they hold at the end. */
  final Map<Tensor, Value> mutated = new LinkedHashMap<>();
  /** Their contents before the trace wrote them: restored afterwards. */
  private final Map<Tensor, NDArray> originals = new IdentityHashMap<>();

  Tracer(String name) { graph = new Graph(name); }

  /**
   * Where each mutated outside tensor comes from, in {@link #mutated}'s order: an argument index or a captured
   * tensor. Write-backs go through these, so each call writes into its own arguments, not the traced ones.
   */
  List<Source> mutationSources() {
    List<Source> out = new ArrayList<>();
    for (Tensor t : mutated.keySet()) out.add(external.get(t));
    return out;
  }

  /** Declares argument {@code index} of the traced function. */
  Value argument(Tensor t, int index) {
    Value v = graph.addInput("x" + index, t.type(), t.requiresGrad() ? Attrs.of("requires_grad", true) : Attrs.EMPTY);
    sources.add(new Argument(index));
    external.putIfAbsent(t, new Argument(index));
    bind(t, v);
    return v;
  }

  /** Runs {@code body} with this tracer active; undoes its writes to outside tensors and its generator draws. */
  <R> R record(java.util.function.Supplier<R> body) {
    TraceHook prev = CURRENT.get();
    Generator gen = Generator.defaultGenerator();
    Generator.Snapshot rng = gen.snapshot();
    CURRENT.set(this);
    try (GradGuard g = Torch.noGrad()) {
      return body.get();
    } finally {
      CURRENT.set(prev);
      gen.restore(rng);
      originals.forEach((t, data) -> t.array().copyFrom(data));
    }
  }

  /** Sets the graph's outputs: the results, then the final values of mutated outside tensors. */
  void finish(Tensor... results) {
    List<Value> outs = new ArrayList<>();
    for (Tensor r : results) outs.add(valueOf(r));
    outs.addAll(mutated.values());
    graph.setOutputs(outs);
  }

  Value valueOf(Tensor t) {
    Value v = values.get(t);
    if (v != null) return v;
    // only tensors created during the trace are constants: a 0-d tensor captured from outside (a scalar
    // buffer, a step size) may be written in place between calls, so it is an input like any captured tensor
    if (bornInside.contains(t)) {
      v = graph.constant(t.array().copy());
    } else {
      Attrs a = t.requiresGrad() ? Attrs.of("captured", true, "requires_grad", true) : Attrs.of("captured", true);
      v = graph.addInput("c" + countCaptured(), t.type(), a);
      sources.add(new Captured(t));
      external.put(t, new Captured(t));
    }
    bind(t, v);
    return v;
  }

  private int countCaptured() {
    int n = 0;
    for (Source s : sources) if (s instanceof Captured) n++;
    return n;
  }

  private void bind(Tensor t, Value v) {
    if (values.put(t, v) == null) storageUsers.merge(t.array().data(), 1, Integer::sum);
  }

  @Override public void onOp(OpDef op, Attrs attrs, Tensor[] inputs, Tensor[] outputs) {
    Value[] in = new Value[inputs.length];
    for (int i = 0; i < in.length; i++) {
      if (op.isRandom() && i == 0 && !values.containsKey(inputs[0])) {
        in[0] = graph.addInput("seed" + sources.stream().filter(s -> s instanceof Seed).count(), inputs[0].type(), Attrs.of("seed", true));
        sources.add(new Seed(Sampling.draws32(attrs)));
        bind(inputs[0], in[0]);
      } else {
        in[i] = valueOf(inputs[i]);
      }
    }
    Value[] out = graph.add(op, attrs, in);
    for (int i = 0; i < out.length; i++) bind(outputs[i], out[i]);
  }

  @Override public void onCreate(Tensor t) { bornInside.add(t); }

  @Override public void onGraphBreak(Tensor t, String what) {
    Value v = values.get(t);
    boolean constant = v == null ? bornInside.contains(t) : (v.producer() != null && v.producer().isConstant());
    if (!constant)
      throw new GraphBreak(what + " reads a tensor's value on the host, so the rest of the function depends on data the trace cannot see");
  }

  @Override public void onAlias(Tensor src, Tensor dst, boolean stopGradient) {
    Value v = valueOf(src);
    bind(dst, stopGradient ? graph.add1(Views.DETACH, Attrs.EMPTY, v) : v);
  }

  @Override public void onInplace(Tensor self, Tensor result) {
    if (storageUsers.getOrDefault(self.array().data(), 0) > 1)
      throw new GraphBreak("an in-place write to a tensor that shares its storage with other traced tensors (a view or "
          + "its base) is not captured yet");
    Value v = valueOf(result);
    values.put(self, v);
    if (external.containsKey(self)) {
      mutated.put(self, v);
      originals.computeIfAbsent(self, t -> t.array().copy());
    }
  }

  @Override public void onRandomDraw() {
    throw new GraphBreak("random numbers drawn on the host (rand, randn, uniform_, ...) would repeat on every call of the "
        + "compiled function; only seeded random ops (dropout's bernoulli_) are captured");
  }
}
