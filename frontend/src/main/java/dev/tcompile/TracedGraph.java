package dev.tcompile;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A traced graph together with the outside tensors its captured inputs ({@code captured=true}) are bound to —
 * what {@link Torch#trace} returns, plus what is needed to save it as a self-contained model ({@link #frozen}).
 */
public record TracedGraph(Graph graph, Map<Value, Tensor> captured) {
  public TracedGraph {
    captured = Collections.unmodifiableMap(new LinkedHashMap<>(captured));
  }

  /** Traces {@code fn} on {@code examples} (see {@link Torch#trace}); a graph break is an error. */
  public static TracedGraph of(TensorFn fn, Tensor... examples) {
    Tracer t = new Tracer("fn");
    for (int i = 0; i < examples.length; i++) t.argument(examples[i], i);
    Tensor result;
    try {
      result = t.record(() -> fn.apply(examples));
    } catch (GraphBreak gb) {
      throw new TorchException("cannot trace: " + gb.getMessage());
    }
    t.finish(result);
    Map<Value, Tensor> captured = new LinkedHashMap<>();
    for (int i = 0; i < t.sources.size(); i++)
      if (t.sources.get(i) instanceof Tracer.Captured c) captured.put(t.graph.inputs().get(i), c.tensor());
    return new TracedGraph(Verifier.verify(t.graph), captured);
  }

  /**
   * The graph with each captured input replaced by a constant holding the tensor's current value, named by
   * {@code names} (a module's parameter or buffer name, say; null keeps the input's name): a model that needs
   * only its arguments.
   */
  public Graph frozen(Function<Tensor, String> names) {
    Graph g = new Graph(graph.name());
    Map<Value, Value> map = new IdentityHashMap<>();
    for (int i = 0; i < graph.inputs().size(); i++) {
      Value in = graph.inputs().get(i);
      if (!captured.containsKey(in)) map.put(in, g.addInput(in.name(), in.type(), graph.inputAttrs(i)));
    }
    for (Map.Entry<Value, Tensor> e : captured.entrySet()) {
      String name = names.apply(e.getValue());
      map.put(e.getKey(), g.constant(e.getValue().array().copy(), name != null ? name : e.getKey().name()));
    }
    for (Node n : graph.nodes()) {
      if (n.isConstant()) {
        map.put(n.output(), g.constant(n.payload(), n.output().name()));
        continue;
      }
      List<Value> in = new ArrayList<>();
      for (Value v : n.inputs()) in.add(map.get(v));
      Value[] outs = g.add(n.op(), n.attrs(), in, n.outputs().stream().map(Value::name).toList(), null);
      for (int i = 0; i < outs.length; i++) map.put(n.outputs().get(i), outs[i]);
    }
    List<Value> outs = new ArrayList<>();
    for (Value v : graph.outputs()) outs.add(map.get(v));
    g.setOutputs(outs);
    return Verifier.verify(g);
  }
}
