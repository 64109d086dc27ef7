package dev.tcompile.passes;

import dev.tcompile.DType;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.ir.ops.Activations;
import dev.tcompile.ir.ops.FusedLosses;
import dev.tcompile.ir.ops.LossFunctions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The backward of the usual classification loss, {@code log_softmax_backward(nll_loss_backward(g, t), logp)},
 * becomes one kernel ({@code nll_log_softmax_backward}) when nothing else reads the [N, C] gradient of the loss:
 * it is never written to memory. Mean or sum reduction, no class weights, softmax over the last of two dims. The
 * fused kernel computes the pair's bits exactly. Runs after autodiff (the fused op has no derivative).
 */
public final class LossFusion implements Pass {
  private final List<String> notes = new ArrayList<>();

  @Override public String name() { return "loss"; }

  @Override public List<String> notes() { return List.copyOf(notes); }

  @Override public Graph run(Graph g) {
    notes.clear();
    Map<Value, Integer> uses = Uses.count(g);
    Map<Node, Node> lossGradOf = new IdentityHashMap<>();
    Set<Node> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Node n : g.nodes()) {
      Node nll = matches(n, uses);
      if (nll == null) continue;
      lossGradOf.put(n, nll);
      absorbed.add(nll);
    }
    if (lossGradOf.isEmpty()) return g;
    GraphCopier c = new GraphCopier(g.name()).withInputsOf(g);
    for (Node n : g.nodes()) {
      if (absorbed.contains(n)) continue;
      Node nll = lossGradOf.get(n);
      if (nll == null) { c.copy(n); continue; }
      Attrs a = Attrs.of("reduction", nll.attrs().getString("reduction"), "ignore_index", nll.attrs().getLong("ignore_index"));
      List<Value> in = List.of(c.get(nll.inputs().get(0)), c.get(nll.inputs().get(1)), c.get(n.inputs().get(1)));
      Value out = c.target.add(FusedLosses.NLL_LOG_SOFTMAX_BACKWARD, a, in, List.of(n.output().name()), null)[0];
      c.map.put(n.output(), out);
      notes.add("%" + n.output().name() + " = nll_log_softmax_backward: the loss's gradient %" + nll.output().name() + " is not materialised");
    }
    return Verifier.verify(c.finish(g.outputs()));
  }

  /** The nll_loss_backward feeding log_softmax_backward {@code n}, when the pair can be one kernel; else null. */
  private static Node matches(Node n, Map<Value, Integer> uses) {
    if (n.isConstant() || n.op() != Activations.LOG_SOFTMAX_BACKWARD) return null;
    Value logp = n.inputs().get(1);
    if (logp.type().dim() != 2 || logp.type().dtype() != DType.FLOAT32) return null;
    int dim = n.attrs().getInt("dim");
    if (dim != 1 && dim != -1) return null;
    Node nll = n.inputs().get(0).producer();
    if (nll == null || nll.isConstant() || nll.op() != LossFunctions.NLL_LOSS_BACKWARD || nll.inputs().size() != 2) return null;
    if (uses.getOrDefault(nll.output(), 0) != 1 || nll.attrs().getString("reduction").equals("none")) return null;
    Value grad = nll.inputs().get(0), target = nll.inputs().get(1);
    if (grad.type().numel() != 1 || target.type().dim() != 1) return null;
    return nll;
  }
}
