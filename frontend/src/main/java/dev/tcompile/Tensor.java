package dev.tcompile;

import dev.tcompile.format.TensorFormatter;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.ops.Activations;
import dev.tcompile.ir.ops.Creation;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.ir.ops.Indexing;
import dev.tcompile.ir.ops.Reductions;
import dev.tcompile.ir.ops.Sampling;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.ViewMath;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-dimensional array with PyTorch's autograd: {@code requiresGrad}, {@code grad}, {@code gradFn},
 * {@code backward}. Ops are methods (binary ones take a Tensor, a double or a long and broadcast); each runs
 * through {@link Dispatcher}, which records the autograd node from the op's single derivative rule.
 */
public class Tensor {
  /** Replaced only by {@link #setData} ({@code tensor.data = other}). */
  private NDArray data;
  private final VersionCounter version;
  /** The tensor this one is a view of (null when not a view); in-place rules depend on it. */
  private final Tensor base;
  /** For a view: the view ops from {@link #base} to it, and the storage version its history was taken at. */
  private ViewChain viewChain;
  private int viewVersion;
  private boolean requiresGrad;
  private GradFn gradFn;
  private int outputNr;
  private Tensor grad;
  private AccumulateGrad accumulator;
  private boolean retainsGrad;
  Tensor(NDArray data) { this(data, new VersionCounter(), null); }

  private Tensor(NDArray data, VersionCounter version, Tensor base) {
    this.data = data;
    this.version = version;
    this.base = base;
    TraceHook hook = TraceHook.current();
    if (hook != null) hook.onCreate(this);
  }

  /** An alias of {@code src}'s storage and version counter (what {@code nn.Parameter(t)} does). */
  protected Tensor(Tensor src, boolean requiresGrad) {
    this(src.data, src.version, null);
    requiresGrad_(requiresGrad);
  }

  /** Wraps an array (no copy) as a leaf tensor: the bridge from kernels and loaders to tensors. */
  public static Tensor wrap(NDArray data) { return new Tensor(data); }

  /** The underlying strided array (shares storage): for kernels, loaders and tools. */
  public NDArray array() { return data; }

  /**
   * PyTorch's {@code tensor.data = other}: this tensor holds {@code other}'s array from now on (shared, not copied;
   * dtype and shape may differ), keeping its identity, autograd flags, gradient and version counter — how
   * {@code module.to(dtype)} converts parameters that optimisers already hold. Views taken before keep the old
   * array. Refused on a view (its history follows its base) and inside a compiled function's trace.
   */
  public void setData(Tensor other) {
    if (base != null) throw new TorchException("setData: cannot replace the data of a view; replace its base's");
    if (TraceHook.current() != null) throw new TorchException("setData (tensor.data = ...) cannot be traced into a compiled function");
    if (other.data.dtype().isFloatingPoint() != data.dtype().isFloatingPoint() && requiresGrad)
      throw new TorchException("data set to a tensor that requires gradients must be floating point or complex dtype");
    data = other.data;
  }

  // ======================================== autograd state ========================================

  public boolean requiresGrad() {
    syncView();
    return requiresGrad;
  }

  /** Sets requires_grad on a leaf; returns this so that it chains. */
  public Tensor requiresGrad_(boolean on) {
    if (!isLeaf() && !on)
      throw new TorchException("you can only change requires_grad flags of leaf variables. If you want to use a computed "
          + "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    if (on && !data.dtype().isFloatingPoint())
      throw new TorchException("only Tensors of floating point dtype can require gradients");
    requiresGrad = on;
    return this;
  }

  /** The accumulated gradient (null when none); for non-leaf tensors only after {@link #retainGrad()}. */
  public Tensor grad() {
    if (!isLeaf() && !retainsGrad && grad == null) Warnings.nonLeafGrad();
    return grad;
  }

  public synchronized void setGrad(Tensor g) {
    if (g != null && !java.util.Arrays.equals(g.shapeArray(), shapeArray()))
      throw new TorchException("assigned grad has data of a different size");
    grad = g;
  }

  /** The node that created this tensor (null for leaves). */
  public GradFn gradFn() {
    syncView();
    return gradFn;
  }

  /** True for tensors not produced by a recorded op: user-created tensors and everything with requiresGrad false. */
  public boolean isLeaf() { return gradFn() == null; }

  /** Keeps {@code grad()} for a non-leaf tensor after backward. */
  public void retainGrad() {
    if (!requiresGrad()) throw new TorchException("can't retain_grad on Tensor that has requires_grad=False");
    if (isLeaf() || retainsGrad) return;
    retainsGrad = true;
    gradFn.retainGradOf(outputNr, this);
  }

  public boolean retainsGrad() { return retainsGrad; }

  /**
   * {@code t.register_hook(fn)}: {@code hook} sees the gradient with respect to this tensor each backward pass and
   * may return a replacement (null keeps it). On a leaf it runs before the gradient is accumulated into
   * {@code grad()}; on a non-leaf before its node runs, in registration order with {@link #retainGrad()} (so
   * retain_grad before a hook keeps the unmodified gradient, after it the modified one, as in PyTorch 1.13).
   * {@code Autograd.grad} returns the gradient from before the hooks, as PyTorch does.
   */
  public RemovableHandle registerHook(java.util.function.UnaryOperator<Tensor> hook) {
    if (!requiresGrad()) throw new TorchException("cannot register a hook on a tensor that doesn't require gradient");
    GradFn.Edge e = gradEdge();
    Runnable remove = e.fn().addPreHook(e.inputNr(), (g, createGraph) -> {
      Tensor r = hook.apply(g);
      if (r == null) return g;
      if (!java.util.Arrays.equals(r.shapeArray(), g.shapeArray()))
        throw new TorchException("hook '<lambda>' has changed the size of value");
      return r;
    });
    return new RemovableHandle(remove);
  }

  /** Backward from a one-element tensor. */
  public void backward() { backward(null, false, false); }

  /** Vector-Jacobian product: backward with {@code gradient} as d(something)/d(this). */
  public void backward(Tensor gradient) { backward(gradient, false, false); }

  public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
    Autograd.backward(new Tensor[]{this}, new Tensor[]{gradient}, retainGraph, createGraph);
  }

  /** A new tensor sharing storage (and the version counter) with no history. */
  public Tensor detach() {
    Tensor t = new Tensor(data, version, null);
    Tracing.alias(this, t, true);
    return t;
  }

  /** Cuts this tensor from its history in place. */
  public Tensor detach_() {
    if (base != null) // any view, as in PyTorch 1.13 (whose message goes on about DDP buckets)
      throw new TorchException("Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) "
          + "for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() "
          + "cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in "
          + "torch/optim/optimizer.py as the solution.");
    gradFn = null;
    outputNr = 0;
    requiresGrad = false;
    return this;
  }

