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
import dev.tcompile.runtime.kernels.Conv2d;
import dev.tcompile.runtime.kernels.DoubleConv2d;

/**
 * 2-D convolution (ConvolutionBackward0) and its two backward ops. Attributes: {@code stride}, {@code padding},
 * {@code dilation} (each {@code int[2]}, zero padding only: other padding modes are a {@code pad} op first, as
 * PyTorch does) and {@code groups}. conv2d takes {@code (x, w)} or {@code (x, w, bias)}. The three ops are
 * bilinear, so each one's derivative is another of the three.
 */
public final class Convolution {
  private Convolution() {}

  public static final OpDef CONV2D = new Forward(), CONV2D_BACKWARD_INPUT = new BackwardInput(),
      CONV2D_BACKWARD_WEIGHT = new BackwardWeight();

  /** The attributes of a convolution with these hyper-parameters. */
  public static Attrs attrs(int[] stride, int[] padding, int[] dilation, int groups) {
    return Attrs.of("stride", stride, "padding", padding, "dilation", dilation, "groups", groups);
  }

  public static Conv2d.Params params(Attrs a) {
    int[] s = two(a, "stride"), p = two(a, "padding"), d = two(a, "dilation");
    return new Conv2d.Params(s[0], s[1], p[0], p[1], d[0], d[1], a.getInt("groups"));
  }

  /** A hyper-parameter list of one value (used for both dims) or two, as PyTorch accepts them. */
  private static int[] two(Attrs a, String name) {
    int[] v = a.getInts(name);
    if (v.length == 1) return new int[]{v[0], v[0]};
    if (v.length == 2) return v;
    throw new TorchException("expected " + name + " to be a single integer value or a list of 2 values to match the convolution "
        + "dimensions, but got " + name + "=" + Shapes.str(v));
  }

  /** Only the hyper-parameters (drops the backward ops' shape attribute). */
  static Attrs hyper(Attrs a) {
    return attrs(a.getInts("stride"), a.getInts("padding"), a.getInts("dilation"), a.getInt("groups"));
  }

  /** PyTorch's checks of a convolution's shapes; returns the output shape. */
  static int[] outShape(Attrs a, int[] xs, int[] ws) {
    Conv2d.Params p = params(a);
    if (ws.length != 4) throw new TorchException("Expected 4-dimensional weight for conv2d, but got weight of size " + Shapes.str(ws));
    if (xs.length != 4)
      throw new TorchException("Expected 4-dimensional input for 4-dimensional weight " + Shapes.str(ws) + ", but got "
          + xs.length + "-dimensional input of size " + Shapes.str(xs) + " instead");
    int g = p.groups();
    if (ws[0] % g != 0) throw new TorchException("Given groups=" + g + ", expected weight to be divisible by " + g
        + " at dimension 0, but got weight of size [" + Shapes.str(ws) + "] instead");
    if (xs[1] != ws[1] * g)
      throw new TorchException("Given groups=" + g + ", weight of size " + Shapes.str(ws) + ", expected input" + Shapes.str(xs)
          + " to have " + (ws[1] * g) + " channels, but got " + xs[1] + " channels instead");
    int ph = xs[2] + 2 * p.padH(), pw = xs[3] + 2 * p.padW();
    int kh = (ws[2] - 1) * p.dilH() + 1, kw = (ws[3] - 1) * p.dilW() + 1;
    if (ph < kh || pw < kw)
      throw new TorchException("Calculated padded input size per channel: (" + ph + " x " + pw + "). Kernel size: (" + kh
          + " x " + kw + "). Kernel size can't be greater than actual input size");
    return new int[]{xs[0], ws[0], Conv2d.outSize(xs[2], ws[2], p.strideH(), p.padH(), p.dilH()),
        Conv2d.outSize(xs[3], ws[3], p.strideW(), p.padW(), p.dilW())};
  }

  /**
   * The dtype a convolution computes in: float64 when its operands are float64 (PyTorch's messages when float32
   * and float64 are mixed), else float32 (other dtypes refused as before).
   */
  static DType dtype(String what, TensorType... in) {
    boolean any64 = false;
    for (TensorType t : in) any64 |= t.dtype() == DType.FLOAT64;
    if (!any64) { floats(what, in); return DType.FLOAT32; }
    DType x = in[0].dtype();
    if (in[1].dtype() != x && isFloat(x) && isFloat(in[1].dtype()))
      throw new TorchException("expected scalar type " + x.legacyName() + " but found " + in[1].dtype().legacyName());
    if (in.length == 3 && in[2].dtype() != x && isFloat(x) && isFloat(in[2].dtype()))
      throw new TorchException("Input type (" + cName(x) + ") and bias type (" + cName(in[2].dtype()) + ") should be the same");
    for (TensorType t : in)
      if (t.dtype() != DType.FLOAT64) throw new TorchException("\"" + what + "\" not implemented for '" + t.dtype().legacyName() + "'");
    return DType.FLOAT64;
  }

  private static boolean isFloat(DType d) { return d == DType.FLOAT32 || d == DType.FLOAT64; }

  private static String cName(DType d) { return d == DType.FLOAT64 ? "double" : "float"; }

  static boolean isDouble(NDArray a) { return a.dtype() == DType.FLOAT64; }

  static void floats(String what, TensorType... in) {
    for (TensorType t : in)
      if (t.dtype() != DType.FLOAT32) throw new TorchException("\"" + what + "\" not implemented for '" + t.dtype().legacyName() + "'");
  }

  /** conv2d(x, w[, bias]). */
  static final class Forward extends OpDef {
    Forward() { super("conv2d"); }

