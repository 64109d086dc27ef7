package dev.tcompile.passes;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.FusedOp;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.ir.ops.Creation;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.Shapes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups pointwise nodes (those with a {@code body}) into {@link FusedOp} kernels that touch memory once:
 * vertical chains whose outputs share one iteration space (inputs may broadcast into it, scalar constants are
 * copied into the body), then siblings with that space which read a common input. A merge that would make a
 * cycle through an unfused node is refused. Every refusal is noted with its reason ({@link #notes()}, and as
 * comments in the IR dumps), as Inductor's {@code WhyNoFuse} does.
 */
public final class Fusion implements Pass {
  /** Body nodes per kernel at most: keeps generated methods small and cycle checks short. */
  static final int MAX_NODES = 96;

  private final List<String> notes = new ArrayList<>();

  @Override public String name() { return "fuse"; }

  @Override public List<String> notes() { return List.copyOf(notes); }

  private Graph currentGraph;
  private boolean[] emitted;

  @Override public Graph run(Graph g) {
    notes.clear();
    currentGraph = g;
    List<Node> nodes = g.nodes();
    int n = nodes.size();
    Map<Node, Integer> index = new IdentityHashMap<>();
    for (int k = 0; k < n; k++) index.put(nodes.get(k), k);
    int[] group = new int[n];
    Arrays.fill(group, -1);
    Map<Integer, Group> groups = new LinkedHashMap<>();   // live groups only, by id; group[k] is node k's
    int nextId = 0;

    // vertical: each pointwise node joins the group of a producer with the same iteration space
    for (int k = 0; k < n; k++) {
      Node node = nodes.get(k);
      boolean reduction = reduction(node);
      if (!pointwise(node) && !reduction) continue;
      int[] space = reduction ? node.inputs().get(0).type().shape() : node.output().type().shape();
      Group joined = null;
      for (Value in : node.inputs()) {
        Node p = in.producer();
        if (p == null || p.isConstant()) continue;
        int pk = index.get(p);
        if (group[pk] < 0) continue;
        Group cand = groups.get(group[pk]);
        if (cand == joined) continue;
        if (cand.reductions.contains(pk)) {
          note("%" + node.output().name() + " (" + node.op().name() + ") not fused with %" + in.name() + ": the sum is complete only after that kernel's loop");
          continue;
        }
        if (joined == null) {
          String why = refusal(cand, k, space, group, groups, nodes, index);
          if (why != null) { note("%" + node.output().name() + " (" + node.op().name() + ") not fused with %" + in.name() + ": " + why); continue; }
          joined = cand;
          joined.add(k);
          if (reduction) joined.reductions.add(k);
          group[k] = joined.id;
        } else if (!Arrays.equals(cand.space, joined.space) || cand.members.size() + joined.members.size() > MAX_NODES
            || reaches(cand, joined, group, groups, nodes, index) || reaches(joined, cand, group, groups, nodes, index)
            || readsReductionOf(cand, joined, nodes, index) || readsReductionOf(joined, cand, nodes, index)) {
          note("%" + node.output().name() + " (" + node.op().name() + "): kernels of %" + in.name() + " and of its other inputs stay apart (size or a cycle)");
        } else {
          absorb(joined, cand, group, groups);
        }
      }
      // a sum alone stays the runtime's reduction kernel, unless that kernel would copy its input to bring
      // the reduced dims together (a bias gradient's sum over N, H, W): the fused loop reads it in place
      if (joined == null && reduction && adjacent(dev.tcompile.ir.ops.Reductions.reducedDims(node.attrs(), space.length))) continue;
      if (joined == null) {
        Group fresh = new Group(nextId++, space);
        fresh.add(k);
        groups.put(fresh.id, fresh);
        group[k] = fresh.id;
      }
    }

    // horizontal: groups of one space that read a common input, with no path between them; each reader is
    // remembered by one of its nodes, whose group[] entry always names the live group it now belongs to
    Map<Value, List<Integer>> readers = new LinkedHashMap<>();   // insertion order: the same decisions every run
    for (Group gr : groups.values()) {
      int rep = gr.first();
      for (int k : gr.members)
        for (Value in : nodes.get(k).inputs())
          if (in.producer() == null || group[index.get(in.producer())] != gr.id) {
            List<Integer> rs = readers.computeIfAbsent(in, v -> new ArrayList<>());
            if (!rs.contains(rep)) rs.add(rep);
          }
    }
    for (List<Integer> rs : readers.values()) {
      for (int a = 0; a < rs.size(); a++) {
        for (int b = a + 1; b < rs.size(); b++) {
          Group ga = groups.get(group[rs.get(a)]), gb = groups.get(group[rs.get(b)]);
          if (ga == null || gb == null || ga == gb || !Arrays.equals(ga.space, gb.space)) continue;
          if (ga.members.size() + gb.members.size() > MAX_NODES) continue;
          if (reaches(ga, gb, group, groups, nodes, index) || reaches(gb, ga, group, groups, nodes, index)) continue;
          if (readsReductionOf(ga, gb, nodes, index) || readsReductionOf(gb, ga, nodes, index)) continue;
          absorb(ga, gb, group, groups);
        }
      }
    }

    return Verifier.verify(emit(g, nodes, index, group, groups));
  }

  private void note(String s) { notes.add(s); }

  /** A node fusion may take: pointwise for its input types, not random, not a fused kernel already. */
  static boolean pointwise(Node node) {
    if (node.isConstant() || node.op() instanceof FusedOp || node.op().isRandom() || node.outputs().size() != 1) return false;
    TensorType[] in = node.inputs().stream().map(Value::type).toArray(TensorType[]::new);
    return node.op().hasBody(node.attrs(), in);
  }

  /** Float sums of a value of the kernel's space, small enough to accumulate per chunk: a kernel's epilogue. */
  static boolean reduction(Node node) {
    if (!FusedOp.isReduction(node)) return false;
    TensorType in = node.inputs().get(0).type();
    return in.dtype() == dev.tcompile.DType.FLOAT32 && node.output().type().numel() <= MAX_REDUCED;
  }

  /** Whether the reduced dims form one run (the runtime's reduction kernel reads such a sum without a copy). */
  private static boolean adjacent(boolean[] reduced) {
    int first = -1, last = -1;
    for (int d = 0; d < reduced.length; d++) if (reduced[d]) { if (first < 0) first = d; last = d; }
    for (int d = first; d >= 0 && d <= last; d++) if (!reduced[d]) return false;
    return true;
  }

  /** Reduced outputs at most: each chunk of the loop keeps its own partial sums. */
  static final int MAX_REDUCED = 4096;

  private static boolean readsReductionOf(Group reader, Group owner, List<Node> nodes, Map<Node, Integer> index) {
    for (int k : reader.members)
      for (Value in : nodes.get(k).inputs())
        if (in.producer() != null && owner.reductions.contains(index.get(in.producer()))) return true;
    return false;
  }

  /** Why node k may not join {@code g} (null when it may). */
  private static String refusal(Group g, int k, int[] space, int[] group, Map<Integer, Group> groups, List<Node> nodes, Map<Node, Integer> index) {
    if (!Arrays.equals(g.space, space))
      return "iteration spaces differ (" + Shapes.str(g.space) + " and " + Shapes.str(space) + ")";
    if (g.members.size() >= MAX_NODES) return "the kernel has " + MAX_NODES + " nodes already";
    for (Value in : nodes.get(k).inputs())
      if (in.producer() != null && g.reductions.contains(index.get(in.producer())))
        return "it reads the sum %" + in.name() + ", complete only after that kernel's loop";
    // a path g -> (a node outside g) -> k would make a cycle
    Set<Integer> inside = new java.util.HashSet<>(g.members);
    inside.add(k);
    Node bad = pathOutside(List.of(k), inside, g, group, groups, nodes, index);
    return bad == null ? null : "that would make a cycle through %" + bad.output().name() + " (" + bad.op().name() + ")";
  }

  /** True when a member of {@code to} depends on {@code from} through a node of neither group. */
  private static boolean reaches(Group from, Group to, int[] group, Map<Integer, Group> groups, List<Node> nodes, Map<Node, Integer> index) {
    Set<Integer> inside = new java.util.HashSet<>(from.members);
    inside.addAll(to.members);
    return pathOutside(to.members, inside, from, group, groups, nodes, index) != null;
  }

  /**
   * Walks back from the inputs of {@code starts} through everything outside {@code inside}; returns the first node
   * on a path that comes from a member of {@code target}, or null. Another group counts as one unit: reaching any
   * of its members continues from all of their inputs (a fused kernel runs as a whole). No node can be skipped for
   * coming before the target in the node order: through a kernel that contains a later node it may still depend
   * on the target (the fuzzer found such a case).
   */
  private static Node pathOutside(java.util.Collection<Integer> starts, Set<Integer> inside, Group target, int[] group,
                                  Map<Integer, Group> groups, List<Node> nodes, Map<Node, Integer> index) {
    Deque<Integer> stack = new ArrayDeque<>();
    Set<Integer> seen = new java.util.HashSet<>();
    Map<Integer, Integer> via = new HashMap<>();
    for (int s : starts)
      for (Value in : nodes.get(s).inputs()) {
        Node p = in.producer();
        if (p == null) continue;
        int pk = index.get(p);
        if (!inside.contains(pk) && seen.add(pk)) { stack.push(pk); via.put(pk, pk); }
      }
    while (!stack.isEmpty()) {
      int k = stack.pop();
      Group unit = group[k] >= 0 ? groups.get(group[k]) : null;
      for (int m : unit == null ? List.of(k) : unit.members) {
        if (m != k && seen.add(m)) via.put(m, via.get(k));
        for (Value in : nodes.get(m).inputs()) {
          Node p = in.producer();
          if (p == null) continue;
          int pk = index.get(p);
          if (target.members.contains(pk)) return nodes.get(via.get(k));
          if (!inside.contains(pk) && seen.add(pk)) { stack.push(pk); via.put(pk, via.get(k)); }
        }
      }
    }
    return null;
  }

  /** Moves every member of {@code from} into {@code into}; {@code from} is gone. */
  private static void absorb(Group into, Group from, int[] group, Map<Integer, Group> groups) {
    for (int k : from.members) { into.add(k); group[k] = into.id; }
    into.reductions.addAll(from.reductions);
    groups.remove(from.id);
  }

  /** Rebuilds the graph with each group as one fused node, in an order that respects every dependency. */
  private Graph emit(Graph g, List<Node> nodes, Map<Node, Integer> index, int[] group, Map<Integer, Group> groups) {
    Set<Group> distinct = new LinkedHashSet<>(groups.values());
    Set<Value> graphOutputs = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    graphOutputs.addAll(g.outputs());
    for (Group gr : distinct) if (!worthFusing(gr, nodes)) for (int k : gr.members) group[k] = -1;
    Map<Integer, Group> byNode = new HashMap<>();
    for (Group gr : distinct) for (int k : gr.members) if (group[k] >= 0) byNode.put(k, gr);

    // who reads each value (to find a group's outputs)
    Map<Value, List<Integer>> users = new IdentityHashMap<>();
    for (int k = 0; k < nodes.size(); k++) for (Value in : nodes.get(k).inputs()) users.computeIfAbsent(in, v -> new ArrayList<>()).add(k);

    GraphCopier c = new GraphCopier(g.name()).withInputsOf(g);
    boolean[] done = new boolean[nodes.size()];
    emitted = new boolean[nodes.size()];
    int[] fusedCount = {0};
    for (int k = 0; k < nodes.size(); k++) emitNode(k, c, nodes, index, byNode, users, graphOutputs, done, fusedCount);
    return c.finish(g.outputs());
  }

  private static boolean worthFusing(Group gr, List<Node> nodes) {
    for (int k : gr.members) {
      Node n = nodes.get(k);
      boolean free = n.op() == Views.EXPAND || n.op() == Views.DETACH || n.op() == Creation.FULL;
      if (!free) return true;
    }
    return false;
  }

  private void emitNode(int k, GraphCopier c, List<Node> nodes, Map<Node, Integer> index, Map<Integer, Group> byNode,
                        Map<Value, List<Integer>> users, Set<Value> graphOutputs, boolean[] done, int[] fusedCount) {
    if (done[k]) {
      if (!emitted[k])   // the cycle checks make this impossible; refuse loudly rather than emit a broken graph
        throw new IllegalStateException("fusion made a cycle through %" + nodes.get(k).output().name() + " in\n" + dev.tcompile.ir.GraphPrinter.print(currentGraph));
      return;
    }
    Group gr = byNode.get(k);
    List<Integer> members = gr == null ? List.of(k) : gr.sorted();
    for (int m : members) done[m] = true;
    Set<Integer> memberSet = new java.util.HashSet<>(members);
    // everything the unit reads is emitted first
    for (int m : members)
      for (Value in : nodes.get(m).inputs()) {
        Node p = in.producer();
        if (p != null && !memberSet.contains(index.get(p))) emitNode(index.get(p), c, nodes, index, byNode, users, graphOutputs, done, fusedCount);
      }
    if (gr == null) { c.copy(nodes.get(k)); emitted[k] = true; return; }

    Graph body = new Graph("fused" + fusedCount[0]++);
    Map<Value, Value> inBody = new IdentityHashMap<>();
    List<Value> outerInputs = new ArrayList<>();
    for (int m : members) {
      Node node = nodes.get(m);
      List<Value> args = new ArrayList<>();
      for (Value in : node.inputs()) {
        Value b = inBody.get(in);
        if (b == null) {
          Node p = in.producer();
          if (p != null && p.isConstant() && p.payload().numel() == 1) b = body.constant(p.payload(), in.name());
          else { b = body.addInput(in.name(), in.type()); outerInputs.add(c.get(in)); }
          inBody.put(in, b);
        }
        args.add(b);
      }
      Value out = body.add(node.op(), node.attrs(), args, List.of(node.output().name()), null)[0];
      inBody.put(node.output(), out);
    }
    List<Value> results = new ArrayList<>(), bodyOuts = new ArrayList<>();
    for (int m : members) {
      Value v = nodes.get(m).output();
      boolean escapes = graphOutputs.contains(v);
      for (int u : users.getOrDefault(v, List.of())) escapes |= !memberSet.contains(u);
      if (escapes) { results.add(v); bodyOuts.add(inBody.get(v)); }
    }
    body.setOutputs(bodyOuts);
    FusedOp op = new FusedOp(body);
    Value[] outs = c.target.add(op, Attrs.EMPTY, outerInputs, results.stream().map(Value::name).toList(), null);
    for (int i = 0; i < outs.length; i++) c.map.put(results.get(i), outs[i]);
    for (int m : members) emitted[m] = true;
  }

  /** A growing set of node indices sharing one iteration space. */
  private static final class Group {
    final int id;
    final int[] space;
    final Set<Integer> members = new LinkedHashSet<>();
    /** Members that are sums (epilogues: their outputs leave the kernel, nothing inside reads them). */
    final Set<Integer> reductions = new LinkedHashSet<>();

    Group(int id, int[] space) { this.id = id; this.space = space; }

    void add(int k) { members.add(k); }
    int first() { int f = Integer.MAX_VALUE; for (int k : members) f = Math.min(f, k); return f; }
    List<Integer> sorted() { List<Integer> s = new ArrayList<>(members); s.sort(null); return s; }
  }
}