  /** {@code t.data}: an alias that shares storage but not autograd history nor the version counter. */
  public Tensor data() {
    Tensor t = new Tensor(data);
    Tracing.alias(this, t, true);
    return t;
  }

  public Tensor clone() { return Dispatcher.apply1(Views.CLONE, Attrs.EMPTY, this); }

  /** {@code t._version}: how many in-place writes the storage (shared with views and detached aliases) has seen. */
  public int version() { return version.get(); }

  // ---- internals for the engine and dispatcher ----

  TensorType type() { return new TensorType(data.dtype(), data.shape()); }
  VersionCounter versionCounter() { return version; }
  int outputNr() {
    syncView();
    return outputNr;
  }
  Tensor viewBase() { return base; }
  ViewChain viewChain() { return viewChain; }
  public int[] shapeArray() { return data.shape().clone(); }

  /** A copy of the values carrying this tensor's autograd identity: what an in-place op's derivative saves. */
  Tensor snapshotForSave() {
    syncView();
    Tensor t = new Tensor(data.copy());
    t.gradFn = gradFn;
    t.outputNr = outputNr;
    t.requiresGrad = requiresGrad;
    if (gradFn == null && requiresGrad) { gradEdge(); t.accumulator = accumulator; }
    Tracing.alias(this, t, false);
    return t;
  }

  /** A view of this tensor over {@code view}'s geometry made by {@code step}: shares the version counter, remembers the base. */
  Tensor viewOf(NDArray view, ViewChain.Step step) {
    Tensor t = new Tensor(view, version, base != null ? base : this);
    t.viewChain = viewChain == null ? ViewChain.of(step) : viewChain.then(step);
    t.viewVersion = version.get();
    return t;
  }

  /**
   * PyTorch's view + in-place rule: once the shared storage was written in place (through the base or any of
   * its views), a view's history is taken again from its base's current history (AsStridedBackward0).
   */
  private void syncView() {
    if (viewChain == null || viewVersion == version.get()) return;
    viewVersion = version.get();
    if (!base.requiresGrad()) return;
    gradFn = new AsStridedNode(base.gradEdge(), viewChain);
    outputNr = 0;
    requiresGrad = true;
  }

  void setHistory(GradFn fn, int nr) {
    gradFn = fn;
    outputNr = nr;
    requiresGrad = true;
  }

  /** Where the gradient of this tensor goes: its node's slot, or its grad accumulator when a leaf. */
  GradFn.Edge gradEdge() {
    syncView();
    if (gradFn != null) return new GradFn.Edge(gradFn, outputNr);
    if (!requiresGrad) return null;
    if (accumulator == null) accumulator = new AccumulateGrad(this);
    return new GradFn.Edge(accumulator, 0);
  }

  /**
   * Set on a gradient whose array nothing else references (a compiled backward's fresh output): the first
   * accumulation into a leaf outside grad mode takes the array instead of copying it, as PyTorch's AccumulateGrad
   * steals a gradient no one else holds.
   */
  boolean exclusiveGrad;

  /**
   * A Python number a derivative formula uses ({@code grad * 2}, {@code result + 1}): the op it feeds is PyTorch's
   * Scalar overload there (MulBackward1, AddBackward1, ...), see {@link FormulaNames}.
   */
  boolean formulaScalar;

  /**
   * AccumulateGrad's work, as PyTorch 1.13's {@code AccumulateGrad::accumulateGrad}: the first gradient is copied
   * in (or taken, when {@link #exclusiveGrad}) — under grad mode (create_graph) through {@code copy_} into a fresh
   * tensor, so it shows CopyBackwards (CloneBackward0 for a leaf that is not dense); later ones are added out of
   * place under grad mode (AddBackward0), otherwise in place, which keeps the gradient's history. Synchronized, as
   * PyTorch's AccumulateGrad locks the variable: threads sharing a parameter never see a torn grad.
   */
  synchronized void accumulateGrad(Tensor g, boolean gradMode) {
    if (grad == null) {
      if (!gradMode && g.exclusiveGrad && g.data.offset() == 0 && g.data.isContiguous() && g.data.dtype() == data.dtype()
          && java.util.Arrays.equals(g.data.shape(), data.shape())) {
        grad = new Tensor(g.data);
        g.exclusiveGrad = false;   // taken once
      } else if (!gradMode) grad = new Tensor(g.data.copy());
      else if (!data.isDense()) grad = g.clone();
      else grad = new Tensor(NDArray.empty(g.dtype(), data.shape())).copy_(g);
    } else if (gradMode) {
      grad = grad.add(g);
    } else {
      NDArray sum = Elementwise.ADD.eval(Attrs.EMPTY, grad.data, g.data)[0];
      grad.data.copyFrom(sum);
      grad.version.bump();
    }
  }

  /** {@code retain_grad}'s hook: the first gradient cloned (CloneBackward0 under create_graph), later ones added. */
  synchronized void retainGradValue(Tensor g, boolean createGraph) {
    grad = grad == null ? g.clone() : grad.add(g);
  }

  // ======================================== reading ========================================

  /** The value of a one-element tensor as a float. */
  public float item() {
    if (data.numel() != 1) throw new TorchException("only one element tensors can be converted to Python scalars");
    Tracing.graphBreak(this, "item()");
    return (float) data.getDouble(0);
  }

  /** The value of a one-element tensor as a double: Python's {@code t.item()} (exact for float64 tensors). */
  public double itemDouble() {
    if (data.numel() != 1) throw new TorchException("only one element tensors can be converted to Python scalars");
    Tracing.graphBreak(this, "item()");
    return data.getDouble(0);
  }

  public float[] toFloatArray() { Tracing.graphBreak(this, "toFloatArray()"); return data.toFloatArray(); }
  /** The elements in row-major order as doubles ({@code t.tolist()} of a float64 tensor, flattened). */
  public double[] toDoubleArray() { Tracing.graphBreak(this, "toDoubleArray()"); return data.toDoubleArray(); }
  public long[] toLongArray() { Tracing.graphBreak(this, "toLongArray()"); return data.toLongArray(); }
  public boolean[] toBoolArray() { Tracing.graphBreak(this, "toBoolArray()"); return data.toBoolArray(); }

  public Size shape() { return new Size(data.shape()); }
  public Size size() { return shape(); }
  public int size(int dim) { return data.dim() == 0 ? 1 : data.shape()[Shapes.wrapDim(dim, data.dim())]; }
  public int dim() { return data.dim(); }
  public long numel() { return data.numel(); }
  public DType dtype() { return data.dtype(); }
  public Device device() { return Device.CPU; }
  public boolean isContiguous() { return data.isContiguous(); }

  /** Tensors live on the CPU: returns this. */
  public Tensor to(Device d) { return this; }

  /** A copy converted to {@code dtype} (this when already of that dtype), as {@code t.to(dtype)}. */
  public Tensor to(DType dtype) { return dtype == dtype() ? this : Dispatcher.apply1(Elementwise.CAST, Attrs.of("dtype", dtype), this); }

