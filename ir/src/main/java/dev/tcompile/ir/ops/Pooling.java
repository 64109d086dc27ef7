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
import dev.tcompile.runtime.kernels.AdaptivePool2d;
import dev.tcompile.runtime.kernels.DoublePool2d;
import dev.tcompile.runtime.kernels.Pool2d;

/**
 * 2-D pooling over the last two dims of a 3-d or 4-d input. Attributes: {@code kernel_size}, {@code stride},
 * {@code padding} (each {@code int[2]}), {@code dilation} ({@code int[2]}, max pooling only), {@code ceil_mode};
 * avg_pool2d adds {@code count_include_pad}; the backward ops add {@code input_shape}. max_pool2d returns
 * (values, int64 indices) as PyTorch's max_pool2d_with_indices. Average pooling is linear, so its backward's
 * derivative is the forward again; max pooling's backward is a scatter whose derivative is a gather.
 */
public final class Pooling {
  private Pooling() {}

  public static final OpDef MAX_POOL2D = new MaxPool(), MAX_POOL2D_BACKWARD = new MaxPoolBackward(),
      AVG_POOL2D = new AvgPool(), AVG_POOL2D_BACKWARD = new AvgPoolBackward(),
      ADAPTIVE_AVG_POOL2D = new AdaptiveAvgPool(), ADAPTIVE_AVG_POOL2D_BACKWARD = new AdaptiveAvgPoolBackward();

