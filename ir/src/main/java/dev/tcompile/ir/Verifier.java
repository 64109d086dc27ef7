package dev.tcompile.ir;

import dev.tcompile.TorchException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Re-checks a graph from scratch: every input of a node is defined before it, every node's output types equal
 * its op's shape rule, outputs are defined. Passes run it on what they return (DESIGN.md principle 2).
 */
public final class Verifier {
  private Verifier() {}

  public static Graph verify(Graph g) {
    Set<Value> defined = Collections.newSetFromMap(new IdentityHashMap<>());
    defined.addAll(g.inputs());
    int i = 0;
    for (Node n : g.nodes()) {
      for (Value v : n.inputs())
        if (!defined.contains(v)) throw fail(g, i, n, "uses %" + v.name() + " before it is defined");
      if (n.op() instanceof FusedOp f) {
        try { verify(f.body()); } catch (TorchException e) { throw fail(g, i, n, "in its body: " + e.getMessage()); }
      }
      if (!n.isConstant()) {
        if (n.op().arity() >= 0 && n.inputs().size() != n.op().arity())
          throw fail(g, i, n, n.op().name() + " takes " + n.op().arity() + " inputs but has " + n.inputs().size());
        TensorType[] in = n.inputs().stream().map(Value::type).toArray(TensorType[]::new);
        TensorType[] out;
        try { out = n.op().infer(n.attrs(), in); } catch (TorchException e) { throw fail(g, i, n, e.getMessage()); }
        if (out.length != n.outputs().size()) throw fail(g, i, n, "has " + n.outputs().size() + " outputs but the op gives " + out.length);
        for (int k = 0; k < out.length; k++)
          if (!out[k].equals(n.outputs().get(k).type()))
            throw fail(g, i, n, "output " + k + " is typed " + n.outputs().get(k).type() + " but the op gives " + out[k]);
      } else if (!n.output().type().equals(TensorType.of(n.payload().dtype(), n.payload().shape()))) {
        throw fail(g, i, n, "constant data does not match its type");
      }
      for (Value v : n.outputs()) if (!defined.add(v)) throw fail(g, i, n, "redefines %" + v.name());
      i++;
    }
    for (Value v : g.outputs()) if (!defined.contains(v)) throw new TorchException("graph @" + g.name() + " returns undefined %" + v.name());
    return g;
  }

  private static TorchException fail(Graph g, int index, Node n, String msg) {
    return new TorchException("graph @" + g.name() + ", node " + index + " (" + GraphPrinter.node(n) + "): " + msg);
  }
}
