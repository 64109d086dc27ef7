package dev.tcompile.passes;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import java.util.IdentityHashMap;
import java.util.Map;

/** How many times each value is read: by nodes, and once per appearance among the graph's outputs. */
final class Uses {
  private Uses() {}

  static Map<Value, Integer> count(Graph g) {
    Map<Value, Integer> uses = new IdentityHashMap<>();
    for (Node n : g.nodes()) for (Value in : n.inputs()) uses.merge(in, 1, Integer::sum);
    for (Value out : g.outputs()) uses.merge(out, 1, Integer::sum);
    return uses;
  }
}
