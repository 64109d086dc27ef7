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
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.Reduce;
import dev.tcompile.runtime.kernels.UnaryOp;

/**
 * Reductions. Attributes: {@code dims} (absent = every dim, PyTorch's full reduction and its
 * {@code ...Backward0} node; present = {@code ...Backward1}) and {@code keepdim}.
 */
public final class Reductions {
  private Reductions() {}

  public static final OpDef SUM = new Simple("sum", Reduce.Kind.SUM), MEAN = new Simple("mean", Reduce.Kind.MEAN),
      AMAX = new Simple("amax", Reduce.Kind.AMAX), AMIN = new Simple("amin", Reduce.Kind.AMIN),
      PROD = new Simple("prod", Reduce.Kind.PROD), ALL = new Simple("all", Reduce.Kind.ALL), ANY = new Simple("any", Reduce.Kind.ANY);
  public static final OpDef VAR = new Var("var", false), STD = new Var("std", true);
  public static final OpDef MAX_DIM = new MaxDim("max_dim", false), MIN_DIM = new MaxDim("min_dim", true);
  public static final OpDef ARGMAX = new ArgMax("argmax", false), ARGMIN = new ArgMax("argmin", true);
  public static final OpDef NORM = new Norm();

  /** The reduced-dims mask; absent dims mean all. */
  static boolean[] mask(Attrs a, int ndim) {
    if (!a.has("dims")) { boolean[] m = new boolean[ndim]; java.util.Arrays.fill(m, true); return m; }
    int[] dims = a.getInts("dims");
    if (dims.length == 0) { boolean[] m = new boolean[ndim]; java.util.Arrays.fill(m, true); return m; }
    return Shapes.dimMask(dims, ndim);
  }

  static boolean keepdim(Attrs a) { return a.getBool("keepdim", false); }

  /** Which dims a reduction with these attributes reduces (for kernels that fuse it). */
  public static boolean[] reducedDims(Attrs a, int ndim) { return mask(a, ndim); }

  static int count(int[] shape, boolean[] mask) {
    int n = 1;
    for (int i = 0; i < shape.length; i++) if (mask[i]) n *= shape[i];
    return n;
  }

  static TensorType reducedType(Attrs a, TensorType in, DType dt) {
    boolean[] m = mask(a, in.dim());
    return TensorType.of(dt, Shapes.reducedShape(in.shape(), m, keepdim(a)));
  }

  static String fullOrDim(Attrs a, String stem) { return stem + (a.has("dims") ? "Backward1" : "Backward0"); }

  /** The gradient of a reduced output, re-expanded to the input's shape. */
  static <T> T expandBack(Vjp<T> v, T g) {
    int[] in = v.inShape(0);
    return v.alg().unreduce(g, in, mask(v.attrs(), in.length), keepdim(v.attrs()));
  }

  // ---------------------------------------------------------------------------------------------------------
  static final class Simple extends OpDef {
    final Reduce.Kind kind;

    Simple(String name, Reduce.Kind kind) { super(name); this.kind = kind; }

    @Override public int arity() { return 1; }

    @Override public boolean differentiable(int i) {
      return kind == Reduce.Kind.SUM || kind == Reduce.Kind.MEAN || kind == Reduce.Kind.AMAX || kind == Reduce.Kind.AMIN || kind == Reduce.Kind.PROD;
    }

    @Override public boolean savesInput(Attrs a, int i) { return kind == Reduce.Kind.AMAX || kind == Reduce.Kind.AMIN || kind == Reduce.Kind.PROD; }
    @Override public boolean savesOutput(Attrs a, int i) { return savesInput(a, i); }

