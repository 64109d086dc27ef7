package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.kernels.DoublePad;
import dev.tcompile.runtime.kernels.Pad;

/**
 * {@code F.pad}: attributes {@code pad} ((before, after) pairs from the last dim), {@code mode} (constant,
 * reflect, replicate, circular) and {@code value} (constant mode). Constant padding's derivative is constant
 * padding by the negated amounts (a crop); the other modes' is {@code pad_backward}, whose own derivative is the
 * padding again.
 */
public final class Padding {
  private Padding() {}

  public static final OpDef PAD = new Forward(), PAD_BACKWARD = new Backward();

  static Pad.Mode mode(Attrs a) { return Pad.Mode.of(a.getString("mode")); }

  static int[] negated(int[] pad) {
    int[] n = new int[pad.length];
    for (int i = 0; i < pad.length; i++) n[i] = -pad[i];
    return n;
  }

  /** PyTorch's checks of {@code F.pad}'s arguments; returns the padded shape. */
  static int[] padded(Attrs a, int[] in) {
    int[] pad = a.getInts("pad");
    Pad.Mode mode = mode(a);
    if (pad.length % 2 != 0) throw new TorchException("Padding length must be divisible by 2");
    int k = pad.length / 2;
    if (mode == Pad.Mode.CONSTANT) {
      if (k > in.length) throw new TorchException("Padding length too large");
    } else {
      if (k < 1 || k > 3 || (in.length != k + 1 && in.length != k + 2))
        throw new TorchException("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
      for (int i = 0; i < k; i++) {
        int d = in.length - 1 - i, lo = pad[2 * i], hi = pad[2 * i + 1];
        if (mode == Pad.Mode.REFLECT && (lo >= in[d] || hi >= in[d]))
          throw new TorchException("Argument #4: Padding size should be less than the corresponding input dimension, but got: padding ("
              + lo + ", " + hi + ") at dimension " + d + " of input " + in.length);
        if (mode == Pad.Mode.CIRCULAR && (lo > in[d] || hi > in[d]))
          throw new TorchException("Padding value causes wrapping around more than once.");
        if (lo < 0 || hi < 0) throw new TorchException("negative padding is only supported in constant mode, got " + Shapes.str(pad));
      }
    }
    int[] out = Pad.outShape(in, pad);
    for (int i = 0; i < k; i++) {
      int d = in.length - 1 - i;
      if (out[d] < 0)
        throw new TorchException("The input size " + in[d] + ", plus negative padding " + pad[2 * i] + " and " + pad[2 * i + 1]
            + " resulted in a negative output size, which is invalid. Check dimension " + d + " of your input.");
    }
    return out;
  }

  static final class Forward extends OpDef {
    Forward() { super("pad"); }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }

    @Override public String gradFnName(Attrs a) {
      int k = a.getInts("pad").length / 2;
      return switch (mode(a)) {
        case CONSTANT -> "ConstantPadNdBackward0";
        case REFLECT -> "ReflectionPad" + k + "DBackward0";
        case REPLICATE -> "ReplicationPad" + k + "DBackward0";
        case CIRCULAR -> "torch::autograd::CopySlices";
      };
    }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      int[] out = padded(a, in[0].shape());
      if (in[0].dtype() != DType.FLOAT32 && in[0].dtype() != DType.FLOAT64)
        throw new TorchException("pad: only float32 and float64 tensors are supported, got " + in[0].dtype());
      return Elementwise.one(in[0].withShape(out));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      int[] pad = a.getInts("pad");
      double value = a.getDouble("value", 0);
      return Elementwise.one(in[0].dtype() == DType.FLOAT64 ? DoublePad.forward(in[0], pad, mode(a), value) : Pad.forward(in[0], pad, mode(a), value));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Attrs a = v.attrs();
      int[] pad = a.getInts("pad");
      if (mode(a) == Pad.Mode.CONSTANT)
        v.setGrad(0, v.alg().op(PAD, Attrs.of("pad", negated(pad), "mode", "constant", "value", 0.0), v.gradOut(0)));
      else
        v.setGrad(0, v.alg().op(PAD_BACKWARD, Attrs.of("pad", pad, "mode", a.getString("mode"), "input_shape", v.inShape(0)), v.gradOut(0)));
    }
  }

  /** Input: the padded output's gradient; attribute {@code input_shape}. */
  static final class Backward extends OpDef {
    Backward() { super("pad_backward"); }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      int[] xs = a.getInts("input_shape");
      if (!Shapes.equal(Pad.outShape(xs, a.getInts("pad")), in[0].shape()))
        throw new TorchException("pad_backward: gradient of size " + Shapes.str(in[0].shape()) + " does not match the padded input "
            + Shapes.str(Pad.outShape(xs, a.getInts("pad"))));
      return Elementwise.one(TensorType.of(in[0].dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32, xs));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      int[] pad = a.getInts("pad"), xs = a.getInts("input_shape");
      return Elementwise.one(in[0].dtype() == DType.FLOAT64 ? DoublePad.backward(in[0], pad, mode(a), xs) : Pad.backward(in[0], pad, mode(a), xs));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Attrs a = v.attrs();
      v.setGrad(0, v.alg().op(PAD, Attrs.of("pad", a.getInts("pad"), "mode", a.getString("mode"), "value", 0.0), v.gradOut(0)));
    }
  }
}
