package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Algebra;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.kernels.IntMatmul;
import dev.tcompile.runtime.kernels.Matmul;

/** Matrix products: mm, bmm, mv, dot, addmm. {@code matmul} is decomposed into these by the frontend, as PyTorch does. */
public final class LinearAlgebra {
  private LinearAlgebra() {}

  public static final OpDef MM = new Mm(), BMM = new Bmm(), MV = new Mv(), DOT = new Dot(), ADDMM = new Addmm();

  abstract static class Product extends OpDef {
    Product(String name) { super(name); }
    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }

    /**
     * PyTorch's dtype rules for products, checked after the shapes: float32 and int64 are computed, bool is
     * not implemented ({@code kernel} names PyTorch's kernel), and mixed dtypes are refused. Returns the dtype.
     */
    static DType dtype(String kernel, TensorType a, TensorType b) {
      if (a.dtype() == DType.BOOL) throw new TorchException("\"" + kernel + "\" not implemented for 'Bool'");
      if (a.dtype() != b.dtype())
        throw new TorchException("expected scalar type " + a.dtype().legacyName() + " but found " + b.dtype().legacyName());
      return a.dtype();
    }

    static boolean integral(NDArray a) { return a.dtype() == DType.INT64; }
  }

  static final class Mm extends Product {
    Mm() { super("mm"); }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (in[0].dim() != 2) throw new TorchException("self must be a matrix");
      if (in[1].dim() != 2) throw new TorchException("mat2 must be a matrix");
      if (in[0].size(1) != in[1].size(0))
        throw new TorchException("mat1 and mat2 shapes cannot be multiplied (" + Shapes.xstr(in[0].shape()) + " and " + Shapes.xstr(in[1].shape()) + ")");
      return Elementwise.one(TensorType.of(dtype("addmm_impl_cpu_", in[0], in[1]), in[0].size(0), in[1].size(1)));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(integral(in[0]) ? IntMatmul.mm(in[0], in[1]) : Matmul.mm(in[0], in[1]));
    }

    @Override public boolean writesInto() { return true; }

    @Override public NDArray[] evalInto(Attrs a, NDArray[] out, NDArray... in) {
      if (out[0] == null || integral(in[0])) return eval(a, in);
      return Elementwise.one(Matmul.mm(in[0], in[1], out[0]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T g = v.gradOut(0);
      if (v.needsGrad(0)) v.setGrad(0, mat1Backward(A, g, v.input(0), v.input(1)));
      if (v.needsGrad(1)) v.setGrad(1, mat2Backward(A, g, v.input(0), v.input(1)));
    }
  }

  /**
   * PyTorch's mm_mat1_backward: {@code grad @ mat2^T}, or for a column-major mat1 its gradient in that layout,
   * {@code (mat2 @ grad^T)^T} (the same products; TBackward0 of MmBackward0 under create_graph).
   */
  static <T> T mat1Backward(Algebra<T> A, T g, T mat1, T mat2) {
    return A.columnMajor(mat1) ? A.mT(A.mm(mat2, A.mT(g))) : A.mm(g, A.mT(mat2));
  }

  /**
   * PyTorch's mm_mat2_backward: {@code mat1^T @ grad}, or for a column-major mat2 (a Linear layer's {@code w.t()})
   * its gradient in that layout, {@code (grad^T @ mat1)^T}.
   */
  static <T> T mat2Backward(Algebra<T> A, T g, T mat1, T mat2) {
    return A.columnMajor(mat2) ? A.mT(A.mm(A.mT(g), mat1)) : A.mm(A.mT(mat1), g);
  }

  static final class Bmm extends Product {
    Bmm() { super("bmm"); }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (in[0].dim() != 3) throw new TorchException("batch1 must be a 3D tensor");
      if (in[1].dim() != 3) throw new TorchException("batch2 must be a 3D tensor");
      if (in[0].size(0) != in[1].size(0) || in[0].size(2) != in[1].size(1))
        throw new TorchException("Expected size for first two dimensions of batch2 tensor to be: [" + in[0].size(0) + ", " + in[0].size(2)
            + "] but got: [" + in[1].size(0) + ", " + in[1].size(1) + "].");
      return Elementwise.one(TensorType.of(dtype("bmm", in[0], in[1]), in[0].size(0), in[0].size(1), in[1].size(2)));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(integral(in[0]) ? IntMatmul.bmm(in[0], in[1]) : Matmul.bmm(in[0], in[1]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T g = v.gradOut(0);
      if (v.needsGrad(0)) v.setGrad(0, A.bmm(g, A.mT(v.input(1))));
      if (v.needsGrad(1)) v.setGrad(1, A.bmm(A.mT(v.input(0)), g));
    }
  }

  static final class Mv extends Product {
    Mv() { super("mv"); }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (in[0].dim() != 2 || in[1].dim() != 1)
        throw new TorchException("vector + matrix @ vector expected, got 1, " + in[0].dim() + ", " + in[1].dim());
      if (in[0].size(1) != in[1].size(0))
        throw new TorchException("size mismatch, got " + in[0].size(0) + ", " + Shapes.xstr(in[0].shape()) + "," + in[1].size(0));
      return Elementwise.one(TensorType.of(dtype("addmv_impl_cpu", in[0], in[1]), in[0].size(0)));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(integral(in[0]) ? IntMatmul.mv(in[0], in[1]) : Matmul.mv(in[0], in[1]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T g = v.gradOut(0);
      int m = v.inShape(0)[0], k = v.inShape(0)[1];
      // PyTorch's grad.ger(vec): the column of gradients times the vector, one product per element as mm would give
      if (v.needsGrad(0)) v.setGrad(0, A.mul(A.reshape(g, m, 1), v.input(1)));
      if (v.needsGrad(1)) v.setGrad(1, A.op(MV, Attrs.EMPTY, A.mT(v.input(0)), g));
    }
  }

  static final class Dot extends Product {
    Dot() { super("dot"); }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (in[0].dim() != 1 || in[1].dim() != 1)
        throw new TorchException("1D tensors expected, but got " + in[0].dim() + "D and " + in[1].dim() + "D tensors");
      if (in[0].dtype() != in[1].dtype())
        throw new TorchException("dot : expected both vectors to have same dtype, but found " + in[0].dtype().legacyName() + " and "
            + in[1].dtype().legacyName());
      if (in[0].size(0) != in[1].size(0))
        throw new TorchException("inconsistent tensor size, expected tensor [" + in[0].size(0) + "] and src [" + in[1].size(0)
            + "] to have the same number of elements, but got " + in[0].size(0) + " and " + in[1].size(0) + " elements respectively");
      return Elementwise.one(TensorType.of(dtype("dot", in[0], in[1])));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(integral(in[0]) ? IntMatmul.dot(in[0], in[1]) : Matmul.dot(in[0], in[1]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T g = v.gradOut(0);
      if (v.needsGrad(0)) v.setGrad(0, A.mul(g, v.input(1)));   // PyTorch's grad * tensor
      if (v.needsGrad(1)) v.setGrad(1, A.mul(g, v.input(0)));
    }
  }

  /** bias + a @ b, bias broadcast to the product (AddmmBackward0: what nn.Linear records). */
  static final class Addmm extends OpDef {
    Addmm() { super("addmm"); }
    @Override public int arity() { return 3; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return i > 0; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      TensorType out = MM.infer(a, in[1], in[2])[0];
      Shapes.broadcastStrides(in[0].shape(), Shapes.contiguousStrides(in[0].shape()), out.shape());
      return Elementwise.one(out);
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) { return Elementwise.one(Matmul.addmm(in[0], in[1], in[2])); }

    @Override public boolean writesInto() { return true; }

    @Override public NDArray[] evalInto(Attrs a, NDArray[] out, NDArray... in) {
      return Elementwise.one(Matmul.addmm(in[0], in[1], in[2], out[0]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T g = v.gradOut(0);
      if (v.needsGrad(0)) v.setGrad(0, A.sumTo(g, v.inShape(0)));
      if (v.needsGrad(1)) v.setGrad(1, mat1Backward(A, g, v.input(1), v.input(2)));
      if (v.needsGrad(2)) v.setGrad(2, mat2Backward(A, g, v.input(1), v.input(2)));
    }
  }
}
