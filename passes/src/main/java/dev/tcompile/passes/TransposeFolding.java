package dev.tcompile.passes;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.ir.ops.LinearAlgebra;
import dev.tcompile.ir.ops.Views;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites {@code permute(mm(a, b), [1, 0])} as {@code mm(b^T, a^T)} when nothing else reads the product: the
 * transposed operands are free views (the GEMM reads either layout), while a transposed product is a strided
 * tensor every later kernel must gather (a product transposed by hand, or mm's gradient of a contiguous operand
 * transposed back to a column-major one's layout; a Linear layer's weight gradient is already {@code g^T x}, as
 * PyTorch's mm_mat2_backward computes it, since the graph builder folds the two transposes). Runs before
 * {@link Simplify}, which folds the resulting {@code permute(permute(v))} back to {@code v}. Not bit-exact with
 * the graph it rewrites (the GEMM may block the other shape differently); it is a kernel-level pass.
 */
public final class TransposeFolding implements Pass {
  private static final int[] SWAP = {1, 0};
  private final List<String> notes = new ArrayList<>();

  @Override public String name() { return "transpose"; }

  @Override public List<String> notes() { return List.copyOf(notes); }

  @Override public Graph run(Graph g) {
    notes.clear();
    Map<Value, Integer> uses = Uses.count(g);
    Map<Node, Node> productOf = new IdentityHashMap<>();
    for (Node n : g.nodes()) {
      Node mm = foldable(n);
      if (mm != null && uses.getOrDefault(mm.output(), 0) == 1) productOf.put(n, mm);
    }
    if (productOf.isEmpty()) return g;
    java.util.Set<Node> dropped = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    dropped.addAll(productOf.values());
    GraphCopier c = new GraphCopier(g.name()).withInputsOf(g);
    for (Node n : g.nodes()) {
      if (dropped.contains(n)) continue;
      Node mm = productOf.get(n);
      if (mm == null) { c.copy(n); continue; }
      Attrs swap = Attrs.EMPTY.with("dims", SWAP);
      Value bt = transpose(c, mm.inputs().get(1), swap), at = transpose(c, mm.inputs().get(0), swap);
      Value out = c.target.add(LinearAlgebra.MM, mm.attrs(), List.of(bt, at), List.of(n.output().name()), null)[0];
      c.map.put(n.output(), out);
      notes.add("%" + n.output().name() + " = mm(%" + mm.inputs().get(1).name() + "^T, %" + mm.inputs().get(0).name()
          + "^T) instead of the transposed product %" + mm.output().name());
    }
    return Verifier.verify(c.finish(g.outputs()));
  }

  private static Value transpose(GraphCopier c, Value old, Attrs swap) {
    return c.target.add(Views.PERMUTE, swap, List.of(c.get(old)), List.of(old.name() + "_t"), null)[0];
  }

  /** The mm node under a 2-d transpose {@code n}, or null. */
  private static Node foldable(Node n) {
    if (n.isConstant() || n.op() != Views.PERMUTE || !Arrays.equals(n.attrs().getInts("dims"), SWAP)) return null;
    Node p = n.inputs().get(0).producer();
    return p != null && !p.isConstant() && p.op() == LinearAlgebra.MM ? p : null;
  }
}