  /** {@code t.double()}: float64 (this when already float64). */
  public Tensor toDouble() { return to(DType.FLOAT64); }

  /** {@code t.float()}: float32 (this when already float32). */
  public Tensor toFloat() { return to(DType.FLOAT32); }

  /** {@code t.type(dtype)}: as {@link #to(DType)}. */
  public Tensor type(DType dtype) { return to(dtype); }

  /** {@code t.type()}: the legacy type name, {@code torch.DoubleTensor}. */
  public String typeName() { return "torch." + dtype().legacyName() + "Tensor"; }

  /** {@code t.is_floating_point()}. */
  public boolean isFloatingPoint() { return dtype().isFloatingPoint(); }

  @Override public String toString() {
    List<String> suffixes = new ArrayList<>(1);
    if (gradFn() != null) suffixes.add("grad_fn=<" + gradFn.name() + ">");
    else if (requiresGrad) suffixes.add("requires_grad=True");
    return TensorFormatter.format(data, suffixes);
  }

  // ======================================== pointwise ========================================

  private static Tensor call(OpDef op, Tensor... in) { return Dispatcher.apply1(op, Attrs.EMPTY, in); }
  private Tensor unary(UnaryOp k) { return call(Elementwise.unary(k), this); }
  private Tensor binary(BinaryOp k, Tensor o) { return call(Elementwise.binary(k), this, o); }

  /**
   * A Python float operand: a 0-d tensor of the default dtype (float32: rounded to float32 first, as PyTorch
   * casts it), or float64 with a float64 tensor, which computes with the full double.
   */
  Tensor scalarOperand(double v) { return new Tensor(NDArray.scalar(dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32, v)); }

  /** A Python int operand: the tensor's dtype unless it is bool (then int64). */
  Tensor scalarOperand(long v) { return new Tensor(NDArray.scalar(dtype() == DType.BOOL ? DType.INT64 : dtype(), v)); }

  public Tensor add(Tensor o) { return binary(BinaryOp.ADD, o); }
  public Tensor add(double v) { return add(scalarOperand(v)); }
  public Tensor add(long v) { return add(scalarOperand(v)); }
  public Tensor sub(Tensor o) { return binary(BinaryOp.SUB, o); }
  public Tensor sub(double v) { return sub(scalarOperand(v)); }
  public Tensor sub(long v) { return sub(scalarOperand(v)); }
  public Tensor mul(Tensor o) { return binary(BinaryOp.MUL, o); }
  public Tensor mul(double v) { return mul(scalarOperand(v)); }
  public Tensor mul(long v) { return mul(scalarOperand(v)); }
  public Tensor div(Tensor o) { return binary(BinaryOp.DIV, o); }
  public Tensor div(double v) { return div(scalarOperand(v)); }
  public Tensor div(long v) { return div(scalarOperand(v)); }
  /** Elementwise power with a tensor exponent (PowBackward1). */
  public Tensor pow(Tensor e) { return binary(BinaryOp.POW, e); }
  /** {@code x ** p} with a float exponent (PowBackward0): integer tensors give float32. */
  public Tensor pow(double p) { return Dispatcher.apply1(Elementwise.POW_SCALAR, Attrs.of("exponent", p), this); }
  /** {@code x ** p} with an integer exponent: integer tensors stay int64 (PyTorch's {@code i ** 2}). */
  public Tensor pow(long p) { return Dispatcher.apply1(Elementwise.POW_SCALAR, Attrs.of("exponent", p), this); }
  public Tensor maximum(Tensor o) { return binary(BinaryOp.MAXIMUM, o); }
  public Tensor minimum(Tensor o) { return binary(BinaryOp.MINIMUM, o); }
  public Tensor remainder(double v) { return binary(BinaryOp.REMAINDER, scalarOperand(v)); }
  public Tensor neg() { return unary(UnaryOp.NEG); }
  public Tensor abs() { return unary(UnaryOp.ABS); }
  public Tensor exp() { return unary(UnaryOp.EXP); }
  public Tensor log() { return unary(UnaryOp.LOG); }
  public Tensor log1p() { return unary(UnaryOp.LOG1P); }
  public Tensor expm1() { return unary(UnaryOp.EXPM1); }
  public Tensor sqrt() { return unary(UnaryOp.SQRT); }
  public Tensor rsqrt() { return unary(UnaryOp.RSQRT); }
  public Tensor sin() { return unary(UnaryOp.SIN); }
  public Tensor cos() { return unary(UnaryOp.COS); }
  public Tensor tanh() { return unary(UnaryOp.TANH); }
  public Tensor sigmoid() { return unary(UnaryOp.SIGMOID); }
  public Tensor relu() { return unary(UnaryOp.RELU); }
  public Tensor gelu() { return unary(UnaryOp.GELU); }
  public Tensor erf() { return unary(UnaryOp.ERF); }
  public Tensor sign() { return unary(UnaryOp.SIGN); }
  public Tensor floor() { return unary(UnaryOp.FLOOR); }
  public Tensor ceil() { return unary(UnaryOp.CEIL); }
  public Tensor round() { return unary(UnaryOp.ROUND); }
  public Tensor reciprocal() { return unary(UnaryOp.RECIPROCAL); }
  /** {@code x * x}, recorded as PyTorch does: {@code pow(x, 2)} (PowBackward0). */
  public Tensor square() { return pow(2L); }
  public Tensor clamp(double min, double max) { return Dispatcher.apply1(Elementwise.CLAMP, Attrs.of("min", min, "max", max), this); }
  /** clamp with integer bounds: an int64 (or bool) tensor stays integral. */
  public Tensor clamp(long min, long max) { return Dispatcher.apply1(Elementwise.CLAMP, Attrs.of("min", min, "max", max), this); }
  public Tensor clampMin(double min) { return Dispatcher.apply1(Elementwise.CLAMP, Attrs.of("min", min), this); }
  public Tensor clampMax(double max) { return Dispatcher.apply1(Elementwise.CLAMP, Attrs.of("max", max), this); }
  public Tensor leakyRelu(double negativeSlope) { return Dispatcher.apply1(Elementwise.LEAKY_RELU, Attrs.of("negative_slope", negativeSlope), this); }

