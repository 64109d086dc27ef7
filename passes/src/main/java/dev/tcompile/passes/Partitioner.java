package dev.tcompile.passes;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits a joint graph at the forward/backward boundary. A forward value read by the backward half is saved
 * (returned by forward, taken by backward); constants are copied instead of saved. (Later: recompute cheap
 * values instead of saving them, as AOTAutograd's min-cut partitioner does.)
 */
final class Partitioner {
  private Partitioner() {}

  static Autodiff.Split partition(Autodiff.Joint joint) { return partition(joint, false); }

  /**
   * With {@code remat}, saved values computed by pointwise ops are recomputed in backward from what they are
   * made of (inputs, constants, results of matmul/conv/reductions/random ops and of transcendental functions,
   * which are never recomputed)
   * whenever that saves fewer bytes in total, as AOTAutograd's partitioner does for cheap ops. The recomputed
   * chains fuse with the backward kernels that read them.
   */
  static Autodiff.Split partition(Autodiff.Joint joint, boolean remat) {
    Graph j = joint.graph();
    List<Node> nodes = j.nodes();
    int nF = joint.numForwardNodes(), nOut = joint.numForwardOutputs();
    Set<Value> forwardValues = Collections.newSetFromMap(new IdentityHashMap<>());
    int numFwdInputs = j.inputs().size() - countTrue(joint.outputTakesGrad());
    for (int i = 0; i < numFwdInputs; i++) forwardValues.add(j.inputs().get(i));
    Map<Value, Node> constantOf = new IdentityHashMap<>();
    for (int k = 0; k < nF; k++) {
      forwardValues.addAll(nodes.get(k).outputs());
      if (nodes.get(k).isConstant()) constantOf.put(nodes.get(k).output(), nodes.get(k));
    }

    // what the backward half reads from the forward half
    Set<Value> saved = new LinkedHashSet<>();
    Set<Node> copiedConstants = new LinkedHashSet<>();
    List<Value> gradOutputs = j.outputs().subList(nOut, j.outputs().size());
    for (int k = nF; k < nodes.size(); k++)
      for (Value v : nodes.get(k).inputs()) noteForwardUse(v, forwardValues, constantOf, saved, copiedConstants);
    for (Value v : gradOutputs) noteForwardUse(v, forwardValues, constantOf, saved, copiedConstants);
    long bytesSaved = bytes(saved);
    List<Node> recompute = new ArrayList<>();
    if (remat) {
      Set<Node> chain = new LinkedHashSet<>();
      Set<Value> leaves = new LinkedHashSet<>();
      Set<Node> leafConstants = new LinkedHashSet<>();
      for (Value v : saved) collect(v, forwardValues, constantOf, chain, leaves, leafConstants);
      if (!chain.isEmpty() && bytes(leaves) < bytesSaved) {
        saved = leaves;
        copiedConstants.addAll(leafConstants);
        for (int k = 0; k < nF; k++) if (chain.contains(nodes.get(k))) recompute.add(nodes.get(k));
      }
    }

    // forward graph: forward inputs -> outputs ++ saved
    GraphCopier f = new GraphCopier(j.name().replace("_joint", "") + "_forward");
    for (int i = 0; i < numFwdInputs; i++) {
      Value v = j.inputs().get(i);
      f.map.put(v, f.target.addInput(v.name(), v.type(), j.inputAttrs(i)));
    }
    for (int k = 0; k < nF; k++) f.copy(nodes.get(k));
    List<Value> fOuts = new ArrayList<>(j.outputs().subList(0, nOut));
    fOuts.addAll(saved);
    Graph forward = new DeadCodeElimination().run(f.finish(fOuts));

    // backward graph: saved ++ output grads -> input grads
    GraphCopier b = new GraphCopier(j.name().replace("_joint", "") + "_backward");
    for (Value v : saved) b.input(v);
    for (int i = numFwdInputs; i < j.inputs().size(); i++) b.input(j.inputs().get(i));
    for (Node c : copiedConstants) b.copy(c);
    for (Node r : recompute) b.copy(r);
    for (int k = nF; k < nodes.size(); k++) b.copy(nodes.get(k));
    Graph backward = new DeadCodeElimination().run(b.finish(gradOutputs));
    return new Autodiff.Split(Verifier.verify(forward), Verifier.verify(backward), saved.size(),
        Autodiff.copy(joint.outputTakesGrad()), Autodiff.copy(joint.inputHasGrad()), bytesSaved, bytes(saved));
  }

  private static void noteForwardUse(Value v, Set<Value> forwardValues, Map<Value, Node> constantOf, Set<Value> saved, Set<Node> consts) {
    if (!forwardValues.contains(v)) return;
    Node c = constantOf.get(v);
    if (c != null) consts.add(c);
    else saved.add(v);
  }

  /** Adds the pointwise chain computing {@code v} to {@code chain}, and what it starts from to {@code leaves}. */
  private static void collect(Value v, Set<Value> forwardValues, Map<Value, Node> constantOf, Set<Node> chain,
                              Set<Value> leaves, Set<Node> leafConstants) {
    Node p = v.producer();
    if (p == null || !forwardValues.contains(v)) { leaves.add(v); return; }
    if (constantOf.containsKey(v)) { leafConstants.add(p); return; }
    if (!Fusion.pointwise(p) || EXPENSIVE.contains(p.op()) || chain.size() >= MAX_RECOMPUTE) { leaves.add(v); return; }
    if (!chain.add(p)) return;
    for (Value in : p.inputs()) collect(in, forwardValues, constantOf, chain, leaves, leafConstants);
  }

  /**
   * Pointwise ops that cost more to recompute than their output costs to save and read back (transcendental
   * functions run tens of operations per element; a saved float is 8 bytes of traffic): their outputs are saved.
   */
  static final Set<dev.tcompile.ir.OpDef> EXPENSIVE = Set.of(
      dev.tcompile.ir.ops.Elementwise.unary(dev.tcompile.runtime.kernels.UnaryOp.EXP),
      dev.tcompile.ir.ops.Elementwise.unary(dev.tcompile.runtime.kernels.UnaryOp.LOG),
      dev.tcompile.ir.ops.Elementwise.unary(dev.tcompile.runtime.kernels.UnaryOp.TANH),
      dev.tcompile.ir.ops.Elementwise.unary(dev.tcompile.runtime.kernels.UnaryOp.SIGMOID),
      dev.tcompile.ir.ops.Elementwise.unary(dev.tcompile.runtime.kernels.UnaryOp.GELU),
      dev.tcompile.ir.ops.Elementwise.unary(dev.tcompile.runtime.kernels.UnaryOp.ERF),
      dev.tcompile.ir.ops.Elementwise.unary(dev.tcompile.runtime.kernels.UnaryOp.SIN),
      dev.tcompile.ir.ops.Elementwise.unary(dev.tcompile.runtime.kernels.UnaryOp.COS),
      dev.tcompile.ir.ops.Elementwise.unary(dev.tcompile.runtime.kernels.UnaryOp.LOG1P),
      dev.tcompile.ir.ops.Elementwise.unary(dev.tcompile.runtime.kernels.UnaryOp.EXPM1),
      dev.tcompile.ir.ops.Elementwise.POW, dev.tcompile.ir.ops.Elementwise.POW_SCALAR, dev.tcompile.ir.ops.GeluTanh.GELU_TANH);

  /** Recomputed nodes at most (a bound on backward's extra work). */
  static final int MAX_RECOMPUTE = 256;

  private static long bytes(Set<Value> vs) {
    long b = 0;
    for (Value v : vs) b += v.type().numel() * v.type().dtype().itemSize();
    return b;
  }

  private static int countTrue(boolean[] a) {
    int n = 0;
    for (boolean b : a) if (b) n++;
    return n;
  }
}
