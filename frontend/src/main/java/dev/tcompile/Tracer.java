package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.Constant;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.ops.Views;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records a function into a graph by running it eagerly: every op the dispatcher executes is appended with its
 * inputs' IR values. A tensor without a value is either a constant (created during the trace, or a small
 * tensor that needs no grad) or a captured input (created before: module parameters, closed-over tensors),
 * which becomes a graph input bound to that tensor object so later calls read its current value.
 * In-place writes to arguments or captured tensors become extra outputs the caller copies back.
 */
final class Tracer implements TraceHook {
  /** One lifted input: the tensor object it is bound to. */
  record Captured(Tensor tensor, Value value) {}

  final Graph graph;
  private final Map<Tensor, Value> values = new IdentityHashMap<>();
  /** How many traced tensors share each storage: an in-place write to shared storage is not traced (yet). */
  private final Map<Object, Integer> storageUsers = new IdentityHashMap<>();
  private final Set<Tensor> bornInside = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<Tensor> arguments = Collections.newSetFromMap(new IdentityHashMap<>());
  final List<Captured> captured = new ArrayList<>();
  /** Arguments and captured tensors written in place, with the value they hold at the end. */
  final Map<Tensor, Value> mutated = new LinkedHashMap<>();
  /** Their contents before the trace wrote them: restored afterwards, so tracing leaves no side effects. */
  private final Map<Tensor, dev.tcompile.runtime.NDArray> originals = new IdentityHashMap<>();

  Tracer(String name) { graph = new Graph(name); }

  /** Declares an argument of the traced function. */
  Value argument(Tensor t, String name) {
    Value v = graph.addInput(name, t.type(), t.requiresGrad() ? Attrs.of("requires_grad", true) : Attrs.EMPTY);
    bind(t, v);
    arguments.add(t);
    return v;
  }

  /** Runs {@code body} with this tracer active on the current thread. */
  <R> R record(java.util.function.Supplier<R> body) {
    TraceHook prev = CURRENT.get();
    CURRENT.set(this);
    try (GradGuard g = Torch.noGrad()) {
      return body.get();
    } finally {
      CURRENT.set(prev);
    }
  }

  Value valueOf(Tensor t) {
    Value v = values.get(t);
    if (v != null) return v;
    if (bornInside.contains(t) || (t.numel() <= Constant.INLINE_LIMIT && !t.requiresGrad() && t.dim() == 0)) {
      v = graph.constant(t.array().copy());
    } else {
      Attrs a = t.requiresGrad() ? Attrs.of("captured", true, "requires_grad", true) : Attrs.of("captured", true);
      v = graph.addInput("c" + captured.size(), t.type(), a);
      captured.add(new Captured(t, v));
    }
    bind(t, v);
    return v;
  }

  private void bind(Tensor t, Value v) {
    if (values.put(t, v) == null) storageUsers.merge(t.array().data(), 1, Integer::sum);
  }

  Value existing(Tensor t) { return values.get(t); }

  @Override public void onOp(OpDef op, Attrs attrs, Tensor[] inputs, Tensor[] outputs) {
    Value[] in = new Value[inputs.length];
    for (int i = 0; i < in.length; i++) in[i] = valueOf(inputs[i]);
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
    boolean external = arguments.contains(self) || isCaptured(self);
    bind(self, v);
    if (external) {
      mutated.put(self, v);
      originals.computeIfAbsent(self, t -> t.array().copy());
    }
  }

  /** Undoes the trace's in-place writes to arguments and captured tensors. */
  void restore() {
    originals.forEach((t, data) -> t.array().copyFrom(data));
  }

  private boolean isCaptured(Tensor t) {
    for (Captured c : captured) if (c.tensor() == t) return true;
    return false;
  }

}
