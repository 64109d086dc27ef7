package dev.tcompile.passes;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.ir.ops.Convolution;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves a ReLU into the convolution that feeds it when nothing else reads the convolution's output: the conv kernel
 * applies bias and ReLU to each output tile while it is in cache ({@code conv2d {relu=true}}), instead of another
 * pass over memory. Runs after autodiff (the fused form has no derivative of its own).
 */
public final class Epilogues implements Pass {
  private final List<String> notes = new ArrayList<>();

  @Override public String name() { return "epilogue"; }

  @Override public List<String> notes() { return List.copyOf(notes); }

  @Override public Graph run(Graph g) {
    notes.clear();
    Map<Value, Integer> uses = Uses.count(g);
    Map<Node, Node> reluOf = new IdentityHashMap<>();
    Set<Node> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node n : g.nodes()) {
      if (n.isConstant() || n.op() != Elementwise.unary(UnaryOp.RELU)) continue;
      Node conv = n.inputs().get(0).producer();
      if (conv == null || conv.isConstant() || conv.op() != Convolution.CONV2D || conv.attrs().getBool("relu", false)) continue;
      if (uses.getOrDefault(conv.output(), 0) != 1) {
        notes.add("%" + n.output().name() + " (relu) stays apart from %" + conv.output().name() + " (conv2d): its output is read elsewhere");
        continue;
      }
      reluOf.put(conv, n);
      absorbed.add(n);
    }
    GraphCopier c = new GraphCopier(g.name()).withInputsOf(g);
    for (Node n : g.nodes()) {
      if (absorbed.contains(n)) continue;
      Node relu = reluOf.get(n);
      if (relu == null) { c.copy(n); continue; }
      List<Value> in = n.inputs().stream().map(c::get).toList();
      Value out = c.target.add(n.op(), n.attrs().with("relu", true), in, List.of(relu.output().name()), null)[0];
      c.map.put(relu.output(), out);
      notes.add("%" + relu.output().name() + ": relu fused into conv2d %" + n.output().name());
    }
    return Verifier.verify(c.finish(g.outputs()));
  }
}