    @Override public int arity() { return -1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return i < 2; }
    @Override public String gradFnName(Attrs a) { return "ConvolutionBackward0"; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      if (in.length != 2 && in.length != 3) throw new TorchException("conv2d() expected 2 or 3 inputs but got " + in.length);
      int[] out = outShape(a, in[0].shape(), in[1].shape());
      if (in.length == 3 && (in[2].dim() != 1 || in[2].size(0) != out[1]))
        throw new TorchException("Given weight of size " + Shapes.str(in[1].shape()) + ", expected bias to be 1-dimensional with "
            + out[1] + " elements, but got bias of size " + Shapes.str(in[2].shape()) + " instead");
      return Elementwise.one(TensorType.of(dtype("slow_conv2d_cpu", in), out));
    }

    /** {@code relu=true}: the ReLU epilogue the epilogue pass fuses in after autodiff (the kernel applies it per tile). */
    @Override public NDArray[] eval(Attrs a, NDArray... in) { return evalInto(a, new NDArray[1], in); }

    @Override public boolean writesInto() { return true; }

    @Override public NDArray[] evalInto(Attrs a, NDArray[] out, NDArray... in) {
      NDArray bias = in.length == 3 ? in[2] : null;
      boolean relu = a.getBool("relu", false);
      return Elementwise.one(isDouble(in[0]) ? DoubleConv2d.forward(in[0], in[1], bias, params(a), relu, out[0])
          : Conv2d.forward(in[0], in[1], bias, params(a), relu, out[0]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      Attrs a = v.attrs();
      if (a.getBool("relu", false))
        throw new TorchException("conv2d with a fused relu epilogue has no derivative: epilogues are fused after autodiff");
      T g = v.gradOut(0);
      if (v.needsGrad(0)) v.setGrad(0, A.op(CONV2D_BACKWARD_INPUT, a.with("input_shape", v.inShape(0)), g, v.input(1)));
      if (v.needsGrad(1)) v.setGrad(1, A.op(CONV2D_BACKWARD_WEIGHT, a.with("weight_shape", v.inShape(1)), g, v.input(0)));
      if (v.numInputs() == 3 && v.needsGrad(2)) v.setGrad(2, A.sum(g, new int[]{0, 2, 3}, false));
    }
  }

  /** The input's gradient: inputs (gradOut, w); attribute {@code input_shape}. */
  static final class BackwardInput extends OpDef {
    BackwardInput() { super("conv2d_backward_input"); }

    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      int[] xs = a.getInts("input_shape");
      checkGradOut(outShape(a, xs, in[1].shape()), in[0]);
      return Elementwise.one(TensorType.of(backwardDType(in), xs));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) { return evalInto(a, new NDArray[1], in); }

    @Override public boolean writesInto() { return true; }

    @Override public NDArray[] evalInto(Attrs a, NDArray[] out, NDArray... in) {
      int[] xs = a.getInts("input_shape");
      return Elementwise.one(isDouble(in[0]) ? DoubleConv2d.backwardInput(in[0], in[1], xs, params(a), out[0])
          : Conv2d.backwardInput(in[0], in[1], xs, params(a), out[0]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T gx = v.gradOut(0);
      if (v.needsGrad(0)) v.setGrad(0, A.op(CONV2D, hyper(v.attrs()), gx, v.input(1)));
      if (v.needsGrad(1))
        v.setGrad(1, A.op(CONV2D_BACKWARD_WEIGHT, hyper(v.attrs()).with("weight_shape", v.inShape(1)), v.input(0), gx));
    }
  }

  /** The weight's gradient: inputs (gradOut, x); attribute {@code weight_shape}. */
  static final class BackwardWeight extends OpDef {
    BackwardWeight() { super("conv2d_backward_weight"); }

    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      int[] ws = a.getInts("weight_shape");
      checkGradOut(outShape(a, in[1].shape(), ws), in[0]);
      return Elementwise.one(TensorType.of(backwardDType(in), ws));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) { return evalInto(a, new NDArray[1], in); }

    @Override public boolean writesInto() { return true; }

    @Override public NDArray[] evalInto(Attrs a, NDArray[] out, NDArray... in) {
      int[] ws = a.getInts("weight_shape");
      return Elementwise.one(isDouble(in[0]) ? DoubleConv2d.backwardWeight(in[0], in[1], ws, params(a), out[0])
          : Conv2d.backwardWeight(in[0], in[1], ws, params(a), out[0]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T gw = v.gradOut(0);
      if (v.needsGrad(0)) v.setGrad(0, A.op(CONV2D, hyper(v.attrs()), v.input(1), gw));
      if (v.needsGrad(1))
        v.setGrad(1, A.op(CONV2D_BACKWARD_INPUT, hyper(v.attrs()).with("input_shape", v.inShape(1)), v.input(0), gw));
    }
  }

  /** A backward op computes in float64 when both its operands are float64 (as autograd makes them), else float32. */
  static DType backwardDType(TensorType... in) {
    boolean a = in[0].dtype() == DType.FLOAT64, b = in[1].dtype() == DType.FLOAT64;
    if (a != b) throw new TorchException("conv2d backward: operands must have the same floating dtype, got " + in[0].dtype() + " and " + in[1].dtype());
    return a ? DType.FLOAT64 : DType.FLOAT32;
  }

  static void checkGradOut(int[] expected, TensorType gradOut) {
    if (!Shapes.equal(expected, gradOut.shape()))
      throw new TorchException("conv2d backward: expected grad_output of size " + Shapes.str(expected) + ", but got "
          + Shapes.str(gradOut.shape()));
  }
}
