package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.DoublePointwise;
import dev.tcompile.runtime.kernels.Reduce;
import dev.tcompile.runtime.kernels.UnaryOp;

/** The p-norm kernel of {@link Reductions#NORM} for float64 inputs (finite p; infinite p reduces |x| directly). */
final class DoubleNorm {
  private DoubleNorm() {}

  static NDArray norm(NDArray x, double p, boolean[] mask, boolean keepdim) {
    NDArray ax = DoublePointwise.unary(UnaryOp.ABS, x);
    if (p == 0) {
      NDArray nz = DoublePointwise.binary(BinaryOp.NE, ax, NDArray.scalar(DType.FLOAT64, 0)).to(DType.FLOAT64);
      return Reduce.reduce(Reduce.Kind.SUM, nz, mask, keepdim);
    }
    NDArray powered = p == 1 ? ax : DoublePointwise.map(ax, v -> p == 2 ? v * v : Math.pow(v, p));
    NDArray sums = Reduce.reduce(Reduce.Kind.SUM, powered, mask, keepdim);
    if (p == 1) return sums;
    return DoublePointwise.map(sums, s -> p == 2 ? Math.sqrt(s) : Math.pow(s, 1.0 / p));
  }
}
