package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.ir.Algebra;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.Pointwise;

/**
 * {@code addcmul(self, t1, t2, value)} = self + value * t1 * t2 and {@code addcdiv} = self + value * t1 / t2
 * (AddcmulBackward0 / AddcdivBackward0), evaluated left to right in float32 as PyTorch's CPU kernel does.
 */
public final class Addc {
  private Addc() {}

  public static final OpDef ADDCMUL = new Op("addcmul", BinaryOp.MUL), ADDCDIV = new Op("addcdiv", BinaryOp.DIV);

  static final class Op extends OpDef {
    private final BinaryOp combine;

    Op(String name, BinaryOp combine) { super(name); this.combine = combine; }

    @Override public int arity() { return 3; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return i > 0; }

    private static DType dtype(TensorType... in) {
      DType d = DType.promote(DType.promote(in[0].dtype(), in[1].dtype()), in[2].dtype());
      return d;
    }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      int[] s = Shapes.broadcast(Shapes.broadcast(in[0].shape(), in[1].shape()), in[2].shape());
      DType d = dtype(in);
      if (combine == BinaryOp.DIV && !d.isFloatingPoint())
        throw new dev.tcompile.TorchException("Integer division with addcdiv is no longer supported, and in a future  "
            + "release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
            + "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            + "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
            + "implementation: (input + value * tensor1 / tensor2), for all dtypes.");
      return Elementwise.one(TensorType.of(d, s));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      DType d = dtype(TensorType.of(in[0].dtype(), in[0].shape()), TensorType.of(in[1].dtype(), in[1].shape()),
          TensorType.of(in[2].dtype(), in[2].shape()));
      NDArray scaled = Pointwise.binary(BinaryOp.MUL, NDArray.scalar(d, a.getDouble("value", 1.0)), in[1], d);
      if (combine == BinaryOp.MUL && d == DType.FLOAT32) return Elementwise.one(fusedMultiplyAdd(scaled, in[2], in[0]));
      if (combine == BinaryOp.MUL && d == DType.FLOAT64) // the double kernel contracts the same way
        return Elementwise.one(dev.tcompile.runtime.kernels.DoublePointwise.fma(scaled, in[2], in[0]));

      NDArray term = Pointwise.binary(combine, scaled, in[2], d);
      return Elementwise.one(Pointwise.binary(BinaryOp.ADD, in[0], term, d));
    }

    /** {@code a * b + c} rounded once, broadcast: PyTorch's compiled addcmul kernel contracts it into an FMA. */
    private static NDArray fusedMultiplyAdd(NDArray a, NDArray b, NDArray c) {
      int[] shape = Shapes.broadcast(Shapes.broadcast(a.shape(), b.shape()), c.shape());
      NDArray x = bcast(a, shape), y = bcast(b, shape), z = bcast(c, shape);
      NDArray out = NDArray.empty(DType.FLOAT32, shape);
      float[] o = out.floats();
      for (int i = 0; i < o.length; i++)
        o[i] = Math.fma((float) x.getDouble(i), (float) y.getDouble(i), (float) z.getDouble(i));
      return out;
    }

    private static NDArray bcast(NDArray t, int[] shape) {
      NDArray f = t.to(DType.FLOAT32);
      return f.view(shape, Shapes.broadcastStrides(f.shape(), f.strides(), shape), f.offset());
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T g = v.gradOut(0);
      double value = v.attrs().getDouble("value", 1.0);
      v.setGrad(0, A.sumTo(g, v.inShape(0)));
      T t1 = v.needsGrad(2) ? v.input(1) : null, t2 = v.input(2);
      if (combine == BinaryOp.MUL) {
        // PyTorch's grad * (tensor2 * value) and grad * (tensor1 * value)
        if (v.needsGrad(1)) v.setGrad(1, A.sumTo(A.mul(g, A.mul(t2, value)), v.inShape(1)));
        if (v.needsGrad(2)) v.setGrad(2, A.sumTo(A.mul(g, A.mul(t1, value)), v.inShape(2)));
      } else {
        // PyTorch's grad * (value / tensor2) and -grad * ((tensor1 * value) / (tensor2 * tensor2))
        if (v.needsGrad(1)) v.setGrad(1, A.sumTo(A.mul(g, A.div(A.scalarLike(value, t2), t2)), v.inShape(1)));
        if (v.needsGrad(2)) v.setGrad(2, A.sumTo(A.mul(A.neg(g), A.div(A.mul(t1, value), A.mul(t2, t2))), v.inShape(2)));
      }
    }
  }
}
