package dev.tcompile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node of the autograd graph: the function that turns the gradient of an op's outputs into gradients of
 * its inputs ({@code grad_fn} in PyTorch). {@link #name()} is PyTorch's node name ({@code AddBackward0}).
 */
public abstract class GradFn {
  private static final AtomicLong SEQUENCE = new AtomicLong();

  /** Creation order; the engine runs later nodes first, as PyTorch's ready queue does. */
  final long sequenceNr = SEQUENCE.getAndIncrement();

  /** Where each input's gradient goes: one edge per forward input, null where no gradient is needed. */
  final Edge[] next;

  /** Per output slot, in registration order: gradient hooks and retain_grad (PyTorch 1.13 runs them in one order). */
  private List<PreHook>[] preHooks;

  /** Sees (and may replace) the gradient arriving at one output slot before the node runs. */
  @FunctionalInterface
  interface PreHook { Tensor apply(Tensor grad, boolean createGraph); }

  GradFn(Edge[] next) { this.next = next; }

  /** PyTorch's node name, e.g. {@code MulBackward0}. */
  public abstract String name();

  /** The next nodes, one per input of the forward op; null where that input needs no gradient (PyTorch's None). */
  public List<GradFn> nextFunctions() {
    List<GradFn> out = new ArrayList<>(next.length);
    for (Edge e : nextEdges()) out.add(e.fn());
    return Collections.unmodifiableList(out);
  }

  /**
   * PyTorch's {@code next_functions}: one (node, input number) pair per forward input, {@code (None, 0)} where
   * that input needs no gradient.
   */
  public List<Edge> nextEdges() {
    List<Edge> out = new ArrayList<>(next.length);
    for (Edge e : next) out.add(e == null ? new Edge(null, 0) : e);
    return Collections.unmodifiableList(out);
  }

  /** Number of forward outputs (gradient slots this node receives). */
  abstract int numOutputs();

  /** Gradients for each input (null entries: none), given gradients for each output (null: none flowed). */
  abstract List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed);

  /** Frees saved tensors after a backward pass without retainGraph. */
  void release() {}

  void retainGradOf(int slot, Tensor t) {
    addPreHook(slot, (g, createGraph) -> {
      t.retainGradValue(g, createGraph);
      return g;
    });
  }

  @SuppressWarnings("unchecked")
  Runnable addPreHook(int slot, PreHook h) {
    if (preHooks == null) preHooks = new List[numOutputs()];
    if (preHooks[slot] == null) preHooks[slot] = new ArrayList<>(1);
    List<PreHook> list = preHooks[slot];
    list.add(h);
    return () -> list.remove(h);
  }

  /** Whether a hook or retain_grad sees slot {@code slot}'s gradient (it may keep it). */
  boolean hasPreHooks(int slot) { return preHooks != null && preHooks[slot] != null && !preHooks[slot].isEmpty(); }

  Tensor runPreHooks(int slot, Tensor g, boolean createGraph) {
    if (preHooks == null || preHooks[slot] == null) return g;
    g.exclusiveGrad = false;   // a hook may keep the tensor: its array must not become a leaf's gradient
    for (PreHook h : List.copyOf(preHooks[slot])) g = h.apply(g, createGraph);
    return g;
  }

  @Override public String toString() { return "<" + name() + " object>"; }

  /** An input of a node: the node that produces its gradient's destination and which of its slots. */
  public record Edge(GradFn fn, int inputNr) {
    @Override public String toString() { return "(" + (fn == null ? "None" : fn.toString()) + ", " + inputNr + ")"; }
  }
}
