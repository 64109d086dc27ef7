package dev.tcompile.codegen;

import dev.tcompile.TorchException;
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
 * Which caller buffers ({@link Executable#run(NDArray[], NDArray[])}'s {@code into}) a graph's kernels may write
 * their outputs into directly. A buffer may be one of the inputs' arrays (a parameter its update replaces): then
 * every read of that input, through views too, must come before the writing node, or be the writing node's own
 * element-aligned read of it (a fused kernel loads each element before it stores the same element). Anything
 * else is written by copying at the end of the call: correct, only slower.
 */
public final class Donation {
  private final Graph graph;
  /** Per graph input: the last node reading it or a view of it (MAX_VALUE when it or a view leaves the graph). */
  private final int[] lastRead;
  /** Per graph input: whether its last reader reads the input value itself only, not a view of it. */
  private final boolean[] lastReadDirect;
  /** Per graph output: its producer's index and output position, or -1 when no node writes it into a buffer. */
  private final int[] producer, position;
  /**
   * Per graph output: the shape its writer's value has when the output is a reshape of that value (a bias gradient
   * summed with keepdim, then viewed without the kept dim), else null. The writer then writes into the caller's
   * buffer seen with that shape, and the reshape views the buffer itself.
   */
  private final int[][] writerShape;
  /** Per graph output: the last caller buffer seen with {@link #writerShape} and that view (reused while the buffer is). */
  private final ViewOf[] views;

  private record ViewOf(NDArray buffer, NDArray view) {}

  /** Per node: a fused node's iteration space (null for other nodes), looked up once rather than per call. */
  private final int[][] spaces;
  /** Per graph output: its type, looked up once (the graph's list views are fresh wrappers per call). */
  private final TensorType[] outputTypes;

  public Donation(Graph graph) {
    this.graph = graph;
    List<Node> nodes = graph.nodes();
    Map<Value, Integer> rootInput = new IdentityHashMap<>();
    for (int i = 0; i < graph.inputs().size(); i++) rootInput.put(graph.inputs().get(i), i);
    lastRead = new int[graph.inputs().size()];
    Arrays.fill(lastRead, -1);
    lastReadDirect = new boolean[lastRead.length];
    spaces = new int[nodes.size()][];
    for (int k = 0; k < nodes.size(); k++) if (nodes.get(k).op() instanceof dev.tcompile.ir.FusedOp f) spaces[k] = f.iterationSpace();
    for (int k = 0; k < nodes.size(); k++) {
      Node n = nodes.get(k);
      for (Value in : n.inputs()) {
        Integer r = rootInput.get(in);
        if (r == null) continue;
        boolean direct = in == graph.inputs().get(r);
        if (lastRead[r] < k) { lastRead[r] = k; lastReadDirect[r] = direct; }
        else lastReadDirect[r] &= direct;
      }
      if (n.op().isView() && !n.inputs().isEmpty() && rootInput.containsKey(n.inputs().get(0)))
        for (Value v : n.outputs()) rootInput.put(v, rootInput.get(n.inputs().get(0)));
    }
    for (Value out : graph.outputs()) {
      Integer r = rootInput.get(out);
      if (r != null) lastRead[r] = Integer.MAX_VALUE;
    }
    outputTypes = graph.outputs().stream().map(Value::type).toArray(TensorType[]::new);
    producer = new int[graph.outputs().size()];
    position = new int[producer.length];
    writerShape = new int[producer.length][];
    views = new ViewOf[producer.length];
    Arrays.fill(producer, -1);
    Map<Node, Integer> index = new IdentityHashMap<>();
    for (int k = 0; k < nodes.size(); k++) index.put(nodes.get(k), k);
    for (int j = 0; j < producer.length; j++) {
      Value v = graph.outputs().get(j);
      Node p = v.producer();
      if (p != null && p.op().name().equals("reshape") && p.inputs().get(0).producer() != null
          && MemoryPlan.writesPlannedOutputs(p.inputs().get(0).producer()) && p.inputs().get(0).type().dtype() == v.type().dtype()) {
        v = p.inputs().get(0);   // see through the reshape: its writer writes the caller's buffer, reshaped
        p = v.producer();
        writerShape[j] = v.type().shape();
      }
      if (p == null || !MemoryPlan.writesPlannedOutputs(p)) continue;
      producer[j] = index.get(p);
      position[j] = p.outputs().indexOf(v);
    }
  }

  /**
   * For each node and output, the caller buffer it writes into this call (null: the memory plan's or a fresh
   * array). {@code into} entries the kernels cannot write safely are left for {@link #copyInto}.
   */
  public NDArray[][] direct(NDArray[] inputs, NDArray[] into) {
    return directInto(inputs, into, new NDArray[graph.nodes().size()][], new NDArray[into.length]);
  }

  /**
   * As {@link #direct(NDArray[], NDArray[])}, into {@code direct} (an entry per node, emptied first; a node's array
   * is made on first use and kept) with {@code chosen} (an entry per output) as scratch: a call with reused arrays
   * allocates nothing.
   */
  public NDArray[][] directInto(NDArray[] inputs, NDArray[] into, NDArray[][] direct, NDArray[] chosen) {
    for (NDArray[] d : direct) if (d != null) Arrays.fill(d, null);
    Arrays.fill(chosen, null);
    for (int j = 0; j < into.length; j++) {
      NDArray d = into[j];
      int k = producer[j];
      if (d == null || k < 0 || !dense(d, outputTypes[j])) continue;
      if (direct[k] != null && direct[k][position[j]] != null) continue;       // the same value leaves twice
      if (!safe(d, k, inputs, chosen)) continue;
      if (direct[k] == null) direct[k] = new NDArray[graph.nodes().get(k).outputs().size()];
      direct[k][position[j]] = writerShape[j] == null ? d : viewOf(j, d);
      chosen[j] = d;
    }
    return direct;
  }

  /** {@code d} (dense) seen with output j's writer's shape: the same view object while the caller passes the same buffer. */
  private NDArray viewOf(int j, NDArray d) {
    ViewOf v = views[j];
    if (v != null && v.buffer() == d) return v.view();
    NDArray view = d.view(writerShape[j].clone(), dev.tcompile.runtime.Shapes.contiguousStrides(writerShape[j]), 0);
    views[j] = new ViewOf(d, view);
    return view;
  }

  private boolean safe(NDArray d, int k, NDArray[] inputs, NDArray[] chosen) {
    for (NDArray c : chosen) if (c != null && c.sharesStorage(d)) return false;
    for (int i = 0; i < inputs.length; i++) {
      if (!inputs[i].sharesStorage(d) || lastRead[i] < k) continue;
      if (lastRead[i] > k || !lastReadDirect[i] || spaces[k] == null) return false;
      // the writer reads this input itself: only element for element, at the same positions
      if (inputs[i].offset() != 0 || !inputs[i].isContiguous() || !Arrays.equals(inputs[i].shape(), spaces[k])
          || !Arrays.equals(d.shape(), spaces[k])) return false;
    }
    return true;
  }

  private static boolean sameLayout(NDArray a, NDArray b) {
    return a.data() == b.data() && a.offset() == b.offset() && a.dtype() == b.dtype() && Arrays.equals(a.shape(), b.shape())
        && Arrays.equals(a.strides(), b.strides());
  }

  private static boolean dense(NDArray d, TensorType t) {
    return d.dtype() == t.dtype() && Arrays.equals(d.shape(), t.shape()) && d.offset() == 0 && d.isContiguous();
  }

  /** Leaves each result in {@code into[j]} (copying unless it is already there) and returns the results. */
  public static NDArray[] copyInto(NDArray[] out, NDArray[] into) {
    if (into == null) return out;
    if (into.length != out.length) throw new TorchException("run: " + into.length + " output buffers for " + out.length + " outputs");
    // a result that is its buffer seen alike (a reshape of what was written into it) is already in place
    for (int j = 0; j < out.length; j++)
      if (into[j] != null && out[j] != into[j] && sameLayout(out[j], into[j])) out[j] = into[j];
    for (int j = 0; j < into.length; j++)
      for (int i = j + 1; i < into.length; i++)
        if (into[i] != null && into[j] != null && into[i].sharesStorage(into[j]))
          throw new TorchException("run: the buffers for outputs " + j + " and " + i + " share storage");
    // a result that shares storage with another's destination must be read before that destination is written
    for (int j = 0; j < out.length; j++)
      for (int i = 0; i < into.length; i++)
        if (i != j && into[i] != null && out[i] != into[i] && into[i].sharesStorage(out[j])) { out[j] = out[j].copy(); break; }
    for (int j = 0; j < out.length; j++) {
      if (into[j] == null || out[j] == into[j]) continue;
      if (into[j].dtype() != out[j].dtype() || !Arrays.equals(into[j].shape(), out[j].shape()))
        throw new TorchException("run: output " + j + " is " + TensorType.of(out[j].dtype(), out[j].shape()) + " but its buffer is "
            + TensorType.of(into[j].dtype(), into[j].shape()));
      into[j].copyFrom(out[j]);
      out[j] = into[j];
    }
    return out;
  }
}
