package dev.tcompile.fuzz;

import dev.tcompile.GradGuard;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.fuzz.Program.Leaf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A program's inputs for one run. Arguments are fresh tensors every run (a transposed view's history is used
 * once); captured tensors are the same objects for the program's whole life, as a model's parameters are, and a
 * new set of values is copied into them in place (under no_grad, as an optimiser step does).
 */
final class Inputs {
  final Tensor[] args;
  /** The tensors whose gradients are compared: the leaves that require grad (a transposed view's base). */
  final Tensor[] gradTargets;
  /** Every input as the program sees it (arguments and captured tensors). */
  final List<Tensor> seen;

  private Inputs(Tensor[] args, Tensor[] gradTargets, List<Tensor> seen) {
    this.args = args;
    this.gradTargets = gradTargets;
    this.seen = seen;
  }

  /**
   * Materializes the leaves for {@code valueSeed}; {@code captured} (one slot per leaf) is filled or updated in
   * place. With {@code aliased}, an argument leaf with {@code sameAs} is passed as that earlier argument's tensor.
   */
  static Inputs load(Program p, Tensor[] captured, long valueSeed, boolean aliased) {
    List<Tensor> args = new ArrayList<>(), targets = new ArrayList<>(), seen = new ArrayList<>();
    Map<Integer, Tensor> byNode = new HashMap<>();
    int i = -1;
    for (int node = 0; node < p.nodes().size(); node++) {
      if (!(p.nodes().get(node) instanceof Leaf l)) continue;
      i++;
      if (aliased && l.sameAs() >= 0) {
        Tensor same = byNode.get(l.sameAs());
        args.add(same);
        seen.add(same);
        byNode.put(node, same);
        continue; // its gradient is the earlier argument's, already compared
      }
      Tensor[] t = l.materialize(valueSeed, i);
      byNode.put(node, t[0]);
      if (l.captured()) {
        if (captured[i] == null) captured[i] = t[0];
        else try (GradGuard g = Torch.noGrad()) { captured[i].copy_(t[0]); }
        if (l.requiresGrad()) targets.add(captured[i]);
        seen.add(captured[i]);
      } else {
        args.add(t[0]);
        if (l.requiresGrad()) targets.add(t[1]);
        seen.add(t[0]);
      }
    }
    return new Inputs(args.toArray(new Tensor[0]), targets.toArray(new Tensor[0]), seen);
  }
}