  // comparisons -> bool
  public Tensor eq(Tensor o) { return binary(BinaryOp.EQ, o); }
  public Tensor eq(double v) { return eq(scalarOperand(v)); }
  public Tensor ne(Tensor o) { return binary(BinaryOp.NE, o); }
  public Tensor ne(double v) { return ne(scalarOperand(v)); }
  public Tensor gt(Tensor o) { return binary(BinaryOp.GT, o); }
  public Tensor gt(double v) { return gt(scalarOperand(v)); }
  public Tensor ge(Tensor o) { return binary(BinaryOp.GE, o); }
  public Tensor ge(double v) { return ge(scalarOperand(v)); }
  public Tensor lt(Tensor o) { return binary(BinaryOp.LT, o); }
  public Tensor lt(double v) { return lt(scalarOperand(v)); }
  public Tensor le(Tensor o) { return binary(BinaryOp.LE, o); }
  public Tensor le(double v) { return le(scalarOperand(v)); }
  public Tensor eq(long v) { return eq(scalarOperand(v)); }
  public Tensor ne(long v) { return ne(scalarOperand(v)); }
  public Tensor gt(long v) { return gt(scalarOperand(v)); }
  public Tensor ge(long v) { return ge(scalarOperand(v)); }
  public Tensor lt(long v) { return lt(scalarOperand(v)); }
  public Tensor le(long v) { return le(scalarOperand(v)); }
  public Tensor logicalAnd(Tensor o) { return binary(BinaryOp.LOGICAL_AND, o); }
  public Tensor logicalOr(Tensor o) { return binary(BinaryOp.LOGICAL_OR, o); }
  /** {@code where(mask, value, self)}: elements where {@code mask} is true become {@code value}. */
  public Tensor maskedFill(Tensor mask, double value) {
    return Dispatcher.apply1("MaskedFillBackward0", Elementwise.WHERE, Attrs.EMPTY, mask, scalarOperand(value).to(dtype()), this);
  }

  /** {@code self + alpha * other} (AddBackward0), PyTorch's {@code add(other, alpha=...)}. */
  public Tensor add(Tensor o, double alpha) { return alpha == 1 ? add(o) : Dispatcher.apply1(Elementwise.ADD, Attrs.of("alpha", alpha), this, o); }
  /** {@code self - alpha * other} (SubBackward0). */
  public Tensor sub(Tensor o, double alpha) { return alpha == 1 ? sub(o) : Dispatcher.apply1(Elementwise.SUB, Attrs.of("alpha", alpha), this, o); }
  /** {@code other - self} (RsubBackward0), {@code torch.rsub(self, other)}. */
  public Tensor rsub(Tensor o) { return Dispatcher.apply1("RsubBackward0", Elementwise.SUB, Attrs.EMPTY, o, this); }
  /** {@code v - self} (RsubBackward1): Python's {@code 1 - x}. */
  public Tensor rsub(double v) { return Dispatcher.apply1("RsubBackward1", Elementwise.SUB, Attrs.EMPTY, scalarOperand(v), this); }
  public Tensor rsub(long v) { return Dispatcher.apply1("RsubBackward1", Elementwise.SUB, Attrs.EMPTY, scalarOperand(v), this); }
  /** {@code v / self}: Python's {@code 2 / x} (ReciprocalBackward0 then MulBackward0, as PyTorch records it). */
  public Tensor rdiv(double v) { return reciprocal().mul(v); }
  /** {@code self + value * t1 * t2} (AddcmulBackward0). */
  public Tensor addcmul(Tensor t1, Tensor t2, double value) { return Dispatcher.apply1(dev.tcompile.ir.ops.Addc.ADDCMUL, Attrs.of("value", value), this, t1, t2); }
  public Tensor addcmul(Tensor t1, Tensor t2) { return addcmul(t1, t2, 1.0); }
  /** {@code self + value * t1 / t2} (AddcdivBackward0). */
  public Tensor addcdiv(Tensor t1, Tensor t2, double value) { return Dispatcher.apply1(dev.tcompile.ir.ops.Addc.ADDCDIV, Attrs.of("value", value), this, t1, t2); }
  public Tensor addcdiv(Tensor t1, Tensor t2) { return addcdiv(t1, t2, 1.0); }

  /**
   * {@code torch.allclose}: {@code |self - other| <= atol + rtol * |other|} everywhere (after broadcasting), NaN
   * never close. Reads values on the host, so inside {@code Torch.compile} it is a graph break.
   */
  public boolean allclose(Tensor other) { return allclose(other, 1e-5, 1e-8, false); }

  public boolean allclose(Tensor other, double rtol, double atol, boolean equalNan) {
    if (dtype() != other.dtype())
      throw new TorchException(dtype().legacyName() + " did not match " + other.dtype().legacyName());
    Tracing.graphBreak(this, "allclose()");
    Tracing.graphBreak(other, "allclose()");
    int[] shape = Shapes.broadcast(data.shape(), other.data.shape());
    NDArray a = data.view(shape, Shapes.broadcastStrides(data.shape(), data.strides(), shape), data.offset()).contiguous();
    NDArray b = other.data.view(shape, Shapes.broadcastStrides(other.data.shape(), other.data.strides(), shape), other.data.offset()).contiguous();
    for (long i = 0, n = a.numel(); i < n; i++) {
      double x = a.getDouble((int) i), y = b.getDouble((int) i);
      if (x == y) continue;
      if (Double.isNaN(x) || Double.isNaN(y)) { if (equalNan && Double.isNaN(x) && Double.isNaN(y)) continue; return false; }
      if (dtype() == DType.FLOAT32) {
        float err = Math.abs((float) x - (float) y), allowed = (float) atol + Math.abs((float) rtol * (float) y);
        if (!(Float.isFinite(err) && err <= allowed)) return false;
      } else if (!(Math.abs(x - y) <= atol + Math.abs(rtol * y))) return false;
    }
    return true;
  }

  /** {@code torch.equal}: same shape and the same values (NaN is not equal to itself). A graph break when traced. */
  public boolean equal(Tensor other) {
    Tracing.graphBreak(this, "equal()");
    Tracing.graphBreak(other, "equal()");
    if (!java.util.Arrays.equals(data.shape(), other.data.shape())) return false;
    NDArray a = data.contiguous(), b = other.data.contiguous();
    for (int i = 0, n = (int) a.numel(); i < n; i++) if (!(a.getDouble(i) == b.getDouble(i))) return false;
    return true;
  }

  // ======================================== reductions ========================================

  private Tensor reduce(OpDef op, String name, Attrs a) { return Dispatcher.apply1(name, op, a, this); }
  private static Attrs dims(int[] d, boolean keepdim) { return Attrs.of("dims", d, "keepdim", keepdim); }

  public Tensor sum() { return reduce(Reductions.SUM, null, Attrs.EMPTY); }
  public Tensor sum(int dim, boolean keepdim) { return sum(new int[]{dim}, keepdim); }
  public Tensor sum(int[] dims, boolean keepdim) { return reduce(Reductions.SUM, null, dims(dims, keepdim)); }
  public Tensor mean() { return reduce(Reductions.MEAN, null, Attrs.EMPTY); }
  public Tensor mean(int dim, boolean keepdim) { return mean(new int[]{dim}, keepdim); }
  public Tensor mean(int[] dims, boolean keepdim) { return reduce(Reductions.MEAN, null, dims(dims, keepdim)); }
  public Tensor prod() { return reduce(Reductions.PROD, null, Attrs.EMPTY); }
  /** The largest element (MaxBackward1). */
  public Tensor max() { return reduce(Reductions.AMAX, "MaxBackward1", Attrs.EMPTY); }
  public Tensor min() { return reduce(Reductions.AMIN, "MinBackward1", Attrs.EMPTY); }
  public Tensor amax(int[] dims, boolean keepdim) { return reduce(Reductions.AMAX, null, dims(dims, keepdim)); }
  public Tensor amin(int[] dims, boolean keepdim) { return reduce(Reductions.AMIN, null, dims(dims, keepdim)); }