    @Override public String gradFnName(Attrs a) {
      return switch (kind) {
        case SUM -> fullOrDim(a, "Sum");
        case MEAN -> fullOrDim(a, "Mean");
        case PROD -> fullOrDim(a, "Prod");
        default -> super.gradFnName(a);
      };
    }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      DType d = in[0].dtype();
      if (kind == Reduce.Kind.MEAN && !d.isFloatingPoint())
        throw new TorchException("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: "
            + d.legacyName());
      if ((kind == Reduce.Kind.AMAX || kind == Reduce.Kind.AMIN) && in[0].numel() == 0)
        throw new TorchException((a.has("dims") ? name() : kind == Reduce.Kind.AMAX ? "max" : "min")
            + "(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
      return Elementwise.one(reducedType(a, in[0], Reduce.outType(kind, d)));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(Reduce.reduce(kind, in[0], mask(a, in[0].dim()), keepdim(a)));
    }

    /** A sum or mean writes into a given buffer (the memory plan's, or a caller's gradient), as {@link #eval} computes it. */
    @Override public boolean writesInto() { return kind == Reduce.Kind.SUM || kind == Reduce.Kind.MEAN; }

    @Override public NDArray[] evalInto(Attrs a, NDArray[] out, NDArray... in) {
      if (out[0] == null) return eval(a, in);
      return Elementwise.one(Reduce.reduce(kind, in[0], mask(a, in[0].dim()), keepdim(a), out[0]));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T g = expandBack(v, v.gradOut(0));
      switch (kind) {
        case SUM -> v.setGrad(0, g);
        // PyTorch's grad.expand(sizes) / numel: a division, not a multiplication by the reciprocal (which rounds differently)
        case MEAN -> v.setGrad(0, A.div(g, A.scalarLike(count(v.inShape(0), mask(v.attrs(), v.inType(0).dim())), g)));
        case AMAX, AMIN -> {
          // ties share the gradient evenly: evenly_distribute_backward for max()/min(), where a NaN result
          // sends the gradient to the NaN elements; scale_grad_by_count for amax/amin over dims
          T x = v.input(0), y = expandBack(v, v.output(0));
          T hit = A.compare(BinaryOp.EQ, x, y);
          if (!v.attrs().has("dims")) {
            T bothNan = A.op(Elementwise.binary(BinaryOp.LOGICAL_AND), Attrs.EMPTY, A.compare(BinaryOp.NE, x, x), A.compare(BinaryOp.NE, y, y));
            hit = A.op(Elementwise.binary(BinaryOp.LOGICAL_OR), Attrs.EMPTY, hit, bothNan);
          }
          T n = expandBack(v, A.op(SUM, v.attrs(), A.cast(hit, DType.FLOAT32)));
          // amax/amin: PyTorch's scale_grad_by_count, (grad / count) * mask; max()/min(): evenly_distribute_backward,
          // zeros masked_fill'ed with grad / count
          if (v.attrs().has("dims")) v.setGrad(0, A.mul(A.div(g, n), A.cast(hit, v.inType(0).dtype())));
          else v.setGrad(0, A.maskedKeep(hit, A.div(g, n)));
        }
        case PROD -> {
          T x = v.input(0), y = expandBack(v, v.output(0));
          v.setGrad(0, A.mul(g, A.div(y, x))); // PyTorch's grad * (result / self), exact where x != 0; zeros in x need the slow formula
        }
        default -> throw new TorchException(name() + " is not differentiable");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  /** var/std with a correction (1 = unbiased, PyTorch's default). */
  static final class Var extends OpDef {
    final boolean std;

    Var(String name, boolean std) { super(name); this.std = std; }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }
    @Override public boolean savesOutput(Attrs a, int i) { return std; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (!in[0].dtype().isFloatingPoint())
        throw new TorchException("std and var only support floating point and complex dtypes");
      return Elementwise.one(reducedType(a, in[0], in[0].dtype()));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(Reduce.var(in[0], mask(a, in[0].dim()), a.getDouble("correction", 1), keepdim(a), std));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      Attrs a = v.attrs();
      T x = v.input(0);
      boolean[] m = mask(a, v.inType(0).dim());
      int[] dims = dimsOf(m);
      double n = count(v.inShape(0), m) - a.getDouble("correction", 1);
      T centered = A.sub(x, A.op(MEAN, Attrs.of("dims", dims, "keepdim", true), x));
      T g = expandBack(v, v.gradOut(0));
      if (std) { // PyTorch's std_backward: var_backward of grad / (2 std), zero where std is zero
        T y = expandBack(v, v.output(0)), zero = A.scalarLike(0, y);
        g = A.where(A.compare(BinaryOp.EQ, y, zero), zero, A.div(g, A.mul(y, 2)));
      }
      v.setGrad(0, A.mul(A.mul(g, 2.0 / n), centered));
    }
  }

  static int[] dimsOf(boolean[] m) {
    int n = 0;
    for (boolean b : m) if (b) n++;
    int[] d = new int[n];
    for (int i = 0, j = 0; i < m.length; i++) if (m[i]) d[j++] = i;
    return d;
  }

  // ---------------------------------------------------------------------------------------------------------
  /** max(dim) / min(dim): (values, int64 indices) (MaxBackward0 / MinBackward0). */
  static final class MaxDim extends OpDef {
    final boolean min;

    MaxDim(String name, boolean min) { super(name); this.min = min; }

    @Override public int arity() { return 1; }
    @Override public int numOutputs(Attrs a) { return 2; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesOutput(Attrs a, int i) { return i == 1; }
    @Override public String gradFnName(Attrs a) { return min ? "MinBackward0" : "MaxBackward0"; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      int dim = Shapes.wrapDim(a.getInt("dim"), in[0].dim());
      if (in[0].dim() > 0 && in[0].size(dim) == 0)
        throw new TorchException((min ? "min" : "max") + "(): Expected reduction dim " + dim + " to have non-zero size.");
      boolean[] m = new boolean[in[0].dim()];
      if (in[0].dim() > 0) m[dim] = true;
      int[] s = Shapes.reducedShape(in[0].shape(), m, keepdim(a));
      return new TensorType[]{TensorType.of(in[0].dtype(), s), TensorType.of(DType.INT64, s)};
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      int dim = Shapes.wrapDim(a.getInt("dim"), in[0].dim());
      return Reduce.maxAlong(in[0], dim, keepdim(a), min);
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      int[] in = v.inShape(0);
      if (in.length == 0) { v.setGrad(0, v.gradOut(0)); return; }
      int dim = Shapes.wrapDim(v.attrs().getInt("dim"), in.length);
      T g = v.gradOut(0), idx = v.output(1);
      if (!keepdim(v.attrs())) {
        int[] kept = in.clone();
        kept[dim] = 1;
        g = A.reshape(g, kept);
        idx = A.reshape(idx, kept);
      }
      v.setGrad(0, A.op(Indexing.SCATTER_ADD, Attrs.of("shape", in, "dim", dim), idx, g));
    }
  }

  /** argmax/argmin, optionally along one dim. */
  static final class ArgMax extends OpDef {
    final boolean min;

    ArgMax(String name, boolean min) { super(name); this.min = min; }

    @Override public int arity() { return 1; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (in[0].dtype() == DType.BOOL) throw new TorchException("\"" + name() + "_cpu\" not implemented for 'Bool'");
      if (!a.has("dim")) {
        if (in[0].numel() == 0) throw new TorchException(name() + "(): Expected reduction dim to be specified for input.numel() == 0.");
        return Elementwise.one(TensorType.of(DType.INT64, keepdim(a) ? ones(in[0].dim()) : Shapes.SCALAR));
      }
      return new TensorType[]{MAX_DIM.infer(a, in)[1]};
    }

    private static int[] ones(int n) { int[] s = new int[n]; java.util.Arrays.fill(s, 1); return s; }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      NDArray x = in[0];
      if (!a.has("dim")) {
        NDArray flat = x.dense().view(new int[]{x.numel()}, new int[]{1}, 0);
        NDArray idx = Reduce.maxAlong(flat, 0, false, min)[1];
        return Elementwise.one(keepdim(a) ? idx.view(ones(x.dim()), new int[x.dim()], 0) : idx);
      }
      return new NDArray[]{Reduce.maxAlong(x, Shapes.wrapDim(a.getInt("dim"), x.dim()), keepdim(a), min)[1]};
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  /** p-norm over dims (NormBackward1 for {@code x.norm()} and {@code x.norm(p)}, as PyTorch 1.13 names it). */
  static final class Norm extends OpDef {
    Norm() { super("norm"); }

    @Override public int arity() { return 1; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }
    @Override public boolean savesOutput(Attrs a, int i) { return true; }
    @Override public String gradFnName(Attrs a) { return "NormBackward1"; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (!in[0].dtype().isFloatingPoint())
        throw new TorchException("norm(): input dtype should be either floating point or complex. Got " + in[0].dtype().legacyName() + " instead.");
      return Elementwise.one(reducedType(a, in[0], in[0].dtype()));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      double p = a.getDouble("p", 2);
      boolean[] m = mask(a, in[0].dim());
      NDArray x = in[0];
      if (p == Double.POSITIVE_INFINITY || p == Double.NEGATIVE_INFINITY)
        return Elementwise.one(Reduce.reduce(p > 0 ? Reduce.Kind.AMAX : Reduce.Kind.AMIN, dev.tcompile.runtime.kernels.Pointwise.unary(UnaryOp.ABS, x), m, keepdim(a)));
      if (x.dtype() == DType.FLOAT64) return Elementwise.one(DoubleNorm.norm(x, p, m, keepdim(a)));
      NDArray ax = dev.tcompile.runtime.kernels.Pointwise.unary(UnaryOp.ABS, x).to(DType.FLOAT32);
      if (p == 0) {
        NDArray nz = dev.tcompile.runtime.kernels.Pointwise.binary(BinaryOp.NE, ax, NDArray.scalar(DType.FLOAT32, 0), DType.FLOAT32);
        return Elementwise.one(Reduce.reduce(Reduce.Kind.SUM, nz, m, keepdim(a)).to(DType.FLOAT32));
      }
      // |x|^p per element, summed in double, then one root
      float pf = (float) p;
      NDArray powered = dev.tcompile.runtime.kernels.Pointwise.map(ax, f -> pf == 2f ? f * f : (float) Math.pow(f, pf));
      NDArray sums = Reduce.reduce(Reduce.Kind.SUM, powered, m, keepdim(a));
      float[] sd = sums.floats();
      for (int i = 0; i < sd.length; i++) sd[i] = (float) (p == 2 ? Math.sqrt(sd[i]) : Math.pow(sd[i], 1.0 / p));
      return Elementwise.one(sums);
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      double p = v.attrs().getDouble("p", 2);
      T x = v.input(0), g = expandBack(v, v.gradOut(0)), y = expandBack(v, v.output(0));
      T zero = A.scalarLike(0, x);
      T r;
      if (p == 0) r = A.zeros(v.inType(0));
      else if (p == 1) r = A.mul(A.sign(x), g);                                                    // self.sgn() * grad
      else if (p == 2) r = A.mul(g, A.where(A.compare(BinaryOp.EQ, y, zero), zero, A.div(x, y)));  // grad * (self / norm).masked_fill_(norm == 0, 0)
      else if (Double.isInfinite(p)) {
        T ax = A.abs(x);
        T hit = A.cast(A.compare(BinaryOp.EQ, ax, y), DType.FLOAT32);
        T n = expandBack(v, A.op(SUM, v.attrs().has("dims") ? Attrs.of("dims", v.attrs().getInts("dims"), "keepdim", keepdim(v.attrs())) : Attrs.of("keepdim", keepdim(v.attrs())), hit));
        r = A.div(A.mul(A.mul(g, A.sign(x)), hit), n);
      } else {
        T num = A.mul(A.mul(x, A.pow(A.abs(x), p - 2)), g);
        r = A.where(A.compare(BinaryOp.EQ, y, zero), zero, A.div(num, A.pow(y, p - 1)));
      }
      v.setGrad(0, r);
    }
  }
}
