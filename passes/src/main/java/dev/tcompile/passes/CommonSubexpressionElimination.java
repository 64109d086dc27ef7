package dev.tcompile.passes;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges nodes that apply the same op with the same attributes to the same inputs, and constants with equal
 * data. Random ops are never merged (two draws are two draws).
 */
public final class CommonSubexpressionElimination implements Pass {
  @Override public String name() { return "cse"; }

  private record Key(OpDef op, Attrs attrs, List<Value> inputs) {
    @Override public boolean equals(Object o) {
      if (!(o instanceof Key k) || k.op != op || !k.attrs.equals(attrs) || k.inputs.size() != inputs.size()) return false;
      for (int i = 0; i < inputs.size(); i++) if (k.inputs.get(i) != inputs.get(i)) return false;
      return true;
    }

    @Override public int hashCode() {
      int h = op.hashCode() * 31 + attrs.hashCode();
      for (Value v : inputs) h = h * 31 + System.identityHashCode(v);
      return h;
    }
  }

  private record ConstKey(NDArray data) {
    @Override public boolean equals(Object o) {
      if (!(o instanceof ConstKey k) || k.data.dtype() != data.dtype() || !Arrays.equals(k.data.shape(), data.shape())) return false;
      for (int i = 0; i < data.numel(); i++) {
        if (Double.doubleToLongBits(data.getDouble(i)) != Double.doubleToLongBits(k.data.getDouble(i))) return false;
      }
      return true;
    }

    @Override public int hashCode() {
      int h = data.dtype().hashCode() * 31 + Arrays.hashCode(data.shape());
      for (int i = 0; i < Math.min(data.numel(), 64); i++) h = h * 31 + Double.hashCode(data.getDouble(i));
      return h;
    }
  }

  @Override public Graph run(Graph g) {
    GraphCopier c = new GraphCopier(g.name()).withInputsOf(g);
    Map<Key, Node> seen = new HashMap<>();
    Map<ConstKey, Value> consts = new HashMap<>();
    Map<Value, Value> alias = new IdentityHashMap<>();
    for (Node n : g.nodes()) {
      if (n.isConstant()) {
        Value prev = consts.get(new ConstKey(n.payload()));
        if (prev != null) { alias.put(n.output(), prev); c.map.put(n.output(), c.get(prev)); continue; }
        consts.put(new ConstKey(n.payload()), n.output());
        c.copy(n);
        continue;
      }
      List<Value> in = new ArrayList<>();
      for (Value v : n.inputs()) in.add(alias.getOrDefault(v, v));
      Key key = new Key(n.op(), n.attrs(), in);
      Node prev = n.op().isRandom() ? null : seen.get(key);
      if (prev != null) {
        for (int i = 0; i < n.outputs().size(); i++) {
          alias.put(n.outputs().get(i), prev.outputs().get(i));
          c.map.put(n.outputs().get(i), c.get(prev.outputs().get(i)));
        }
        continue;
      }
      seen.put(key, n);
      c.copy(n);
    }
    return Verifier.verify(c.finish(g.outputs()));
  }
}
