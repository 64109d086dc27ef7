package dev.tcompile.passes;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates at compile time every node whose inputs are all constants, with the op's own kernel (the value the
 * program would compute), and puts the result in the graph as a dense constant. With frozen weights
 * ({@link InputsAsConstants}) this pre-transposes Linear weights and precomputes whatever depends on weights
 * alone. Not folded: random ops, ops without inputs (cheap to recompute, and a {@code full} may be large), and
 * results larger than their largest input beyond a small size (an {@code expand} would materialise a broadcast).
 */
public final class ConstantFolding implements Pass {
  /** Results up to this many elements may be larger than their inputs. */
  static final long SMALL = 4096;
  private final List<String> notes = new ArrayList<>();

  @Override public String name() { return "fold"; }

  @Override public List<String> notes() { return List.copyOf(notes); }

  @Override public Graph run(Graph g) {
    notes.clear();
    GraphCopier c = new GraphCopier(g.name()).withInputsOf(g);
    for (Node n : g.nodes()) {
      if (!foldable(n)) { c.copy(n); continue; }
      NDArray[] args = new NDArray[n.inputs().size()];
      for (int i = 0; i < args.length; i++) args[i] = c.get(n.inputs().get(i)).producer().payload();
      NDArray[] out = n.op().eval(n.attrs(), args);
      for (int o = 0; o < out.length; o++) {
        Value v = n.outputs().get(o);
        // a view of a constant becomes its own dense copy: the folded value must not alias another constant
        c.map.put(v, c.target.constant(out[o].copy(), v.name()));
      }
      notes.add("%" + n.output().name() + " = " + n.op().name() + "(...) folded to a constant");
    }
    Graph folded = c.finish(g.outputs());
    return notes.isEmpty() ? g : Verifier.verify(folded);
  }

  private static boolean foldable(Node n) {
    if (n.isConstant() || n.inputs().isEmpty() || n.op().isRandom()) return false;
    long largestInput = 0;
    for (Value in : n.inputs()) {
      Node p = in.producer();
      if (p == null || !p.isConstant()) return false;
      largestInput = Math.max(largestInput, in.type().numel());
    }
    for (Value out : n.outputs()) if (out.type().numel() > Math.max(largestInput, SMALL)) return false;
    return true;
  }
}
