package dev.tcompile.passes;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Copies selected nodes of a graph into a new one, keeping names, mapping old values to new. */
final class GraphCopier {
  final Graph target;
  final Map<Value, Value> map = new IdentityHashMap<>();

  GraphCopier(String name) { target = new Graph(name); }

  /** Adds every input of {@code src} as an input of the copy (same names and attributes). */
  GraphCopier withInputsOf(Graph src) {
    for (int i = 0; i < src.inputs().size(); i++) {
      Value v = src.inputs().get(i);
      map.put(v, target.addInput(v.name(), v.type(), src.inputAttrs(i)));
    }
    return this;
  }

  Value input(Value old) {
    Value v = target.addInput(old.name(), old.type());
    map.put(old, v);
    return v;
  }

  void copy(Node n) {
    if (n.isConstant()) {
      map.put(n.output(), target.constant(n.payload(), n.output().name()));
      return;
    }
    List<Value> in = new ArrayList<>();
    for (Value v : n.inputs()) in.add(map.get(v));
    List<String> names = n.outputs().stream().map(Value::name).toList();
    Value[] outs = target.add(n.op(), n.attrs(), in, names, null);
    for (int i = 0; i < outs.length; i++) map.put(n.outputs().get(i), outs[i]);
  }

  Value get(Value old) { return map.get(old); }

  Graph finish(List<Value> oldOutputs) {
    List<Value> outs = new ArrayList<>();
    for (Value v : oldOutputs) outs.add(map.get(v));
    target.setOutputs(outs);
    return target;
  }
}