  /** Values and int64 indices of the maxima along {@code dim}. */
  public ValuesIndices max(int dim) { return max(dim, false); }
  public ValuesIndices max(int dim, boolean keepdim) { return valuesIndices(Reductions.MAX_DIM, dim, keepdim); }
  public ValuesIndices min(int dim) { return min(dim, false); }
  public ValuesIndices min(int dim, boolean keepdim) { return valuesIndices(Reductions.MIN_DIM, dim, keepdim); }

  private ValuesIndices valuesIndices(OpDef op, int dim, boolean keepdim) {
    Tensor[] r = Dispatcher.apply(op, Attrs.of("dim", dim, "keepdim", keepdim), null, this);
    return new ValuesIndices(r[0], r[1]);
  }

  /** {@code torch.return_types.max}: the values and their int64 indices. */
  public record ValuesIndices(Tensor values, Tensor indices) {
    @Override public String toString() {
      return "torch.return_types.max(\nvalues=" + values + ",\nindices=" + indices + ")";
    }
  }

  public Tensor argmax() { return Dispatcher.apply1(Reductions.ARGMAX, Attrs.EMPTY, this); }
  public Tensor argmax(int dim) { return argmax(dim, false); }
  public Tensor argmax(int dim, boolean keepdim) { return Dispatcher.apply1(Reductions.ARGMAX, Attrs.of("dim", dim, "keepdim", keepdim), this); }
  public Tensor argmin() { return Dispatcher.apply1(Reductions.ARGMIN, Attrs.EMPTY, this); }
  public Tensor argmin(int dim) { return Dispatcher.apply1(Reductions.ARGMIN, Attrs.of("dim", dim, "keepdim", false), this); }
  /** The 2-norm of all elements. */
  public Tensor norm() { return norm(2.0); }
  public Tensor norm(double p) { return Dispatcher.apply1(Reductions.NORM, Attrs.of("p", p), this); }
  public Tensor norm(double p, int[] dims, boolean keepdim) { return Dispatcher.apply1(Reductions.NORM, Attrs.of("p", p, "dims", dims, "keepdim", keepdim), this); }
  /** Unbiased variance of all elements. */
  public Tensor var() { return Dispatcher.apply1(Reductions.VAR, Attrs.of("correction", 1.0), this); }
  public Tensor var(int dim, boolean unbiased, boolean keepdim) {
    return Dispatcher.apply1(Reductions.VAR, Attrs.of("dims", new int[]{dim}, "correction", unbiased ? 1.0 : 0.0, "keepdim", keepdim), this);
  }
  public Tensor std() { return Dispatcher.apply1(Reductions.STD, Attrs.of("correction", 1.0), this); }
  public Tensor std(int dim, boolean unbiased, boolean keepdim) {
    return Dispatcher.apply1(Reductions.STD, Attrs.of("dims", new int[]{dim}, "correction", unbiased ? 1.0 : 0.0, "keepdim", keepdim), this);
  }
  public Tensor all() { return Dispatcher.apply1(Reductions.ALL, Attrs.EMPTY, this); }
  public Tensor any() { return Dispatcher.apply1(Reductions.ANY, Attrs.EMPTY, this); }
  public Tensor softmax(int dim) { return Dispatcher.apply1(Activations.SOFTMAX, Attrs.of("dim", dim), this); }
  public Tensor logSoftmax(int dim) { return Dispatcher.apply1(Activations.LOG_SOFTMAX, Attrs.of("dim", dim), this); }

  // ======================================== shapes and views ========================================

  private Tensor reshapeNamed(String name, int[] shape) { return Dispatcher.apply1(name, Views.RESHAPE, Attrs.of("shape", shape), this); }

  /** A view with another shape (one -1 is inferred); PyTorch's error when the strides cannot express it. */
  public Tensor view(int... shape) {
    int[] s = Shapes.inferSize(shape, numel());
    if (ViewMath.computeStrides(data.shape(), data.strides(), s) == null)
      throw new TorchException("view size is not compatible with input tensor's size and stride (at least one dimension spans "
          + "across two contiguous subspaces). Use .reshape(...) instead.");
    return reshapeNamed("ViewBackward0", s);
  }

  /** view() when the strides allow it, else a contiguous copy reshaped. */
  public Tensor reshape(int... shape) {
    int[] s = Shapes.inferSize(shape, numel());
    if (ViewMath.computeStrides(data.shape(), data.strides(), s) != null) return reshapeNamed("ReshapeAliasBackward0", s);
    return clone().reshapeNamed("UnsafeViewBackward0", s);
  }

  public Tensor flatten() { return flatten(0, -1); }

  public Tensor flatten(int startDim, int endDim) {
    int nd = dim();
    if (nd == 0) return reshape(1);
    int s = Shapes.wrapDim(startDim, nd), e = Shapes.wrapDim(endDim, nd);
    if (s > e) throw new TorchException("flatten() has invalid args: start_dim cannot come after end_dim");
    if (s == e) return this;
    int[] shape = data.shape();
    int[] out = new int[nd - (e - s)];
    int j = 0;
    for (int i = 0; i < s; i++) out[j++] = shape[i];
    int m = 1;
    for (int i = s; i <= e; i++) m *= shape[i];
    out[j++] = m;
    for (int i = e + 1; i < nd; i++) out[j++] = shape[i];
    return reshape(out);
  }

  public Tensor squeeze() {
    int[] shape = data.shape();
    int n = 0;
    for (int s : shape) if (s != 1) n++;
    int[] out = new int[n];
    for (int i = 0, j = 0; i < shape.length; i++) if (shape[i] != 1) out[j++] = shape[i];
    return reshapeNamed("SqueezeBackward0", out);
  }

  public Tensor squeeze(int dim) {
    int nd = dim();
    if (nd == 0) { Shapes.wrapDim(dim, 0); return reshapeNamed("SqueezeBackward1", Shapes.SCALAR); }
    int d = Shapes.wrapDim(dim, nd);
    int[] shape = data.shape();
    if (shape[d] != 1) return reshapeNamed("SqueezeBackward1", shape.clone());
    int[] out = new int[nd - 1];
    for (int i = 0, j = 0; i < nd; i++) if (i != d) out[j++] = shape[i];
    return reshapeNamed("SqueezeBackward1", out);
  }

