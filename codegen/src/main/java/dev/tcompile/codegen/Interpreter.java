package dev.tcompile.codegen;

import dev.tcompile.TorchException;
import dev.tcompile.codegen.fused.FusedKernel;
import dev.tcompile.ir.FusedOp;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Value;
import dev.tcompile.runtime.NDArray;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference backend: runs each node's eager kernel ({@code OpDef.eval}) in order over a register file,
 * dropping each intermediate after its last use; a fused node runs its body as one blocked vector loop
 * ({@link FusedKernel}). It is the oracle the bytecode backend is checked against.
 */
public final class Interpreter implements Executable {
  private final Graph graph;
  private final int numSlots;
  private final int[] inputSlots, outputSlots;
  private final int[][] nodeIn, nodeOut, freeAfter;
  private final TensorType[] inputTypes;
  /** The loop each fused node runs (null for other nodes). */
  private final FusedKernel[] kernels;
  private final MemoryPlan plan;
  /** Sets of planned buffers, one per call in flight: concurrent calls never share one. */
  private final java.util.concurrent.ConcurrentLinkedDeque<NDArray[]> arenas = new java.util.concurrent.ConcurrentLinkedDeque<>();

  public Interpreter(Graph graph) {
    this.graph = graph;
    Map<Value, Integer> slot = new IdentityHashMap<>();
    for (Value v : graph.inputs()) slot.put(v, slot.size());
    List<Node> nodes = graph.nodes();
    for (Node n : nodes) for (Value v : n.outputs()) slot.put(v, slot.size());
    numSlots = slot.size();
    inputSlots = graph.inputs().stream().mapToInt(slot::get).toArray();
    outputSlots = graph.outputs().stream().mapToInt(slot::get).toArray();
    inputTypes = graph.inputs().stream().map(Value::type).toArray(TensorType[]::new);
    kernels = new FusedKernel[nodes.size()];
    for (int k = 0; k < nodes.size(); k++) if (nodes.get(k).op() instanceof FusedOp f) kernels[k] = new FusedKernel(f);
    plan = new MemoryPlan(graph);
    nodeIn = new int[nodes.size()][];
    nodeOut = new int[nodes.size()][];
    int[] lastUse = new int[numSlots];
    Arrays.fill(lastUse, -1);
    for (int k = 0; k < nodes.size(); k++) {
      Node n = nodes.get(k);
      nodeIn[k] = n.inputs().stream().mapToInt(slot::get).toArray();
      nodeOut[k] = n.outputs().stream().mapToInt(slot::get).toArray();
      for (int s : nodeIn[k]) lastUse[s] = k;
    }
    for (int s : outputSlots) lastUse[s] = Integer.MAX_VALUE;
    int[] counts = new int[nodes.size()];
    for (int s = 0; s < numSlots; s++) if (lastUse[s] >= 0 && lastUse[s] < nodes.size()) counts[lastUse[s]]++;
    freeAfter = new int[nodes.size()][];
    for (int k = 0; k < nodes.size(); k++) freeAfter[k] = new int[counts[k]];
    int[] fill = new int[nodes.size()];
    for (int s = 0; s < numSlots; s++) if (lastUse[s] >= 0 && lastUse[s] < nodes.size()) freeAfter[lastUse[s]][fill[lastUse[s]]++] = s;
  }

  public Graph graph() { return graph; }

  public MemoryPlan plan() { return plan; }

  private NDArray[] arena() {
    NDArray[] a = arenas.pollFirst();
    if (a != null) return a;
    List<TensorType> types = plan.buffers();
    a = new NDArray[types.size()];
    for (int i = 0; i < a.length; i++) a[i] = NDArray.empty(types.get(i).dtype(), types.get(i).shape());
    return a;
  }

  /**
   * The plan follows aliases through view ops only; a kernel that returned (a view of) a planned buffer from a
   * non-view op would let the buffer be overwritten while still read. Refuse loudly rather than compute wrongly.
   */
  private static void checkNoHiddenAlias(Node n, NDArray[] outs, NDArray[] arena) {
    for (NDArray o : outs)
      for (NDArray b : arena)
        if (o.sharesStorage(b))
          throw new IllegalStateException(n.op().name() + " returned an alias of its input without being a view op; the memory plan cannot follow it");
  }

  /** The planned buffers node {@code k} writes its outputs into (null entries: fresh arrays). */
  private NDArray[] planned(int k, NDArray[] arena) {
    NDArray[] out = new NDArray[nodeOut[k].length];
    for (int o = 0; o < out.length; o++) { int b = plan.bufferOf(k, o); if (b >= 0) out[o] = arena[b]; }
    return out;
  }

  @Override public NDArray[] run(NDArray... inputs) {
    if (inputs.length != inputSlots.length)
      throw new TorchException("graph @" + graph.name() + " takes " + inputSlots.length + " inputs but was given " + inputs.length);
    NDArray[] reg = new NDArray[numSlots];
    for (int i = 0; i < inputs.length; i++) {
      TensorType want = inputTypes[i];
      if (inputs[i].dtype() != want.dtype() || !Arrays.equals(inputs[i].shape(), want.shape()))
        throw new TorchException("input " + i + " of graph @" + graph.name() + " must be " + want + " but is "
            + TensorType.of(inputs[i].dtype(), inputs[i].shape()));
      reg[inputSlots[i]] = inputs[i];
    }
    List<Node> nodes = graph.nodes();
    NDArray[] arena = arena();
    try {
      for (int k = 0; k < nodes.size(); k++) {
        Node n = nodes.get(k);
        if (n.isConstant()) {
          reg[nodeOut[k][0]] = n.payload();
        } else {
          int[] ins = nodeIn[k];
          NDArray[] args = new NDArray[ins.length];
          for (int i = 0; i < ins.length; i++) args[i] = reg[ins[i]];
          NDArray[] outs = kernels[k] != null ? kernels[k].run(planned(k, arena), args) : n.op().eval(n.attrs(), args);
          if (kernels[k] == null && !n.op().isView()) checkNoHiddenAlias(n, outs, arena);
          for (int i = 0; i < outs.length; i++) reg[nodeOut[k][i]] = outs[i];
        }
        for (int s : freeAfter[k]) reg[s] = null;
      }
    } finally {
      arenas.addFirst(arena);
    }
    NDArray[] out = new NDArray[outputSlots.length];
    for (int i = 0; i < out.length; i++) {
      Node p = graph.outputs().get(i).producer();
      // a constant's data belongs to the graph: hand out a copy the caller may write to
      out[i] = p != null && p.isConstant() ? reg[outputSlots[i]].copy() : reg[outputSlots[i]];
    }
    return out;
  }
}
