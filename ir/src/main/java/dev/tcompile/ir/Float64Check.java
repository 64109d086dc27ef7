package dev.tcompile.ir;

import dev.tcompile.DType;
import dev.tcompile.TorchException;

/**
 * Where float64 is not supported by the compiler: one-program train steps (their update rules compute in
 * float32). There a graph with a float64 value is refused with a clear error instead of being compiled into float32
 * arithmetic. {@code Torch.compile} and ahead-of-time jars run float64 graphs: the passes and generated kernels leave
 * non-float32 nodes to the ops' own (double) kernels.
 */
public final class Float64Check {
  private Float64Check() {}

  /** Throws when {@code g} has a float64 input, constant or result; {@code where} names the refusing stage. */
  public static void reject(Graph g, String where) {
    for (Value v : g.inputs()) check(g, v, "input", where);
    for (Node n : g.nodes())
      for (Value v : n.outputs()) check(g, v, n.isConstant() ? "constant" : n.op().name() + " result", where);
  }

  /** True when some value of {@code g} is float64. */
  public static boolean has(Graph g) {
    for (Value v : g.inputs()) if (v.type().dtype() == DType.FLOAT64) return true;
    for (Node n : g.nodes()) for (Value v : n.outputs()) if (v.type().dtype() == DType.FLOAT64) return true;
    return false;
  }

  private static void check(Graph g, Value v, String what, String where) {
    if (v.type().dtype() == DType.FLOAT64)
      throw new TorchException(where + ": graph '" + g.name() + "' has a float64 " + what + " (" + v + "); "
          + where + " supports float32, int64 and bool tensors only (Torch.compile runs float64 graphs)");
  }
}
