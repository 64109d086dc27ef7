package dev.tcompile.ir.ops;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.Vjp;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.PointwiseOps;
import dev.tcompile.ir.TensorType;
import dev.tcompile.runtime.NDArray;

/** Ops without tensor inputs. */
public final class Creation {
  private Creation() {}

  /** full(shape, value, dtype): a tensor of one value (zeros and ones are its special cases). */
  public static final OpDef FULL = new OpDef("full") {
    @Override public int arity() { return 0; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      return Elementwise.one(TensorType.of(a.getDType("dtype"), a.getInts("shape")));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(NDArray.full(a.getDType("dtype"), a.getDouble("value"), a.getInts("shape")));
    }

    @Override public boolean hasBody(Attrs a, TensorType... in) { return Elementwise.floatOrBool(TensorType.of(a.getDType("dtype"))); }
    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, java.util.List<E> in) { return ops.constant(a.getDouble("value"), a.getDType("dtype")); }
  };

  /** full_like(x, value): x's shape and dtype, every element {@code value}; zero derivative (fill_, zero_). */
  public static final OpDef FULL_LIKE = new OpDef("full_like") {
    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public String gradFnName(Attrs a) { return "FillBackward2"; } // fill_(Scalar) in PyTorch 1.13
    @Override public TensorType[] infer(Attrs a, TensorType... in) { checkArity(in); return Elementwise.one(in[0]); }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(NDArray.full(in[0].dtype(), a.getDouble("value"), in[0].shape()));
    }

    @Override public boolean hasBody(Attrs a, TensorType... in) { return in.length == 1 && Elementwise.floatOrBool(in); }
    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, java.util.List<E> in) { return ops.constant(a.getDouble("value"), ops.dtype(in.get(0))); }

    @Override public <T> void vjp(Vjp<T> v) { v.setGrad(0, v.alg().zeros(v.inType(0))); }
  };

  /**
   * copy(dst, src): src broadcast to dst's shape and converted to dst's dtype — what {@code dst.copy_(src)}
   * writes. The gradient goes to src only; dst's old value is overwritten (CopyBackwards).
   */
  public static final OpDef COPY = new OpDef("copy") {
    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public String gradFnName(Attrs a) { return "CopyBackwards"; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      dev.tcompile.runtime.Shapes.broadcastStrides(in[1].shape(), dev.tcompile.runtime.Shapes.contiguousStrides(in[1].shape()), in[0].shape());
      return Elementwise.one(in[0]);
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      NDArray out = NDArray.empty(in[0].dtype(), in[0].shape());
      out.copyFrom(in[1]);
      return Elementwise.one(out);
    }

    @Override public <T> void vjp(Vjp<T> v) {
      v.setGrad(0, v.alg().zeros(v.inType(0)));
      if (v.needsGrad(1) && v.inType(1).dtype().isFloatingPoint())
        v.setGrad(1, v.alg().cast(v.alg().sumTo(v.gradOut(0), v.inShape(1)), v.inType(1).dtype()));
    }
  };
}
