package dev.tcompile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.Collections;
import dev.tcompile.runtime.ArrayRecycler;
import dev.tcompile.runtime.NDArray;

/**
 * The backward pass: discovers the graph reachable from the roots, counts dependencies, then runs nodes
 * from a ready queue (latest-created first, as PyTorch's engine does), summing gradients that fan in.
 * In capture mode ({@code Autograd.grad}) it stops at the requested inputs and runs only what leads there.
 *
 * <p>A plain backward (no capture, no create_graph) recycles the gradients it makes ({@link ArrayRecycler}): the
 * arrays eager derivative rules and the engine's sums allocate are recorded, and each goes back to the thread's
 * pool once no pending gradient can reach it. Whatever reaches a node that is not an eager rule (a leaf's
 * AccumulateGrad, a compiled or custom backward) or a hook escapes and is never recycled.
 */
final class Engine {
  private Engine() {}

  /** Runs backward from {@code roots}; with {@code inputs} non-null returns their gradients instead of accumulating. */
  static Tensor[] run(Tensor[] roots, Tensor[] rootGrads, boolean retainGraph, boolean createGraph,
                      Tensor[] inputs, boolean allowUnused) {
    GradFn.Edge[] rootEdges = new GradFn.Edge[roots.length];
    for (int i = 0; i < roots.length; i++) {
      GradFn.Edge e = roots[i].gradEdge();
      if (e == null) throw new TorchException("element " + i + " of tensors does not require grad and does not have a grad_fn");
      rootEdges[i] = e;
    }
    // capture points: (node, slot) -> indices of inputs that read it
    Map<GradFn, List<int[]>> captures = new IdentityHashMap<>();
    if (inputs != null) {
      for (int i = 0; i < inputs.length; i++) {
        if (!inputs[i].requiresGrad()) throw new TorchException("One of the differentiated Tensors does not require grad");
        GradFn.Edge e = inputs[i].gradEdge();
        captures.computeIfAbsent(e.fn(), k -> new ArrayList<>()).add(new int[]{e.inputNr(), i});
      }
    }

    // discovery: dependency counts over every reachable node
    Map<GradFn, Integer> deps = new IdentityHashMap<>();
    List<GradFn> order = new ArrayList<>();
    Set<GradFn> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<GradFn> stack = new ArrayDeque<>();
    for (GradFn.Edge e : rootEdges) if (seen.add(e.fn())) { stack.push(e.fn()); order.add(e.fn()); }
    while (!stack.isEmpty()) {
      GradFn fn = stack.pop();
      for (GradFn.Edge e : fn.next) {
        if (e == null) continue;
        deps.merge(e.fn(), 1, Integer::sum);
        if (seen.add(e.fn())) { stack.push(e.fn()); order.add(e.fn()); }
      }
    }
    Set<GradFn> needed = inputs == null ? null : neededNodes(order, captures);

    Map<GradFn, Tensor[]> buffers = new IdentityHashMap<>();
    for (int i = 0; i < roots.length; i++) add(buffers, rootEdges[i], rootGrads[i], null, null);

    Tensor[] captured = inputs == null ? null : new Tensor[inputs.length];
    PriorityQueue<GradFn> ready = new PriorityQueue<>(Comparator.comparingLong((GradFn f) -> f instanceof AccumulateGrad ? Long.MAX_VALUE : f.sequenceNr).reversed());
    Set<GradFn> queued = Collections.newSetFromMap(new IdentityHashMap<>());
    for (GradFn.Edge e : rootEdges) if (deps.getOrDefault(e.fn(), 0) == 0 && queued.add(e.fn())) ready.add(e.fn());

    boolean previous = GradMode.isEnabled();
    GradMode.set(createGraph);
    ArrayRecycler.Recording rec = inputs == null && !createGraph ? ArrayRecycler.open() : null;
    List<Tensor> dropped = rec == null ? null : new ArrayList<>();
    try {
      while (!ready.isEmpty()) {
        GradFn fn = ready.poll();
        Tensor[] buf = buffers.remove(fn);
        if (buf == null) buf = new Tensor[fn.numOutputs()];
        List<int[]> caps = captures.get(fn);
        if (caps != null) for (int[] c : caps) captured[c[1]] = sum(captured[c[1]], buf[c[0]]);
        boolean execute = needed == null ? true : needed.contains(fn) && !(fn instanceof AccumulateGrad);
        // eager rules only read their gradients; anything else (AccumulateGrad, compiled, custom) may keep them
        boolean rule = fn instanceof OpNode;
        if (rec != null && fn instanceof AccumulateGrad && buf[0] != null && rec.owns(buf[0].array()) && !pendingShares(buffers, buf[0].array()))
          buf[0].exclusiveGrad = true; // born here and held by nothing else: the leaf may take the array (PyTorch steals it too)
        if (rec != null) for (int s = 0; s < buf.length; s++) if (buf[s] != null && (!rule || fn.hasPreHooks(s))) rec.escape(buf[s].array());
        // tensor hooks and retain_grad run as the node's pre-hooks: after capture, only when it runs (as PyTorch's engine)
        if (execute) for (int s = 0; s < buf.length; s++) if (buf[s] != null) buf[s] = fn.runPreHooks(s, buf[s], createGraph);
        List<Tensor> grads = null;
        if (execute && anyNonNull(buf)) {
          boolean[] want = new boolean[fn.next.length];
          for (int i = 0; i < want.length; i++) {
            GradFn.Edge e = fn.next[i];
            want[i] = e != null && (needed == null || needed.contains(e.fn()));
          }
          if (rec == null || !rule) grads = fn.apply(Arrays.asList(buf), want);
          else {
            rec.beginRule();
            List<NDArray> results = null;
            try {
              grads = fn.apply(Arrays.asList(buf), want);
              results = new ArrayList<>(grads.size());
              for (Tensor g : grads) results.add(g == null ? null : g.array());
            } finally {
              // a rule that threw releases nothing: its arrays stay with whatever holds them
              if (results == null) rec.recording(false);
              else rec.endRule(results);
            }
          }
        }
        if (execute && !retainGraph) fn.release();
        for (int i = 0; i < fn.next.length; i++) {
          GradFn.Edge e = fn.next[i];
          if (e == null) continue;
          Tensor g = grads == null || i >= grads.size() ? null : grads.get(i);
          if (g != null) add(buffers, e, g, rec, dropped);
          int left = deps.merge(e.fn(), -1, Integer::sum);
          if (left == 0 && queued.add(e.fn())) ready.add(e.fn());
        }
        if (rec != null) {
          if (rule) for (Tensor t : buf) if (t != null) dropped.add(t);
          releaseUnreachable(rec, dropped, buffers);
        }
      }
    } finally {
      GradMode.set(previous);
      if (rec != null) rec.close();
    }
    if (captured != null && !allowUnused) {
      for (Tensor c : captured)
        if (c == null) throw new TorchException("One of the differentiated Tensors appears to not have been used in the graph. "
            + "Set allow_unused=True if this is the desired behavior.");
    }
    return captured;
  }