  public Tensor unsqueeze(int dim) {
    int nd = dim();
    int d = Shapes.wrapDim(dim, nd + 1);
    int[] shape = data.shape(), out = new int[nd + 1];
    for (int i = 0, j = 0; i <= nd; i++) out[i] = i == d ? 1 : shape[j++];
    return reshapeNamed("UnsqueezeBackward0", out);
  }

  private Tensor permuteNamed(String name, int[] dims) { return Dispatcher.apply1(name, Views.PERMUTE, Attrs.of("dims", dims), this); }

  public Tensor permute(int... dims) { return permuteNamed(null, dims); }

  public Tensor transpose(int dim0, int dim1) {
    int nd = dim();
    int[] p = Shapes.allDims(nd);
    if (nd == 0) { Shapes.wrapDim(dim0, 0); Shapes.wrapDim(dim1, 0); return permuteNamed("TransposeBackward0", p); }
    int a = Shapes.wrapDim(dim0, nd), b = Shapes.wrapDim(dim1, nd);
    p[a] = b;
    p[b] = a;
    return permuteNamed("TransposeBackward0", p);
  }

  /** Transpose of a matrix; vectors and scalars come back as they are (TBackward0). */
  public Tensor t() {
    if (dim() > 2) throw new TorchException("t() expects a tensor with <= 2 dimensions, but self is " + dim() + "D");
    return permuteNamed("TBackward0", dim() == 2 ? new int[]{1, 0} : Shapes.allDims(dim()));
  }

  public Tensor expand(int... shape) { return Dispatcher.apply1(Views.EXPAND, Attrs.of("shape", shape), this); }

  public Tensor expandAs(Tensor other) { return expand(other.shapeArray()); }

  public Tensor contiguous() { return isContiguous() ? this : clone(); }

  public Tensor narrow(int dim, int start, int length) {
    if (dim() == 0) throw new TorchException("narrow() cannot be applied to a 0-dim tensor.");
    int d = Shapes.wrapDim(dim, dim());
    int size = data.shape()[d];
    // ATen wraps start like a dim (so its message speaks of dims), except that start == size is allowed
    int s = start == size ? start : Shapes.wrapDim(start, size);
    if (length < 0 || s > size - length)
      throw new TorchException("start (" + s + ") + length (" + length + ") exceeds dimension size (" + size + ").");
    return Dispatcher.apply1(Views.SLICE, Attrs.of("dim", d, "start", s, "end", s + length, "step", 1), this);
  }

  /** Python's {@code x[start:end:step]} along {@code dim}, with Python's clamping of the bounds. */
  public Tensor slice(int dim, int start, int end, int step) {
    int d = Shapes.wrapDim(dim, dim());
    int size = data.shape()[d];
    int s = clampIndex(start, size), e = clampIndex(end, size);
    if (e < s) e = s;
    return Dispatcher.apply1(Views.SLICE, Attrs.of("dim", d, "start", s, "end", e, "step", step), this);
  }

  private static int clampIndex(int i, int size) {
    if (i < 0) i += size;
    return Math.max(0, Math.min(i, size));
  }

  public Tensor select(int dim, int index) { return Dispatcher.apply1(Views.SELECT, Attrs.of("dim", dim, "index", index), this); }

  public Tensor indexSelect(int dim, Tensor index) { return Dispatcher.apply1(Indexing.INDEX_SELECT, Attrs.of("dim", dim), this, index); }

  public Tensor gather(int dim, Tensor index) { return Dispatcher.apply1(Indexing.GATHER, Attrs.of("dim", dim), this, index); }

  /** {@code view(other.shape)} (ViewBackward0). */
  public Tensor viewAs(Tensor other) { return view(other.shapeArray()); }

  /**
   * {@code torch.split(x, splitSize, dim)}: pieces of {@code splitSize} along {@code dim} (the last may be
   * smaller), views of this tensor, all outputs of one SplitBackward0 (its backward concatenates their gradients).
   * Unlike PyTorch, writing in place into a piece is allowed.
   */
  public List<Tensor> split(int splitSize, int dim) {
    int d = Shapes.wrapDim(dim, dim());
    if (dim() == 0) throw new TorchException("split expects at least a 1-dimensional tensor");
    int size = data.shape()[d];
    if (splitSize < 0) throw new TorchException("split expects split_size be non-negative, but got split_size=" + splitSize);
    if (splitSize == 0 && size != 0)
      throw new TorchException("split_size can only be 0 if dimension size is 0, but got dimension size of " + size);
    int n = splitSize == 0 ? 1 : Math.max((size + splitSize - 1) / splitSize, 1);
    List<Tensor> out = new ArrayList<>(n);
    try (GradGuard off = Torch.noGrad()) {
      for (int i = 0; i < n; i++) {
        int start = i * splitSize, end = Math.min(size, start + splitSize);
        out.add(piece(null, d, start, end));
      }
    }
    return PiecesBackward.attach("SplitBackward0", this, d, false, out);
  }

  public List<Tensor> split(int splitSize) { return split(splitSize, 0); }

  /** {@code torch.split(x, [sizes], dim)} (SplitWithSizesBackward0). */
  public List<Tensor> split(int[] sizes, int dim) {
    int d = Shapes.wrapDim(dim, dim());
    if (dim() == 0) throw new TorchException("split expects at least a 1-dimensional tensor");
    int size = data.shape()[d], sum = 0;
    for (int s : sizes) {
      if (s < 0) throw new TorchException("split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=" + Shapes.str(sizes));
      sum += s;
    }
    if (sum != size)
      throw new TorchException("split_with_sizes expects split_sizes to sum exactly to " + size + " (input tensor's size at dimension "
          + d + "), but got split_sizes=" + Shapes.str(sizes));
    List<Tensor> out = new ArrayList<>(sizes.length);
    try (GradGuard off = Torch.noGrad()) {
      for (int i = 0, at = 0; i < sizes.length; at += sizes[i++]) out.add(piece(null, d, at, at + sizes[i]));
    }
    return PiecesBackward.attach("SplitWithSizesBackward0", this, d, false, out);
  }

  /** {@code x.chunk(chunks, dim)}: split into pieces of {@code ceil(size / chunks)} (SplitBackward0). */
  public List<Tensor> chunk(int chunks, int dim) {
    if (dim() == 0) throw new TorchException("chunk expects at least a 1-dimensional tensor");
    if (chunks <= 0) throw new TorchException("chunk expects `chunks` to be greater than 0, got: " + chunks);
    int size = data.shape()[Shapes.wrapDim(dim, dim())];
    int splitSize = (size + chunks - 1) / chunks;
    if (splitSize == 0 && size == 0) {
      int d = Shapes.wrapDim(dim, dim());
      List<Tensor> out = new ArrayList<>(chunks);
      try (GradGuard off = Torch.noGrad()) {
        for (int i = 0; i < chunks; i++) out.add(piece(null, d, 0, 0));
      }
      return PiecesBackward.attach("SplitBackward0", this, d, false, out);
    }
    return split(splitSize, dim);
  }

