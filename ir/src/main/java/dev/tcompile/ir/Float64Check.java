package dev.tcompile.ir;

import dev.tcompile.DType;
import dev.tcompile.TorchException;

/**
 * The compiler's passes, memory plan and generated kernels compute in float32, int64 and bool only: a graph
 * with a float64 value is refused with a clear error instead of being compiled into float32 arithmetic.
 * float64 programs run eagerly.
 */
public final class Float64Check {
  private Float64Check() {}

  public static void reject(Graph g) {
    for (Value v : g.inputs()) check(g, v, "input");
    for (Node n : g.nodes())
      for (Value v : n.outputs()) check(g, v, n.isConstant() ? "constant" : n.op().name() + " result");
  }

  private static void check(Graph g, Value v, String what) {
    if (v.type().dtype() == DType.FLOAT64)
      throw new TorchException("Torch.compile: graph '" + g.name() + "' has a float64 " + what + " (" + v
          + "); the compiler supports float32, int64 and bool tensors only, so run float64 code eagerly "
          + "(or convert it with .toFloat())");
  }
}
