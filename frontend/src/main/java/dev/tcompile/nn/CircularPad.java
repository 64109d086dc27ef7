package dev.tcompile.nn;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.ops.Padding;

/**
 * Circular padding as PyTorch 1.13's {@code _pad_circular} builds it when a gradient is recorded: the input copied
 * into the middle of a new tensor, then for each padded dim (the last first) the left and right borders copied from
 * the opposite side of the result, each a {@code copy_} into a slice (CopySlices of CopySlices and SliceBackward0; the
 * input's gradient under create_graph is SliceBackwardBackward0 of SliceBackwardBackward0). Copies are exact, so the
 * values are the pad op's; the gradient adds each border's gradient to the one of the elements it copies in that
 * order, PyTorch's. Without recording (no grad, inside a trace) padding stays the one pad op.
 */
final class CircularPad {
  private CircularPad() {}

  static Tensor pad(Tensor x, int[] pad) {
    Attrs attrs = Attrs.of("pad", pad, "mode", "circular", "value", 0.0);
    int[] outShape = Padding.PAD.infer(attrs, new TensorType(x.dtype(), x.shapeArray()))[0].shape(); // PyTorch's checks
    int[] in = x.shapeArray();
    int k = pad.length / 2;
    Tensor out = Torch.zeros(x.dtype(), outShape);
    Tensor outSlice = out, inSlice = x;
    for (int i = 0; i < k; i++) {
      int d = in.length - 1 - i, lo = pad[2 * i], hi = pad[2 * i + 1];
      outSlice = outSlice.slice(d, Math.max(lo, 0), outShape[d] - Math.max(hi, 0), 1);
      inSlice = inSlice.slice(d, Math.max(-lo, 0), in[d] - Math.max(-hi, 0), 1);
    }
    outSlice.copy_(inSlice);
    for (int i = 0; i < k; i++) {
      int d = in.length - 1 - i, lo = pad[2 * i], hi = pad[2 * i + 1], size = outShape[d];
      if (lo > 0) out.slice(d, 0, lo, 1).copy_(out.slice(d, size - lo - Math.max(hi, 0), size - Math.max(hi, 0), 1));
      if (hi > 0) out.slice(d, size - hi, size, 1).copy_(out.slice(d, Math.max(lo, 0), Math.max(lo, 0) + hi, 1));
    }
    return out;
  }
}