  public List<Tensor> chunk(int chunks) { return chunk(chunks, 0); }

  /** {@code x.unbind(dim)}: the slices along {@code dim}, that dim removed (UnbindBackward0). */
  public List<Tensor> unbind(int dim) {
    if (dim() == 0) throw new TorchException("Dimension specified as 0 but tensor has no dimensions");
    int d = Shapes.wrapDim(dim, dim());
    int n = data.shape()[d];
    List<Tensor> out = new ArrayList<>(n);
    try (GradGuard off = Torch.noGrad()) {
      for (int i = 0; i < n; i++) out.add(Dispatcher.apply1(Views.SELECT, Attrs.of("dim", d, "index", i), this));
    }
    return PiecesBackward.attach("UnbindBackward0", this, d, true, out);
  }

  public List<Tensor> unbind() { return unbind(0); }

  /** {@code torch.tensor_split(x, sections, dim)}: the first {@code size % sections} pieces one longer (SliceBackward0). */
  public List<Tensor> tensorSplit(int sections, int dim) {
    if (dim() == 0) throw new TorchException("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims");
    if (sections <= 0) throw new TorchException("number of sections must be larger than 0, got " + sections);
    int d = Shapes.wrapDim(dim, dim());
    int size = data.shape()[d], min = size / sections, extra = size % sections;
    List<Tensor> out = new ArrayList<>(sections);
    for (int i = 0, at = 0; i < sections; i++) {
      int len = min + (i < extra ? 1 : 0);
      out.add(piece(null, d, at, at + len));
      at += len;
    }
    return out;
  }

  /** {@code torch.tensor_split(x, indices, dim)}: pieces {@code [0, i0), [i0, i1), ..., [ik, size)} (SliceBackward0). */
  public List<Tensor> tensorSplit(int[] indices, int dim) {
    if (dim() == 0) throw new TorchException("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims");
    int d = Shapes.wrapDim(dim, dim());
    List<Tensor> out = new ArrayList<>(indices.length + 1);
    int prev = 0;
    for (int i = 0; i <= indices.length; i++) {
      int end = i < indices.length ? indices[i] : data.shape()[d];
      out.add(slice(d, prev, end, 1));
      prev = end;
    }
    return out;
  }

  private Tensor piece(String gradName, int d, int start, int end) {
    return Dispatcher.apply1(gradName, Views.SLICE, Attrs.of("dim", d, "start", start, "end", end, "step", 1), this);
  }

  /**
   * Python's subscript {@code x[...]}: integers, slices, None and the ellipsis make views (SelectBackward0,
   * SliceBackward0, UnsqueezeBackward0); int64 index tensors and bool masks index as PyTorch's advanced indexing
   * does (IndexBackward0). See {@link Idx} for the spelling of each entry.
   */
  public Tensor index(Idx... indices) { return Indexer.index(this, indices); }

  /** {@code x[indices]} with one int64 index tensor or bool mask. */
  public Tensor index(Tensor indices) { return index(Idx.tensor(indices)); }

  /**
   * Python's {@code x[...] = values}: the basic entries pick a view, then index tensors write through
   * {@code index_put_} (IndexPutBackward0; CopySlices when the view is not this tensor), or, without index tensors,
   * {@code copy_} broadcasts {@code values} into the view. Returns this tensor.
   */
  public Tensor indexPut_(Idx[] indices, Tensor values) { return Indexer.indexPut(this, indices, values); }

  /** {@code x[...] = 2.5}: a Python number, converted to this tensor's dtype. */
  public Tensor indexPut_(Idx[] indices, double value) {
    return indexPut_(indices, new Tensor(NDArray.scalar(dtype(), value)));
  }

  /** {@code x.index_put_(indices, values, accumulate)}: one index tensor per leading dim; accumulate adds repeats up. */
  public Tensor indexPut_(Tensor[] indices, Tensor values, boolean accumulate) {
    return Indexer.indexPutTensors(this, indices, values, accumulate, true);
  }

  /** The out-of-place {@code x.index_put(indices, values, accumulate)}. */
  public Tensor indexPut(Tensor[] indices, Tensor values, boolean accumulate) {
    return Indexer.indexPutTensors(this, indices, values, accumulate, false);
  }

  // ======================================== matrix products ========================================

  public Tensor mm(Tensor o) { return call(dev.tcompile.ir.ops.LinearAlgebra.MM, this, o); }
  public Tensor bmm(Tensor o) { return call(dev.tcompile.ir.ops.LinearAlgebra.BMM, this, o); }
  public Tensor mv(Tensor v) { return call(dev.tcompile.ir.ops.LinearAlgebra.MV, this, v); }
  public Tensor dot(Tensor o) { return call(dev.tcompile.ir.ops.LinearAlgebra.DOT, this, o); }

  /** NumPy-style matrix product, decomposed into dot/mv/mm/bmm exactly as PyTorch decomposes it. */
  public Tensor matmul(Tensor o) { return MatmulDecomposition.matmul(this, o); }

  // ======================================== in place ========================================

