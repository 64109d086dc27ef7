package dev.tcompile.passes;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Drops every node no output depends on. Inputs stay (they are the graph's calling convention). */
public final class DeadCodeElimination implements Pass {
  @Override public String name() { return "dce"; }

  @Override public Graph run(Graph g) {
    Set<Value> live = Collections.newSetFromMap(new IdentityHashMap<>());
    live.addAll(g.outputs());
    List<Node> nodes = g.nodes();
    boolean[] keep = new boolean[nodes.size()];
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node n = nodes.get(i);
      for (Value v : n.outputs()) if (live.contains(v)) { keep[i] = true; break; }
      if (keep[i]) live.addAll(n.inputs());
    }
    GraphCopier c = new GraphCopier(g.name()).withInputsOf(g);
    for (int i = 0; i < nodes.size(); i++) if (keep[i]) c.copy(nodes.get(i));
    return Verifier.verify(c.finish(g.outputs()));
  }
}
