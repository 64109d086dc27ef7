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
import java.util.ArrayList;
import java.util.List;

/** Index-driven ops: index_select, gather and their scatter-add derivatives; cat and stack. */
public final class Indexing {
  private Indexing() {}

  public static final OpDef INDEX_SELECT = new IndexSelect(), INDEX_SELECT_BACKWARD = new IndexSelectBackward(),
      GATHER = new Gather(), SCATTER_ADD = new ScatterAdd(), CAT = new Cat(), STACK = new Stack();

  static void checkIndex(String op, TensorType idx) {
    if (idx.dtype() != DType.INT64)
      throw new TorchException(op + "(): Expected dtype int64 for index");
  }

  /** x.index_select(dim, idx) with a 1-D int64 idx (IndexSelectBackward0). */
  static final class IndexSelect extends OpDef {
    IndexSelect() { super("index_select"); }
    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return i == 0; }
    @Override public boolean savesInput(Attrs a, int i) { return i == 1; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (in[1].dtype() != DType.INT64) throw new TorchException("index_select(): Expected dtype int32 or int64 for index");
      if (in[1].dim() > 1) throw new TorchException("index_select(): Index is supposed to be a vector");
      int[] s = in[0].shape().clone();
      if (s.length > 0) s[Shapes.wrapDim(a.getInt("dim"), s.length)] = (int) in[1].numel();
      return Elementwise.one(in[0].withShape(s));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(dev.tcompile.runtime.kernels.Indexing.indexSelect(in[0], Shapes.wrapDim(a.getInt("dim"), in[0].dim()), in[1]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      v.setGrad(0, v.alg().op(INDEX_SELECT_BACKWARD, v.attrs().with("shape", v.inShape(0)), v.gradOut(0), v.input(1)));
    }
  }

  /** zeros(shape).index_add(dim, idx, g). */
  static final class IndexSelectBackward extends OpDef {
    IndexSelectBackward() { super("index_select_backward"); }
    @Override public int arity() { return 2; }
    /** PyTorch's index_select backward is index_add into zeros. */
    @Override public String gradFnName(Attrs a) { return "IndexAddBackward0"; }
    @Override public boolean differentiable(int i) { return i == 0; }
    @Override public boolean savesInput(Attrs a, int i) { return i == 1; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      return Elementwise.one(TensorType.of(in[0].dtype().floatResult(), a.getInts("shape")));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      int[] shape = a.getInts("shape");
      return Elementwise.one(dev.tcompile.runtime.kernels.Indexing.indexAdd(shape, Shapes.wrapDim(a.getInt("dim"), shape.length), in[1], in[0]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      v.setGrad(0, v.alg().op(INDEX_SELECT, Attrs.of("dim", v.attrs().getInt("dim")), v.gradOut(0), v.input(1)));
    }
  }

  /** x.gather(dim, idx) (GatherBackward0). */
  static final class Gather extends OpDef {
    Gather() { super("gather"); }
    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return i == 0; }
    @Override public boolean savesInput(Attrs a, int i) { return i == 1; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      checkIndex("gather", in[1]);
      Shapes.wrapDim(a.getInt("dim"), in[0].dim());
      return Elementwise.one(TensorType.of(in[0].dtype(), in[1].shape()));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(dev.tcompile.runtime.kernels.Indexing.gather(in[0], Shapes.wrapDim(a.getInt("dim"), in[0].dim()), in[1]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      int dim = Shapes.wrapDim(v.attrs().getInt("dim"), v.inType(0).dim());
      v.setGrad(0, v.alg().op(SCATTER_ADD, Attrs.of("shape", v.inShape(0), "dim", dim), v.input(1), v.gradOut(0)));
    }
  }

  /** zeros(shape).scatter_add(dim, idx, src): inputs (idx, src). */
  static final class ScatterAdd extends OpDef {
    ScatterAdd() { super("scatter_add"); }
    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return i == 1; }
    @Override public boolean savesInput(Attrs a, int i) { return i == 0; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      checkIndex("scatter_add", in[0]);
      return Elementwise.one(TensorType.of(in[1].dtype().floatResult(), a.getInts("shape")));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      int[] shape = a.getInts("shape");
      return Elementwise.one(dev.tcompile.runtime.kernels.Indexing.scatterAdd(shape, Shapes.wrapDim(a.getInt("dim"), shape.length), in[0], in[1]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      v.setGrad(1, v.alg().op(GATHER, Attrs.of("dim", v.attrs().getInt("dim")), v.gradOut(0), v.input(0)));
    }
  }

  /** torch.cat(tensors, dim) (CatBackward0). */
  static final class Cat extends OpDef {
    Cat() { super("cat"); }
    @Override public int arity() { return -1; }
    @Override public boolean differentiable(int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      if (in.length == 0) throw new TorchException("torch.cat(): expected a non-empty list of Tensors");
      TensorType ref = null;
      for (TensorType t : in) if (!(t.dim() == 1 && t.numel() == 0)) { ref = t; break; }
      DType dt = in[0].dtype();
      for (TensorType t : in) dt = DType.promote(dt, t.dtype());
      if (ref == null) return Elementwise.one(TensorType.of(dt, 0));
      if (ref.dim() == 0) throw new TorchException("zero-dimensional tensor (at position 0) cannot be concatenated");
      int dim = Shapes.wrapDim(a.getInt("dim"), ref.dim());
      int total = 0;
      for (int i = 0; i < in.length; i++) {
        TensorType t = in[i];
        if (t.dim() == 1 && t.numel() == 0) continue;
        if (t.dim() != ref.dim())
          throw new TorchException("Tensors must have same number of dimensions: got " + ref.dim() + " and " + t.dim());
        for (int d = 0; d < t.dim(); d++)
          if (d != dim && t.size(d) != ref.size(d))
            throw new TorchException("Sizes of tensors must match except in dimension " + dim + ". Expected size " + ref.size(d)
                + " but got size " + t.size(d) + " for tensor number " + i + " in the list.");
        total += t.size(dim);
      }
      int[] s = ref.shape().clone();
      s[dim] = total;
      return Elementwise.one(TensorType.of(dt, s));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      TensorType[] ts = new TensorType[in.length];
      for (int i = 0; i < in.length; i++) ts[i] = TensorType.of(in[i].dtype(), in[i].shape());
      TensorType out = infer(a, ts)[0];
      if (out.numel() == 0) return Elementwise.one(NDArray.empty(out.dtype(), out.shape()));
      int dim = Shapes.wrapDim(a.getInt("dim"), out.dim());
      return Elementwise.one(dev.tcompile.runtime.kernels.Indexing.cat(dim, out.dtype(), out.shape(), in));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      TensorType out = v.outType(0);
      int dim = Shapes.wrapDim(v.attrs().getInt("dim"), out.dim());
      int at = 0;
      for (int i = 0; i < v.numInputs(); i++) {
        int[] s = v.inShape(i);
        if (s.length == 1 && s[0] == 0) { if (v.needsGrad(i)) v.setGrad(i, A.zeros(v.inType(i))); continue; }
        int len = s[dim];
        if (v.needsGrad(i))
          v.setGrad(i, A.op(Views.SLICE, Attrs.of("dim", dim, "start", at, "end", at + len, "step", 1), v.gradOut(0)));
        at += len;
      }
    }
  }

  /** torch.stack(tensors, dim) (StackBackward0). */
  static final class Stack extends OpDef {
    Stack() { super("stack"); }
    @Override public int arity() { return -1; }
    @Override public boolean differentiable(int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      if (in.length == 0) throw new TorchException("stack expects a non-empty TensorList");
      for (int i = 1; i < in.length; i++)
        if (!java.util.Arrays.equals(in[i].shape(), in[0].shape()))
          throw new TorchException("stack expects each tensor to be equal size, but got " + Shapes.str(in[0].shape())
              + " at entry 0 and " + Shapes.str(in[i].shape()) + " at entry " + i);
      int dim = Shapes.wrapDim(a.getInt("dim"), in[0].dim() + 1);
      DType dt = in[0].dtype();
      for (TensorType t : in) dt = DType.promote(dt, t.dtype());
      int[] s = new int[in[0].dim() + 1];
      for (int i = 0, j = 0; i < s.length; i++) s[i] = i == dim ? in.length : in[0].size(j++);
      return Elementwise.one(TensorType.of(dt, s));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      TensorType[] ts = new TensorType[in.length];
      for (int i = 0; i < in.length; i++) ts[i] = TensorType.of(in[i].dtype(), in[i].shape());
      TensorType out = infer(a, ts)[0];
      int dim = Shapes.wrapDim(a.getInt("dim"), out.dim());
      int[] unsq = out.shape().clone();
      unsq[dim] = 1;
      List<NDArray> parts = new ArrayList<>();
      for (NDArray x : in) parts.add(x.contiguous().view(unsq, Shapes.contiguousStrides(unsq), x.contiguous().offset()));
      return Elementwise.one(dev.tcompile.runtime.kernels.Indexing.cat(dim, out.dtype(), out.shape(), parts.toArray(NDArray[]::new)));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      int dim = Shapes.wrapDim(v.attrs().getInt("dim"), v.outType(0).dim());
      for (int i = 0; i < v.numInputs(); i++)
        if (v.needsGrad(i)) v.setGrad(i, v.alg().op(Views.SELECT, Attrs.of("dim", dim, "index", i), v.gradOut(0)));
    }
  }
}