  public Tensor add_(Tensor o) { return InPlace.apply(this, Elementwise.ADD, Attrs.EMPTY, o); }
  public Tensor add_(double v) { return add_(scalarOperand(v)); }
  public Tensor add_(long v) { return add_(scalarOperand(v)); }
  public Tensor sub_(Tensor o) { return InPlace.apply(this, Elementwise.SUB, Attrs.EMPTY, o); }
  public Tensor sub_(double v) { return sub_(scalarOperand(v)); }
  public Tensor sub_(long v) { return sub_(scalarOperand(v)); }
  public Tensor mul_(Tensor o) { return InPlace.apply(this, Elementwise.MUL, Attrs.EMPTY, o); }
  public Tensor mul_(double v) { return mul_(scalarOperand(v)); }
  public Tensor mul_(long v) { return mul_(scalarOperand(v)); }
  public Tensor div_(Tensor o) { return InPlace.apply(this, Elementwise.DIV, Attrs.EMPTY, o); }
  public Tensor div_(double v) { return div_(scalarOperand(v)); }
  public Tensor div_(long v) { return div_(scalarOperand(v)); }
  /** {@code self += alpha * other} (AddBackward0). */
  public Tensor add_(Tensor o, double alpha) { return alpha == 1 ? add_(o) : InPlace.apply(this, Elementwise.ADD, Attrs.of("alpha", alpha), o); }
  /** {@code self -= alpha * other} (SubBackward0). */
  public Tensor sub_(Tensor o, double alpha) { return alpha == 1 ? sub_(o) : InPlace.apply(this, Elementwise.SUB, Attrs.of("alpha", alpha), o); }
  /** {@code self += value * t1 * t2} (AddcmulBackward0). */
  public Tensor addcmul_(Tensor t1, Tensor t2, double value) { return InPlace.apply(this, dev.tcompile.ir.ops.Addc.ADDCMUL, Attrs.of("value", value), t1, t2); }
  public Tensor addcmul_(Tensor t1, Tensor t2) { return addcmul_(t1, t2, 1.0); }
  /** {@code self += value * t1 / t2} (AddcdivBackward0). */
  public Tensor addcdiv_(Tensor t1, Tensor t2, double value) { return InPlace.apply(this, dev.tcompile.ir.ops.Addc.ADDCDIV, Attrs.of("value", value), t1, t2); }
  public Tensor addcdiv_(Tensor t1, Tensor t2) { return addcdiv_(t1, t2, 1.0); }
  private Tensor unary_(UnaryOp k) { return InPlace.apply(this, Elementwise.unary(k), Attrs.EMPTY); }
  public Tensor neg_() { return unary_(UnaryOp.NEG); }
  public Tensor abs_() { return unary_(UnaryOp.ABS); }
  public Tensor exp_() { return unary_(UnaryOp.EXP); }
  public Tensor log_() { return unary_(UnaryOp.LOG); }
  public Tensor log1p_() { return unary_(UnaryOp.LOG1P); }
  public Tensor expm1_() { return unary_(UnaryOp.EXPM1); }
  public Tensor sqrt_() { return unary_(UnaryOp.SQRT); }
  public Tensor rsqrt_() { return unary_(UnaryOp.RSQRT); }
  public Tensor sin_() { return unary_(UnaryOp.SIN); }
  public Tensor cos_() { return unary_(UnaryOp.COS); }
  public Tensor tanh_() { return unary_(UnaryOp.TANH); }
  public Tensor sigmoid_() { return unary_(UnaryOp.SIGMOID); }
  public Tensor erf_() { return unary_(UnaryOp.ERF); }
  public Tensor reciprocal_() { return unary_(UnaryOp.RECIPROCAL); }
  public Tensor sign_() { return unary_(UnaryOp.SIGN); }
  public Tensor floor_() { return unary_(UnaryOp.FLOOR); }
  public Tensor ceil_() { return unary_(UnaryOp.CEIL); }
  public Tensor round_() { return unary_(UnaryOp.ROUND); }
  /** In-place {@code x * x}, recorded as {@code pow_(2)} (PowBackward0). */
  public Tensor square_() { return InPlace.apply(this, Elementwise.POW_SCALAR, Attrs.of("exponent", 2L)); }
  public Tensor pow_(double p) { return InPlace.apply(this, Elementwise.POW_SCALAR, Attrs.of("exponent", p)); }
  public Tensor clamp_(double min, double max) { return InPlace.apply(this, Elementwise.CLAMP, Attrs.of("min", min, "max", max)); }
  public Tensor relu_() { return InPlace.apply(this, Elementwise.unary(UnaryOp.RELU), Attrs.EMPTY); }
  public Tensor zero_() { return InPlace.apply(this, "ZeroBackward0", Creation.FULL_LIKE, Attrs.of("value", 0.0)); }
  public Tensor fill_(double v) { return InPlace.apply(this, Creation.FULL_LIKE, Attrs.of("value", v)); }
  /** Copies {@code src} (broadcast, converted) into this tensor; the gradient flows to src. */
  public Tensor copy_(Tensor src) { return InPlace.apply(this, Creation.COPY, Attrs.EMPTY, src); }
  /** Fills with U[from, to) from the default generator. */
  public Tensor uniform_(double from, double to) { return InPlace.overwrite(this, "UniformBackward0", Rng.uniformLike(data, from, to)); }
  /** Fills with N(mean, std^2) from the default generator. */
  public Tensor normal_(double mean, double std) { return InPlace.overwrite(this, "NormalBackward0", Rng.normalLike(data, mean, std)); }
  /**
   * Fills with ones (probability {@code p}) and zeros, drawing from the default generator exactly as PyTorch
   * 1.13's CPU {@code bernoulli_(p)} (non-MKL build): one 64-bit draw per element, in memory order. A
   * contiguous tensor gets its mask from the {@code bernoulli} op fed with the generator's state, so a traced
   * program replays it (see {@link Sampling}); any other layout is filled on the host.
   */
  public Tensor bernoulli_(double p) {
    if (!(p >= 0 && p <= 1)) throw new TorchException("bernoulli_ expects p to be in [0, 1], but got p=" + Rng.cDouble(p));
    if (!data.isContiguous()) return InPlace.overwrite(this, "BernoulliBackward2", Rng.bernoulliLike(data, p));
    Attrs a = Attrs.of("shape", data.shape().clone(), "p", p);
    Tensor state = new Tensor(Rng.takeState(Sampling.draws32(a)));
    Tensor mask = Dispatcher.apply1(Sampling.BERNOULLI, a, state);
    return InPlace.apply(this, "BernoulliBackward2", Creation.COPY, Attrs.EMPTY, mask);
  }

  /**
   * {@code self.bernoulli_(p)} with a float32 probability tensor broadcast to this tensor's shape: one float
   * draw per element from the default generator, as PyTorch's CPU kernel (BernoulliBackward1).
   */
  public Tensor bernoulli_(Tensor p) {
    if (p.dtype() != DType.FLOAT32) throw new TorchException("\"bernoulli_tensor_cpu_p_\" not implemented for '" + p.dtype().legacyName() + "'");
    Shapes.broadcastStrides(p.data.shape(), p.data.strides(), data.shape()); // PyTorch's expand_inplace check
    return InPlace.overwrite(this, "BernoulliBackward1", Rng.bernoulliLike(data, p.data));
  }

  /**
   * {@code torch.bernoulli(self, p)}: a new tensor of this shape with ones drawn with probability p (as
   * {@code empty_like(self).bernoulli_(p)}); not differentiable.
   */
  public Tensor bernoulli(double p) {
    if (!(p >= 0 && p <= 1)) throw new TorchException("bernoulli_ expects p to be in [0, 1], but got p=" + Rng.cDouble(p));
    Tensor out = new Tensor(NDArray.empty(dtype(), data.shape()));
    try (var g = Torch.noGrad()) {
      out.bernoulli_(p);
    }
    return out;
  }

  /**
   * {@code torch.bernoulli(self)}: ones with probability given by this float32 tensor's elements (in [0, 1]),
   * one float draw per element from the default generator, as PyTorch's CPU kernel; the result does not
   * require grad through the samples (its grad_fn, BernoulliBackward0, passes zeros).
   */
  public Tensor bernoulli() {
    if (dtype() != DType.FLOAT32) throw new TorchException("\"bernoulli_tensor_cpu_p_\" not implemented for '" + dtype().legacyName() + "'");
    return Dispatcher.apply(Creation.COPY, Attrs.EMPTY, "BernoulliBackward0", this, Tensor.wrap(Rng.bernoulliOf(data)))[0];
  }

}
