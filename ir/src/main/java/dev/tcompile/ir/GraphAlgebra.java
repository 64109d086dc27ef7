package dev.tcompile.ir;

import dev.tcompile.runtime.NDArray;
import java.util.Arrays;
import java.util.List;

/** Derivative rules (and replays) that append to a graph instead of computing: the compiler's {@link Algebra}. */
public final class GraphAlgebra extends Algebra<Value> {
  private final Graph graph;

  public GraphAlgebra(Graph graph) { this.graph = graph; }

  public Graph graph() { return graph; }

  @Override public List<Value> apply(OpDef op, Attrs attrs, List<Value> inputs) {
    return Arrays.asList(graph.add(op, attrs, inputs, null, null));
  }

  @Override public TensorType type(Value x) { return x.type(); }

  @Override public Value constant(NDArray data) { return graph.constant(data); }
}