  public static Pool2d.Params params(Attrs a) {
    int[][] l = lists(a);
    int[] k = l[0], s = l[1], p = l[2], d = l[3];
    return new Pool2d.Params(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], a.getBool("ceil_mode"));
  }

  /** kernel_size, stride, padding, dilation as two values each; PyTorch's messages for other lengths. */
  private static int[][] lists(Attrs a) {
    String op = a.has("count_include_pad") ? "avg_pool2d" : "max_pool2d";
    int[] k = two(a.getInts("kernel_size"), op + ": kernel_size must either be a single int, or a tuple of two ints");
    int[] s = a.getInts("stride").length == 0 ? k : two(a.getInts("stride"), op + ": stride must either be omitted, a single int, or a tuple of two ints");
    int[] p = two(a.getInts("padding"), op + (op.equals("avg_pool2d") ? ": padding must either be a single int, or a tuple of two ints"
        : ": padding must be either be a single int, or a tuple of two ints"));
    int[] d = a.has("dilation") ? two(a.getInts("dilation"), op + ": dilation must be either a single int, or a tuple of two ints") : new int[]{1, 1};
    for (int x : s) if (x == 0) throw new TorchException("stride should not be zero");
    return new int[][]{k, s, p, d};
  }

  /** One value (both dims) or two, as PyTorch's pooling accepts them; else its message. */
  private static int[] two(int[] v, String message) {
    if (v.length == 1) return new int[]{v[0], v[0]};
    if (v.length == 2) return v;
    throw new TorchException(message);
  }

  /** float64 arrays run the float64 kernels ({@link DoublePool2d}); the rest are read as float32. */
  static boolean isDouble(NDArray a) { return a.dtype() == DType.FLOAT64; }

  /** Attributes without the backward ops' {@code input_shape}. */
  static Attrs withoutShape(Attrs a) {
    java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>(a.asMap());
    m.remove("input_shape");
    return Attrs.of(m);
  }

  static TensorType pooledType(String op, Attrs a, TensorType x) {
    int nd = x.dim();
    if (nd != 3 && nd != 4)
      throw new TorchException("non-empty 3D or 4D (batch mode) tensor expected for input to " + op + ", but got " + Shapes.str(x.shape()));
    if (x.dtype() != DType.FLOAT32 && x.dtype() != DType.FLOAT64)
      throw new TorchException("\"" + op + "\" not implemented for '" + x.dtype().legacyName() + "'");
    int[][] l = lists(a);
    int[] k = l[0], pad = l[2];
    for (int d = 0; d < 2; d++)
      if (pad[d] > k[d] / 2)
        throw new TorchException("pad should be at most half of kernel size, but got pad=" + pad[d] + " and kernel_size=" + k[d]);
    Pool2d.Params p = params(a);
    int h = x.size(nd - 2), w = x.size(nd - 1);
    int oh = Pool2d.outSize(h, p.kH(), p.sH(), p.pH(), p.dH(), p.ceilMode()), ow = Pool2d.outSize(w, p.kW(), p.sW(), p.pW(), p.dW(), p.ceilMode());
    if (oh < 1 || ow < 1)
      throw new TorchException("Given input size: (" + x.size(nd - 3) + "x" + h + "x" + w + "). Calculated output size: ("
          + x.size(nd - 3) + "x" + oh + "x" + ow + "). Output size is too small");
    int[] out = x.shape().clone();
    out[nd - 2] = oh;
    out[nd - 1] = ow;
    return x.withShape(out);
  }

  /** The gradient of a pooled output must have the pooled shape of {@code input_shape}. */
  static TensorType backwardType(String op, Attrs a, TensorType g) {
    // float64 gradients give a float64 input gradient; other dtypes are read as float32, as before
    DType dt = g.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
    TensorType x = TensorType.of(dt, a.getInts("input_shape"));
    TensorType expected = pooledType(op, a, x);
    if (!expected.equals(g.withDType(dt)))
      throw new TorchException(op + "_backward: expected grad_output of size " + Shapes.str(expected.shape()) + ", but got "
          + Shapes.str(g.shape()));
    return x;
  }

  /** max_pool2d(x) -> (values, indices): MaxPool2DWithIndicesBackward0. */
  static final class MaxPool extends OpDef {
    MaxPool() { super("max_pool2d"); }

    @Override public int arity() { return 1; }
    @Override public int numOutputs(Attrs a) { return 2; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesOutput(Attrs a, int i) { return i == 1; }
    @Override public String gradFnName(Attrs a) { return "MaxPool2DWithIndicesBackward0"; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      TensorType out = pooledType("max_pool2d", a, in[0]);
      return new TensorType[]{out, out.withDType(DType.INT64)};
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) { return evalInto(a, new NDArray[2], in); }

    @Override public boolean writesInto() { return true; }

    @Override public NDArray[] evalInto(Attrs a, NDArray[] out, NDArray... in) {
      return isDouble(in[0]) ? DoublePool2d.maxForward(in[0], params(a), out[0], out[1]) : Pool2d.maxForward(in[0], params(a), out[0], out[1]);
    }

    @Override public <T> void vjp(Vjp<T> v) {
      v.setGrad(0, v.alg().op(MAX_POOL2D_BACKWARD, v.attrs().with("input_shape", v.inShape(0)), v.gradOut(0), v.output(1)));
    }
  }

  /** Inputs (gradOut, indices): each gradient added at its window's arg-max. */
  static final class MaxPoolBackward extends OpDef {
    MaxPoolBackward() { super("max_pool2d_backward"); }

    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return i == 0; }
    @Override public boolean savesInput(Attrs a, int i) { return i == 1; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (in[1].dtype() != DType.INT64 || !Shapes.equal(in[0].shape(), in[1].shape()))
        throw new TorchException("max_pool2d_backward: indices must be int64 of the gradient's shape " + Shapes.str(in[0].shape())
            + ", got " + in[1]);
      return Elementwise.one(backwardType("max_pool2d", a, in[0]));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) { return evalInto(a, new NDArray[1], in); }

    @Override public boolean writesInto() { return true; }

    @Override public NDArray[] evalInto(Attrs a, NDArray[] out, NDArray... in) {
      int[] xs = a.getInts("input_shape");
      return Elementwise.one(isDouble(in[0]) ? DoublePool2d.maxBackward(in[0], in[1], xs, out[0]) : Pool2d.maxBackward(in[0], in[1], xs, out[0]));
    }

    /** The adjoint of a scatter by plane-flat indices: gather the incoming gradient at the same indices. */
    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      int[] xs = v.attrs().getInts("input_shape"), gs = v.inShape(0);
      T flatGG = A.reshape(v.gradOut(0), flatPlanes(xs)), flatIdx = A.reshape(v.input(1), flatPlanes(gs));
      T picked = A.op(Indexing.GATHER, Attrs.of("dim", xs.length - 2), flatGG, flatIdx);
      v.setGrad(0, A.reshape(picked, gs));
    }
  }

  /** The shape with its last two dims merged: planes of flat positions. */
  static int[] flatPlanes(int[] s) {
    int n = s.length;
    int[] f = java.util.Arrays.copyOf(s, n - 1);
    f[n - 2] = s[n - 2] * s[n - 1];
    return f;
  }

  /** avg_pool2d(x): AvgPool2DBackward0. */
  static final class AvgPool extends OpDef {
    AvgPool() { super("avg_pool2d"); }

    @Override public int arity() { return 1; }
    @Override public String gradFnName(Attrs a) { return "AvgPool2DBackward0"; }
    @Override public boolean differentiable(int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      return Elementwise.one(pooledType("avg_pool2d", a, in[0]));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      boolean includePad = a.getBool("count_include_pad");
      return Elementwise.one(isDouble(in[0]) ? DoublePool2d.avgForward(in[0], params(a), includePad) : Pool2d.avgForward(in[0], params(a), includePad));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      v.setGrad(0, v.alg().op(AVG_POOL2D_BACKWARD, v.attrs().with("input_shape", v.inShape(0)), v.gradOut(0)));
    }
  }

  static final class AvgPoolBackward extends OpDef {
    AvgPoolBackward() { super("avg_pool2d_backward"); }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      return Elementwise.one(backwardType("avg_pool2d", a, in[0]));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      int[] xs = a.getInts("input_shape");
      boolean includePad = a.getBool("count_include_pad");
      return Elementwise.one(isDouble(in[0]) ? DoublePool2d.avgBackward(in[0], xs, params(a), includePad)
          : Pool2d.avgBackward(in[0], xs, params(a), includePad));
    }

    @Override public <T> void vjp(Vjp<T> v) { v.setGrad(0, v.alg().op(AVG_POOL2D, withoutShape(v.attrs()), v.gradOut(0))); }
  }

  /** adaptive_avg_pool2d(x) to {@code output_size} (AdaptiveAvgPool2DBackward0). */
  static final class AdaptiveAvgPool extends OpDef {
    AdaptiveAvgPool() { super("adaptive_avg_pool2d"); }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public String gradFnName(Attrs a) { return "AdaptiveAvgPool2DBackward0"; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      TensorType x = in[0];
      int nd = x.dim();
      if (nd != 3 && nd != 4)
        throw new TorchException("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got " + Shapes.str(x.shape()));
      for (int i = 1; i < nd; i++)
        if (x.size(i) == 0)
          throw new TorchException("adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes "
              + Shapes.str(x.shape()) + " with dimension " + i + " being empty");
      int[] o = a.getInts("output_size");
      if (o[0] < 0 || o[1] < 0) throw new TorchException("adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {" + o[0] + ", " + o[1] + "}");
      int[] out = x.shape().clone();
      out[nd - 2] = o[0];
      out[nd - 1] = o[1];
      return Elementwise.one(TensorType.of(x.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32, out));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      int[] o = a.getInts("output_size");
      return Elementwise.one(isDouble(in[0]) ? DoublePool2d.adaptiveAvgForward(in[0], o[0], o[1]) : AdaptivePool2d.avgForward(in[0], o[0], o[1]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      v.setGrad(0, v.alg().op(ADAPTIVE_AVG_POOL2D_BACKWARD, Attrs.of("input_shape", v.inShape(0)), v.gradOut(0)));
    }
  }

  /** Input gradOut; attribute {@code input_shape} (the output size is the gradient's). */
  static final class AdaptiveAvgPoolBackward extends OpDef {
    AdaptiveAvgPoolBackward() { super("adaptive_avg_pool2d_backward"); }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      int[] xs = a.getInts("input_shape"), gs = in[0].shape();
      if (xs.length != gs.length || (xs.length == 4 && xs[0] != gs[0]) || xs[xs.length - 3] != gs[gs.length - 3])
        throw new TorchException("adaptive_avg_pool2d_backward: gradient " + Shapes.str(gs) + " does not match input " + Shapes.str(xs));
      return Elementwise.one(TensorType.of(in[0].dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32, xs));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      int[] xs = a.getInts("input_shape");
      return Elementwise.one(isDouble(in[0]) ? DoublePool2d.adaptiveAvgBackward(in[0], xs) : AdaptivePool2d.avgBackward(in[0], xs));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      int[] gs = v.inShape(0);
      int nd = gs.length;
      v.setGrad(0, v.alg().op(ADAPTIVE_AVG_POOL2D, Attrs.of("output_size", new int[]{gs[nd - 2], gs[nd - 1]}), v.gradOut(0)));
    }
  }
}
