package dev.tcompile.passes;

import dev.tcompile.TorchException;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.runtime.NDArray;
import java.util.Arrays;

/**
 * Freezing: the graph with some of its inputs replaced by constants holding the given values (e.g. a module's
 * weights for inference), so later passes can fold what depends on them alone ({@link ConstantFolding}). The
 * caller guards the values (a version counter) and recompiles when they change.
 */
public final class InputsAsConstants {
  private InputsAsConstants() {}

  /** {@code values[i]} non-null: input i becomes a constant holding (a copy of) it. */
  public static Graph apply(Graph g, NDArray[] values) {
    if (values.length != g.inputs().size())
      throw new TorchException("freezing: " + values.length + " values for " + g.inputs().size() + " inputs of graph @" + g.name());
    GraphCopier c = new GraphCopier(g.name());
    for (int i = 0; i < values.length; i++) {
      Value v = g.inputs().get(i);
      if (values[i] == null) { c.map.put(v, c.target.addInput(v.name(), v.type(), g.inputAttrs(i))); continue; }
      if (values[i].dtype() != v.type().dtype() || !Arrays.equals(values[i].shape(), v.type().shape()))
        throw new TorchException("freezing: input %" + v.name() + " is " + v.type() + " but its value is "
            + dev.tcompile.ir.TensorType.of(values[i].dtype(), values[i].shape()));
      c.map.put(v, c.target.constant(values[i].contiguous().copy(), v.name()));
    }
    for (Node n : g.nodes()) c.copy(n);
    return Verifier.verify(c.finish(g.outputs()));
  }
}
