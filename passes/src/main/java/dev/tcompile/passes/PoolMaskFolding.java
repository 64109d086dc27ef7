package dev.tcompile.passes;

import dev.tcompile.DType;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.ir.ops.Pooling;
import dev.tcompile.runtime.kernels.BinaryOp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ReLU's backward mask moved through max pooling's backward to the pooled side:
 * {@code where(x > c, max_pool2d_backward(g, idx), 0)} with {@code (y, idx) = max_pool2d(x)} becomes
 * {@code max_pool2d_backward(where(y > c, g, 0), idx)}. Every gradient the pool backward sends to a position comes
 * from a window whose maximum {@code y} is the value {@code x} there, so the mask at that position is the mask of
 * the window's maximum: the same bits (a masked position gets a sum of zeros, +0, as the where gives), computed on
 * the pooled tensor (a quarter of the elements for 2x2 pooling), and the full-size masked gradient is written once
 * instead of twice. Needs the pooled values in the same graph (a whole train step, a joint graph); the scatter's
 * result must have no other reader.
 */
public final class PoolMaskFolding implements Pass {
  private final List<String> notes = new ArrayList<>();

  @Override public String name() { return "poolmask"; }

  @Override public List<String> notes() { return List.copyOf(notes); }

  @Override public Graph run(Graph g) {
    notes.clear();
    Map<Value, Integer> uses = Uses.count(g);
    Map<Node, Node> scatterOf = new IdentityHashMap<>();
    Set<Node> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node n : g.nodes()) {
      Node scatter = matches(n, uses);
      if (scatter == null) continue;
      scatterOf.put(n, scatter);
      absorbed.add(scatter);
    }
    if (scatterOf.isEmpty()) return g;
    GraphCopier c = new GraphCopier(g.name()).withInputsOf(g);
    for (Node n : g.nodes()) {
      if (absorbed.contains(n)) continue;
      Node scatter = scatterOf.get(n);
      if (scatter == null) { c.copy(n); continue; }
      Node mask = n.inputs().get(0).producer();
      Value idx = scatter.inputs().get(1), pooled = idx.producer().outputs().get(0), zero = n.inputs().get(2);
      String name = n.output().name();
      Value m = c.target.add(mask.op(), mask.attrs(), List.of(c.get(pooled), c.get(mask.inputs().get(1))), List.of(name + "_pm"), null)[0];
      Value w = c.target.add(Elementwise.WHERE, n.attrs(), List.of(m, c.get(scatter.inputs().get(0)), c.get(zero)), List.of(name + "_pg"), null)[0];
      Value out = c.target.add(Pooling.MAX_POOL2D_BACKWARD, scatter.attrs(), List.of(w, c.get(idx)), List.of(name), null)[0];
      c.map.put(n.output(), out);
      notes.add("%" + name + ": the mask of %" + mask.inputs().get(0).name() + " is applied to the pooled gradient before the scatter (%"
          + pooled.name() + " > constant)");
    }
    // the masks of the full-size tensors are dead now unless something else reads them
    return Verifier.verify(new DeadCodeElimination().run(c.finish(g.outputs())));
  }

  /** The max_pool2d_backward node the mask of {@code n} can move through, or null. */
  private static Node matches(Node n, Map<Value, Integer> uses) {
    if (n.isConstant() || n.op() != Elementwise.WHERE || n.output().type().dtype() != DType.FLOAT32) return null;
    Node mask = n.inputs().get(0).producer(), scatter = n.inputs().get(1).producer(), zero = n.inputs().get(2).producer();
    if (mask == null || scatter == null || zero == null || scatter.isConstant()) return null;
    if (mask.op() != Elementwise.binary(BinaryOp.GT) || scatter.op() != Pooling.MAX_POOL2D_BACKWARD) return null;
    if (!zero.isConstant() || zero.payload().numel() != 1 || Double.doubleToRawLongBits(zero.payload().getDouble(0)) != 0L) return null;
    Node bound = mask.inputs().get(1).producer();
    if (bound == null || !bound.isConstant() || bound.payload().numel() != 1) return null;
    if (uses.getOrDefault(scatter.output(), 0) != 1) return null;
    Value idx = scatter.inputs().get(1);
    Node pool = idx.producer();
    if (pool == null || pool.op() != Pooling.MAX_POOL2D || idx.index() != 1) return null;
    // the mask is of the pooling's own input, over the scatter's whole shape
    Value x = mask.inputs().get(0);
    if (pool.inputs().get(0) != x || !x.type().equals(scatter.output().type())) return null;
    return scatter;
  }
}
