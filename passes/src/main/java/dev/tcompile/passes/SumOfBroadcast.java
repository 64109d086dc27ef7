package dev.tcompile.passes;

import dev.tcompile.DType;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.ir.ops.Reductions;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sum(expand(x))} over exactly the dims the expand broadcast is {@code x * count}: no [N, ...] tensor of
 * copies to read (autodiff writes this shape when a broadcast's gradient is itself a broadcast, e.g. of a loss's
 * scalar gradient). The product is rounded once, which is what the fused kernels' double-precision sums give for
 * equal terms; eager float32 sums may differ in the last place, so this is a kernel-level pass.
 */
public final class SumOfBroadcast implements Pass {
  private final List<String> notes = new ArrayList<>();

  @Override public String name() { return "sumbcast"; }

  @Override public List<String> notes() { return List.copyOf(notes); }

  @Override public Graph run(Graph g) {
    notes.clear();
    GraphCopier c = new GraphCopier(g.name()).withInputsOf(g);
    for (Node n : g.nodes()) {
      long count = n.isConstant() ? 0 : broadcastCount(n);
      if (count <= 0) { c.copy(n); continue; }
      Value x = c.get(n.inputs().get(0).producer().inputs().get(0));
      Value out = n.output();
      Value shaped = c.target.add(Views.RESHAPE, Attrs.of("shape", out.type().shape()), List.of(x), List.of(out.name() + "_x"), null)[0];
      Value k = c.target.constant(NDArray.scalar(DType.FLOAT32, count), out.name() + "_n");
      c.map.put(out, c.target.add(Elementwise.MUL, Attrs.EMPTY, List.of(shaped, k), List.of(out.name()), null)[0]);
      notes.add("%" + out.name() + " = sum of a broadcast is its value times " + count);
    }
    return notes.isEmpty() ? g : Verifier.verify(c.finish(g.outputs()));
  }

  /** How many copies {@code n} adds up, when it sums a float expand over exactly its broadcast dims; else 0. */
  private static long broadcastCount(Node n) {
    if (n.op() != Reductions.SUM || n.inputs().size() != 1) return 0;
    Node e = n.inputs().get(0).producer();
    if (e == null || e.isConstant() || e.op() != Views.EXPAND) return 0;
    Value x = e.inputs().get(0);
    if (x.type().dtype() != DType.FLOAT32 || n.output().type().dtype() != DType.FLOAT32) return 0;
    int[] big = e.output().type().shape(), small = x.type().shape();
    boolean[] summed = Reductions.reducedDims(n.attrs(), big.length);
    long count = 1;
    for (int d = 0; d < big.length; d++) {
      int s = d - (big.length - small.length);
      boolean broadcast = s < 0 ? true : small[s] == 1 && big[d] != 1;
      if (big[d] == 1) continue;   // size-1 dims are neither
      if (broadcast != summed[d]) return 0;
      if (broadcast) count *= big[d];
    }
    return count > 1 && count <= (1L << 24) ? count : 0;   // counts up to 2^24 are exact floats
  }
}
