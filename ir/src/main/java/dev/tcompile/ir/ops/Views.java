package dev.tcompile.ir.ops;

import dev.tcompile.TorchException;
import dev.tcompile.ir.Algebra;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.PointwiseOps;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.compiled.ViewKernels;
import dev.tcompile.runtime.Shapes;

/**
 * Shape ops. In eager mode reshape/expand/permute/slice/select return views sharing storage (reshape copies
 * only when no strides can express it); in the IR they are values like any other.
 */
public final class Views {
  private Views() {}

  public static final OpDef RESHAPE = new Reshape(), EXPAND = new Expand(), PERMUTE = new Permute(),
      SLICE = new Slice(), SELECT = new Select(), SLICE_BACKWARD = new IntoZeros("slice_backward", SLICE),
      SELECT_BACKWARD = new IntoZeros("select_backward", SELECT), CLONE = new Clone(), DETACH = new Detach();

  abstract static class ViewOp extends OpDef {
    ViewOp(String name) { super(name); }
    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean isView() { return true; }
  }

  /** reshape(shape): the shape is fully resolved (no -1) by the time it is an attribute. */
  static final class Reshape extends ViewOp {
    Reshape() { super("reshape"); }
    @Override public String gradFnName(Attrs a) { return "ViewBackward0"; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      int[] s = Shapes.inferSize(a.getInts("shape"), in[0].numel());
      return Elementwise.one(in[0].withShape(s));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(ViewKernels.reshape(in[0], Shapes.inferSize(a.getInts("shape"), in[0].numel())));
    }

    /** PyTorch's grad.reshape(self.sizes()), recorded even when the shape is already the input's (as 1.13's reshape is). */
    @Override public <T> void vjp(Vjp<T> v) { v.setGrad(0, v.alg().op(RESHAPE, Attrs.of("shape", v.inShape(0)), v.gradOut(0))); }
  }

  /** expand(shape): -1 keeps a dim; new leading dims may be added. */
  static final class Expand extends ViewOp {
    Expand() { super("expand"); }

    /** Broadcasting is how fused loops read their inputs anyway: each output element is the input's at its broadcast position. */
    @Override public boolean hasBody(Attrs a, TensorType... in) { return in.length == 1 && Elementwise.floatOrBool(in); }
    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, java.util.List<E> in) { return in.get(0); }

