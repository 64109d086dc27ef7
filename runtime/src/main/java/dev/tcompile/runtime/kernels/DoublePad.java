package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/**
 * {@link Pad}'s padding in float64: the same per-dim source maps and walk, copying doubles (the constant is used
 * at full precision). The backward adds each output gradient to the element it read, in row-major output order.
 */
public final class DoublePad {
  private DoublePad() {}

  public static NDArray forward(NDArray x, int[] pad, Pad.Mode mode, double value) {
    int[] in = x.shape(), out = Pad.outShape(in, pad);
    NDArray r = NDArray.empty(DType.FLOAT64, out);
    if (r.numel() == 0) return r;
    double[] src = x.to(DType.FLOAT64).dense().doubles(), dst = r.doubles();
    Pad.walk(Pad.maps(in, out, pad, mode), Shapes.contiguousStrides(in), out, (o, s) -> dst[o] = s < 0 ? value : src[s]);
    return r;
  }

  public static NDArray backward(NDArray gradOut, int[] pad, Pad.Mode mode, int[] inputShape) {
    int[] out = Pad.outShape(inputShape, pad);
    NDArray gi = NDArray.empty(DType.FLOAT64, inputShape);
    if (gradOut.numel() == 0) return gi;
    double[] g = gradOut.to(DType.FLOAT64).dense().doubles(), dst = gi.doubles();
    Pad.walk(Pad.maps(inputShape, out, pad, mode), Shapes.contiguousStrides(inputShape), out, (o, s) -> { if (s >= 0) dst[s] += g[o]; });
    return gi;
  }
}
