package dev.tcompile.ir;

import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a graph's nodes, in order, on any {@link Algebra}: on arrays it is the interpreter, on eager tensors it
 * records autograd (a differentiable compiled backward), on another graph it copies or inlines.
 */
public final class Replay {
  private Replay() {}

  /** Evaluates {@code g} with {@code inputs} bound to its inputs; returns its outputs. */
  public static <T> List<T> run(Graph g, List<T> inputs, Algebra<T> alg) {
    if (inputs.size() != g.inputs().size())
      throw new TorchException("graph @" + g.name() + " takes " + g.inputs().size() + " inputs but was given " + inputs.size());
    Map<Value, T> env = new IdentityHashMap<>();
    for (int i = 0; i < inputs.size(); i++) env.put(g.inputs().get(i), inputs.get(i));
    for (Node n : g.nodes()) {
      if (n.isConstant()) { env.put(n.output(), alg.constant(n.payload())); continue; }
      List<T> in = new ArrayList<>(n.inputs().size());
      for (Value v : n.inputs()) in.add(env.get(v));
      List<T> out = alg.apply(n.op(), n.attrs(), in);
      for (int i = 0; i < out.size(); i++) env.put(n.outputs().get(i), out.get(i));
    }
    List<T> outs = new ArrayList<>(g.outputs().size());
    for (Value v : g.outputs()) outs.add(env.get(v));
    return outs;
  }
}