    static int[] target(int[] in, int[] size) {
      if (size.length < in.length)
        throw new TorchException("expand(torch.FloatTensor{" + Shapes.str(in) + "}, size=" + Shapes.str(size)
            + "): the number of sizes provided (" + size.length + ") must be greater or equal to the number of dimensions in the tensor (" + in.length + ")");
      int[] t = size.clone();
      int lead = size.length - in.length;
      for (int i = 0; i < size.length; i++) {
        if (size[i] == -1) {
          if (i < lead) throw new TorchException("The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension " + i);
          t[i] = in[i - lead];
        }
      }
      return t;
    }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      int[] t = target(in[0].shape(), a.getInts("shape"));
      Shapes.broadcastStrides(in[0].shape(), Shapes.contiguousStrides(in[0].shape()), t);
      return Elementwise.one(in[0].withShape(nonNegative(t)));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      NDArray x = in[0];
      int[] t = target(x.shape(), a.getInts("shape"));
      int[] strides = Shapes.broadcastStrides(x.shape(), x.strides(), t);
      return Elementwise.one(x.view(nonNegative(t), strides, x.offset()));
    }

    /** A negative size other than -1 on a new or size-1 dim: PyTorch's numel check refuses it. */
    private static int[] nonNegative(int[] t) {
      for (int s : t) if (s < 0) throw new TorchException("numel: integer multiplication overflow");
      return t;
    }

    @Override public <T> void vjp(Vjp<T> v) { v.setGrad(0, v.alg().sumTo(v.gradOut(0), v.inShape(0))); }
  }

  /** permute(dims) — also transpose and t() with their own node names. */
  static final class Permute extends ViewOp {
    Permute() { super("permute"); }

    static int[] dims(Attrs a, int nd) {
      int[] d = a.getInts("dims");
      if (d.length != nd)
        throw new TorchException("permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = "
            + nd + " is not equal to len(dims) = " + d.length);
      boolean[] seen = new boolean[nd];
      for (int i = 0; i < nd; i++) {
        d[i] = Shapes.wrapDim(d[i], nd);
        if (seen[d[i]]) throw new TorchException("permute(): duplicate dims are not allowed.");
        seen[d[i]] = true;
      }
      return d;
    }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      int[] d = dims(a, in[0].dim()), s = new int[d.length];
      for (int i = 0; i < d.length; i++) s[i] = in[0].size(d[i]);
      return Elementwise.one(in[0].withShape(s));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(ViewKernels.permute(in[0], dims(a, in[0].dim())));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      int[] d = dims(v.attrs(), v.inType(0).dim()), inv = new int[d.length];
      for (int i = 0; i < d.length; i++) inv[d[i]] = i;
      v.setGrad(0, v.alg().permute(v.gradOut(0), inv));
    }
  }

  /** x[..., start:end:step, ...] along dim (SliceBackward0); start/end already clamped into range. */
  static final class Slice extends ViewOp {
    Slice() { super("slice"); }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      int dim = Shapes.wrapDim(a.getInt("dim"), in[0].dim());
      int start = a.getInt("start"), end = a.getInt("end"), step = a.getInt("step", 1);
      if (step <= 0) throw new TorchException("slice step must be positive");
      if (start < 0 || end < start || end > in[0].size(dim))
        throw new TorchException("slice(): range [" + start + ", " + end + ") is out of bounds for dimension " + dim + " with size " + in[0].size(dim));
      int[] s = in[0].shape().clone();
      s[dim] = (end - start + step - 1) / step;
      return Elementwise.one(in[0].withShape(s));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      NDArray x = in[0];
      int[] s = infer(a, TensorType.of(x.dtype(), x.shape()))[0].shape();
      int dim = Shapes.wrapDim(a.getInt("dim"), x.dim());
      int[] st = x.strides().clone();
      int step = a.getInt("step", 1);
      st[dim] *= step;
      return Elementwise.one(x.view(s, st, x.offset() + a.getInt("start") * x.strides()[dim]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      v.setGrad(0, v.alg().op(SLICE_BACKWARD, v.attrs().with("shape", v.inShape(0)), v.gradOut(0)));
    }
  }

  /** x.select(dim, index): drops dim (SelectBackward0). */
  static final class Select extends ViewOp {
    Select() { super("select"); }

    static int index(Attrs a, int[] shape, int dim) {
      int i = a.getInt("index"), n = shape[dim];
      if (i < -n || i >= n)
        throw new TorchException("select(): index " + i + " out of range for tensor of size " + Shapes.str(shape) + " at dimension " + dim);
      return i < 0 ? i + n : i;
    }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (in[0].dim() == 0) throw new TorchException("select() cannot be applied to a 0-dim tensor.");
      int dim = Shapes.wrapDim(a.getInt("dim"), in[0].dim());
      index(a, in[0].shape(), dim);
      return Elementwise.one(in[0].withShape(drop(in[0].shape(), dim)));
    }

    static int[] drop(int[] s, int dim) {
      int[] o = new int[s.length - 1];
      for (int i = 0, j = 0; i < s.length; i++) if (i != dim) o[j++] = s[i];
      return o;
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      NDArray x = in[0];
      infer(a, TensorType.of(x.dtype(), x.shape()));
      int dim = Shapes.wrapDim(a.getInt("dim"), x.dim());
      int i = index(a, x.shape(), dim);
      return Elementwise.one(x.view(drop(x.shape(), dim), drop(x.strides(), dim), x.offset() + i * x.strides()[dim]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      v.setGrad(0, v.alg().op(SELECT_BACKWARD, v.attrs().with("shape", v.inShape(0)), v.gradOut(0)));
    }
  }

  /**
   * zeros(shape) with g written into the elements a view op picks: the derivative of slice ({@code slice_backward})
   * and select ({@code select_backward}). Its own derivative is the view op again.
   */
  static final class IntoZeros extends OpDef {
    private final OpDef view;

    IntoZeros(String name, OpDef view) { super(name); this.view = view; }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      return Elementwise.one(in[0].withShape(a.getInts("shape")));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      NDArray out = NDArray.empty(in[0].dtype(), a.getInts("shape"));
      view.eval(a, out)[0].copyFrom(in[0]);
      return Elementwise.one(out);
    }

    @Override public <T> void vjp(Vjp<T> v) { v.setGrad(0, v.alg().op(view, strip(v.attrs()), v.gradOut(0))); }
  }

  static Attrs strip(Attrs a) {
    java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>(a.asMap());
    m.remove("shape");
    return Attrs.of(m);
  }

  /** A contiguous copy (CloneBackward0): clone() and contiguous() of a non-contiguous tensor. */
  static final class Clone extends OpDef {
    Clone() { super("clone"); }
    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public TensorType[] infer(Attrs a, TensorType... in) { checkArity(in); return Elementwise.one(in[0]); }
    @Override public NDArray[] eval(Attrs a, NDArray... in) { return Elementwise.one(in[0].copy()); }
    @Override public boolean hasBody(Attrs a, TensorType... in) { return in.length == 1 && Elementwise.floatOrBool(in); }
    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, java.util.List<E> in) { return in.get(0); }
    @Override public <T> void vjp(Vjp<T> v) { v.setGrad(0, v.gradOut(0)); }
  }

  /** The same value with no derivative: {@code detach()} and {@code .data} inside a traced program (a stop-gradient). */
  static final class Detach extends OpDef {
    Detach() { super("detach"); }
    @Override public int arity() { return 1; }
    @Override public boolean isView() { return true; }
    @Override public TensorType[] infer(Attrs a, TensorType... in) { checkArity(in); return Elementwise.one(in[0]); }
    @Override public NDArray[] eval(Attrs a, NDArray... in) { return Elementwise.one(in[0]); }
    @Override public boolean hasBody(Attrs a, TensorType... in) { return in.length == 1 && Elementwise.floatOrBool(in); }
    @Override public <E> E body(PointwiseOps<E> ops, Attrs a, java.util.List<E> in) { return in.get(0); }
  }
}