  /** Nodes from which a capture point is reachable: the only ones worth running (dead-grad elimination). */
  private static Set<GradFn> neededNodes(List<GradFn> order, Map<GradFn, List<int[]>> captures) {
    Set<GradFn> needed = Collections.newSetFromMap(new IdentityHashMap<>());
    // iterate to a fixed point in reverse discovery order (children were discovered after parents)
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int i = order.size() - 1; i >= 0; i--) {
        GradFn fn = order.get(i);
        if (needed.contains(fn)) continue;
        boolean n = captures.containsKey(fn);
        for (GradFn.Edge e : fn.next) if (e != null && needed.contains(e.fn())) { n = true; break; }
        if (n) { needed.add(fn); changed = true; }
      }
    }
    return needed;
  }

  private static boolean anyNonNull(Tensor[] a) {
    for (Tensor t : a) if (t != null) return true;
    return false;
  }

  /**
   * Adds {@code g} into the gradient pending for edge {@code e}; when that sums two gradients, the two go to
   * {@code dropped} (the sum is recorded as the rules' results are).
   */
  private static void add(Map<GradFn, Tensor[]> buffers, GradFn.Edge e, Tensor g, ArrayRecycler.Recording rec, List<Tensor> dropped) {
    Tensor[] buf = buffers.computeIfAbsent(e.fn(), f -> new Tensor[f.numOutputs()]);
    Tensor acc = buf[e.inputNr()];
    if (acc == null || rec == null) {
      buf[e.inputNr()] = sum(acc, g);
      return;
    }
    boolean was = rec.recording(true);
    try {
      buf[e.inputNr()] = sum(acc, g);
    } finally {
      rec.recording(was);
    }
    dropped.add(acc);
    dropped.add(g);
  }

  /**
   * Releases each dropped gradient's array that was born in this pass and that no pending gradient shares: the
   * node that read it has run, its results have gone where they go, and no hook, leaf or capture saw it.
   */
  private static void releaseUnreachable(ArrayRecycler.Recording rec, List<Tensor> dropped, Map<GradFn, Tensor[]> buffers) {
    for (Tensor d : dropped) {
      NDArray a = d.array();
      if (!rec.owns(a)) continue;
      if (!pendingShares(buffers, a)) rec.release(a);
    }
    dropped.clear();
  }

  /** Whether a gradient waiting for a node shares {@code a}'s storage. */
  private static boolean pendingShares(Map<GradFn, Tensor[]> buffers, NDArray a) {
    for (Tensor[] pending : buffers.values())
      for (Tensor t : pending) if (t != null && t.array().sharesStorage(a)) return true;
    return false;
  }

  private static Tensor sum(Tensor acc, Tensor g) {
    if (g == null) return acc;
    return acc == null ? g : acc.add(g);
  }
}
