package dev.tcompile.codegen;

import dev.tcompile.ir.FusedOp;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a graph's intermediates live. Liveness over the node order (a value lives from its node to the last node
 * that reads it or any view of it); the outputs of fused kernels and of ops that write into given buffers
 * ({@code OpDef.writesInto}: matrix products) that never leave the graph get buffers that are
 * reused by later values of the same dtype and size once the earlier one is dead, and across calls. Values that
 * leave the graph (outputs, saved activations), and anything a view of them reaches, stay freshly allocated: the
 * caller owns them. Also reports the peak of live bytes over the node order.
 */
public final class MemoryPlan {
  /** For each node, for each output: the buffer it is written into, or -1 (allocated by its kernel). */
  private final int[][] buffer;
  private final List<TensorType> buffers = new ArrayList<>();
  private final long peakLiveBytes, bytesWithoutReuse;
  /** Outputs written over an input that dies at their kernel. */
  private int inPlace;

  public MemoryPlan(Graph g) {
    List<Node> nodes = g.nodes();
    int n = nodes.size();
    Map<Value, Integer> def = new IdentityHashMap<>();
    Map<Value, Value> root = new IdentityHashMap<>();   // a view's storage owner
    for (int k = 0; k < n; k++) {
      Node node = nodes.get(k);
      for (Value v : node.outputs()) {
        def.put(v, k);
        root.put(v, node.op().isView() && !node.inputs().isEmpty() ? rootOf(root, node.inputs().get(0)) : v);
      }
    }
    Map<Value, Integer> lastUse = new IdentityHashMap<>();
    for (int k = 0; k < n; k++)
      for (Value in : nodes.get(k).inputs()) lastUse.merge(rootOf(root, in), k, Math::max);
    for (Value out : g.outputs()) lastUse.put(rootOf(root, out), Integer.MAX_VALUE);

    buffer = new int[n][];
    List<Integer> busyUntil = new ArrayList<>();
    List<Value> occupant = new ArrayList<>();    // the value each buffer holds last
    long live = 0, peak = 0, naive = 0;
    long[] liveDelta = new long[n + 1];
    for (int k = 0; k < n; k++) {
      Node node = nodes.get(k);
      buffer[k] = new int[node.outputs().size()];
      Arrays.fill(buffer[k], -1);
      for (int o = 0; o < node.outputs().size(); o++) {
        Value v = node.outputs().get(o);
        if (root.get(v) != v || node.isConstant()) continue;
        int last = lastUse.getOrDefault(v, k);
        long bytes = bytes(v.type());
        live += bytes;
        if (last != Integer.MAX_VALUE) liveDelta[Math.min(last + 1, n)] += bytes;
        if (!writesPlannedOutputs(node) || last == Integer.MAX_VALUE) continue;
        naive += bytes;
        int chosen = -1;
        for (int b = 0; b < buffers.size() && chosen < 0; b++)
          if (busyUntil.get(b) < k && buffers.get(b).equals(v.type())) chosen = b;
        for (int b = 0; b < buffers.size() && chosen < 0; b++)
          if (busyUntil.get(b) == k && buffers.get(b).equals(v.type()) && inPlace(node, occupant.get(b), v, root)) { chosen = b; inPlace++; }
        if (chosen < 0) { chosen = buffers.size(); buffers.add(v.type()); busyUntil.add(last); occupant.add(v); }
        else { busyUntil.set(chosen, last); occupant.set(chosen, v); }
        buffer[k][o] = chosen;
      }
      peak = Math.max(peak, live);
      live -= liveDelta[k + 1];
    }
    peakLiveBytes = peak;
    bytesWithoutReuse = naive;
  }

  /**
   * Whether fused {@code node} may write {@code out} over {@code in}, which dies at this node: the kernel reads
   * each element of {@code in} (itself, not through a view) before it stores the same element of {@code out}.
   */
  private static boolean inPlace(Node node, Value in, Value out, Map<Value, Value> root) {
    if (!(node.op() instanceof FusedOp f) || in == null || !node.inputs().contains(in)) return false;
    if (!Arrays.equals(out.type().shape(), f.iterationSpace())) return false;   // a sum's output is not element-aligned
    for (Value x : node.inputs()) if (x != in && rootOf(root, x) == in) return false;
    return true;
  }

  /** Fused kernels and ops whose kernel writes into given buffers ({@code OpDef.writesInto}). */
  public static boolean writesPlannedOutputs(Node node) {
    return !node.isConstant() && (node.op() instanceof FusedOp || node.op().writesInto());
  }

  private static Value rootOf(Map<Value, Value> root, Value v) { return root.getOrDefault(v, v); }

  private static long bytes(TensorType t) { return t.numel() * t.dtype().itemSize(); }

  /** The buffer for output {@code o} of node {@code k}, or -1. */
  public int bufferOf(int k, int o) { return buffer[k][o]; }

  public List<TensorType> buffers() { return List.copyOf(buffers); }

  /** How many kernel outputs are written in place over an input that dies at the kernel. */
  public int inPlaceOutputs() { return inPlace; }

  /** Bytes of the reused buffers. */
  public long plannedBytes() {
    long b = 0;
    for (TensorType t : buffers) b += bytes(t);
    return b;
  }

  /** Bytes the planned values would take with a fresh array each. */
  public long bytesWithoutReuse() { return bytesWithoutReuse; }

  /** The most bytes of non-view values alive at once, over the node order (inputs and constants not counted). */
  public long peakLiveBytes() { return peakLiveBytes; }

  @Override public String toString() {
    return "memory plan: " + buffers.size() + " reused buffer" + (buffers.size() == 1 ? "" : "s") + " of " + plannedBytes()
        + " bytes for " + bytesWithoutReuse + " bytes of kernel intermediates (" + inPlace + " written in place over a dying input); peak live "
        + peakLiveBytes + " bytes";
  }
}
