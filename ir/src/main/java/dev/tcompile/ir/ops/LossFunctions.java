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
import dev.tcompile.runtime.kernels.Losses;
import dev.tcompile.runtime.kernels.Losses.Reduction;
import dev.tcompile.runtime.kernels.UnaryOp;

/**
 * Losses with their own autograd nodes in PyTorch: nll_loss (+ backward), mse_loss, binary_cross_entropy and
 * binary_cross_entropy_with_logits. Attribute {@code reduction}: none, mean or sum. Composite losses
 * (cross_entropy = log_softmax + nll_loss, l1_loss, label smoothing) are built from ops by {@code nn.F}.
 * The elementwise losses' derivatives are written in primitives, so they differentiate again.
 */
public final class LossFunctions {
  private LossFunctions() {}

  public static final OpDef NLL_LOSS = new Nll(), NLL_LOSS_BACKWARD = new NllBackward(), MSE_LOSS = new Mse(),
      BINARY_CROSS_ENTROPY = new Bce(), BINARY_CROSS_ENTROPY_WITH_LOGITS = new BceWithLogits();

  static Reduction reduction(Attrs a) { return Reduction.of(a.getString("reduction")); }

  static TensorType reducedType(Attrs a, TensorType elementwise) {
    return reduction(a) == Reduction.NONE ? elementwise : TensorType.of(elementwise.dtype());
  }

  /** The loss's gradient spread over the elementwise shape: itself for none, expanded (and / n for mean) else. */
  static <T> T spread(Vjp<T> v, int[] shape) {
    Algebra<T> A = v.alg();
    T g = v.gradOut(0);
    return switch (reduction(v.attrs())) {
      case NONE -> g;
      case SUM -> A.expand(g, shape);
      case MEAN -> A.expand(A.mul(g, 1.0 / Shapes.numel(shape)), shape);
    };
  }

  static void floats(String op, TensorType t) {
    if (!t.dtype().isFloatingPoint()) throw new TorchException("\"" + op + "\" not implemented for '" + t.dtype().legacyName() + "'");
  }

  /**
   * The binary cross entropies compute in the input's floating dtype: every operand must have it (PyTorch's
   * binary_cross_entropy message; with logits PyTorch 1.13 mixes dtypes, tcompile refuses the same way).
   */
  static void sameFloat(String op, TensorType t, TensorType input) {
    floats(op, t);
    if (t.dtype() != input.dtype())
      throw new TorchException("Found dtype " + t.dtype().legacyName() + " but expected " + input.dtype().legacyName());
  }

  // ------------------------------------------------------------------------------------------------ nll_loss

  /** Checks (input, target[, weight]) as PyTorch's nll_loss / nll_loss2d do; returns the elementwise shape. */
  static int[] nllShape(TensorType[] in) {
    if (in.length != 2 && in.length != 3) throw new TorchException("nll_loss() expected 2 or 3 inputs but got " + in.length);
    TensorType x = in[0], t = in[1];
    if (t.dtype() != DType.INT64) throw new TorchException("expected scalar type Long but found " + t.dtype().legacyName());
    floats("nll_loss_forward_reduce_cuda_kernel_2d_index", x);
    if (in.length == 3 && in[2].dtype() != x.dtype())
      throw new TorchException("expected scalar type " + x.dtype().legacyName() + " but found " + in[2].dtype().legacyName());
    int nd = x.dim();
    if (nd == 4) {
      if (t.dim() != 3)
        throw new TorchException("only batches of spatial targets supported (3D tensors) but got targets of dimension: " + t.dim());
      if (x.size(0) != t.size(0) || x.size(2) != t.size(1) || x.size(3) != t.size(2))
        throw new TorchException("input and target batch or spatial sizes don't match: target " + Shapes.str(t.shape()) + ", input "
            + Shapes.str(x.shape()));
    } else if (nd == 1 || nd == 2) {
      if (t.dim() > 1) throw new TorchException("0D or 1D target tensor expected, multi-target not supported");
      boolean noBatch = nd == 1 && t.dim() == 0;
      if (!noBatch && (t.dim() == 0 || x.size(0) != t.size(0)))
        throw new TorchException("size mismatch (got input: " + Shapes.str(x.shape()) + ", target: " + Shapes.str(t.shape()) + ")");
    } else {
      throw new TorchException("nll_loss: input must be 1-D, 2-D or 4-D (got " + Shapes.str(x.shape()) + "); F.nllLoss reshapes others");
    }
    int c = nd == 1 ? x.size(0) : x.size(1);
    if (in.length == 3 && (in[2].dim() != 1 || in[2].numel() != c))
      throw new TorchException("weight tensor should be defined either for all " + c + " classes or no classes but got weight tensor of shape: "
          + Shapes.str(in[2].shape()));
    return t.shape();
  }

  /** nll_loss(input, target[, weight]): attributes reduction, ignore_index (NllLossBackward0 / NllLoss2DBackward0). */
  static final class Nll extends OpDef {
    Nll() { super("nll_loss"); }

    @Override public int arity() { return -1; }
    @Override public boolean differentiable(int i) { return i == 0; }
    @Override public boolean savesInput(Attrs a, int i) { return i > 0; }
    @Override public String gradFnName(Attrs a) { return "NllLossBackward0"; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      return Elementwise.one(reducedType(a, TensorType.of(in[0].dtype(), nllShape(in))));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(Losses.nllForward(in[0], in[1], in.length == 3 ? in[2] : null, reduction(a), a.getLong("ignore_index")));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      Attrs a = v.attrs().with("input_shape", v.inShape(0));
      T g = v.gradOut(0);
      v.setGrad(0, v.numInputs() == 3 ? A.op(NLL_LOSS_BACKWARD, a, g, v.input(1), v.input(2)) : A.op(NLL_LOSS_BACKWARD, a, g, v.input(1)));
    }
  }

  /** Inputs (gradOut, target[, weight]); attribute input_shape. Linear in gradOut: its derivative is nll_loss. */
  static final class NllBackward extends OpDef {
    NllBackward() { super("nll_loss_backward"); }

    @Override public int arity() { return -1; }
    @Override public boolean differentiable(int i) { return i == 0; }
    @Override public boolean savesInput(Attrs a, int i) { return i > 0; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      TensorType x = TensorType.of(in[0].dtype(), a.getInts("input_shape"));
      TensorType[] fwd = in.clone();
      fwd[0] = x;
      TensorType expected = reducedType(a, TensorType.of(x.dtype(), nllShape(fwd)));
      if (!Shapes.equal(expected.shape(), in[0].shape()))
        throw new TorchException("nll_loss_backward: expected grad_output of size " + Shapes.str(expected.shape()) + ", got "
            + Shapes.str(in[0].shape()));
      return Elementwise.one(x);
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(Losses.nllBackward(in[0], in[1], in.length == 3 ? in[2] : null, reduction(a), a.getLong("ignore_index"),
          a.getInts("input_shape")));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      Attrs a = Attrs.of("reduction", v.attrs().getString("reduction"), "ignore_index", v.attrs().getLong("ignore_index"));
      T gg = v.gradOut(0);
      v.setGrad(0, v.numInputs() == 3 ? A.op(NLL_LOSS, a, gg, v.input(1), v.input(2)) : A.op(NLL_LOSS, a, gg, v.input(1)));
    }
  }

  // ------------------------------------------------------------------------------------------------ mse_loss

  /** mse_loss(input, target) of equal shapes (MseLossBackward0). */
  static final class Mse extends OpDef {
    Mse() { super("mse_loss"); }

    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (!Shapes.equal(in[0].shape(), in[1].shape()))
        throw new TorchException("mse_loss: input " + Shapes.str(in[0].shape()) + " and target " + Shapes.str(in[1].shape())
            + " must have the same size (F.mseLoss broadcasts them first)");
      floats("mse_cpu", in[0]);
      floats("mse_cpu", in[1]);
      return Elementwise.one(reducedType(a, in[0].withDType(DType.promote(in[0].dtype(), in[1].dtype()))));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      DType c = DType.promote(in[0].dtype(), in[1].dtype());
      NDArray d = dev.tcompile.runtime.kernels.Pointwise.binary(BinaryOp.SUB, in[0], in[1], c);
      return Elementwise.one(Losses.reduce(dev.tcompile.runtime.kernels.Pointwise.binary(BinaryOp.MUL, d, d, c), reduction(a)));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T d = A.mul(A.mul(A.sub(v.input(0), v.input(1)), 2.0), spread(v, v.inShape(0)));
      v.setGrad(0, d);
      if (v.needsGrad(1)) v.setGrad(1, A.neg(d));
    }
  }

  // ------------------------------------------------------------------------------------------------ binary cross entropy

  /** binary_cross_entropy(input, target[, weight]), weight already expanded to the input's shape. */
  static final class Bce extends OpDef {
    Bce() { super("binary_cross_entropy"); }

    @Override public int arity() { return -1; }
    @Override public boolean differentiable(int i) { return i < 2; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      if (in.length != 2 && in.length != 3) throw new TorchException("binary_cross_entropy() expected 2 or 3 inputs but got " + in.length);
      for (int i = 1; i < in.length; i++)
        if (!Shapes.equal(in[i].shape(), in[0].shape()))
          throw new TorchException("Using a target size (torch.Size(" + Shapes.str(in[i].shape()) + ")) that is different to the input size (torch.Size("
              + Shapes.str(in[0].shape()) + ")) is deprecated. Please ensure they have the same size.");
      for (TensorType t : in) sameFloat("binary_cross_entropy", t, in[0]);
      return Elementwise.one(reducedType(a, in[0]));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(Losses.reduce(Losses.binaryCrossEntropy(in[0], in[1], in.length == 3 ? in[2] : null), reduction(a)));
    }

    /** d/dx = w (x - t) / max(x (1 - x), 1e-12); d/dt = -w logit(x). */
    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T x = v.input(0), g = spread(v, v.inShape(0));
      if (v.numInputs() == 3) g = A.mul(g, v.input(2));
      if (v.needsGrad(0)) {
        T denom = A.op(Elementwise.CLAMP, Attrs.of("min", 1e-12), A.mul(A.rsub(1, x), x));
        v.setGrad(0, A.div(A.mul(g, A.sub(x, v.input(1))), denom));
      }
      if (v.needsGrad(1)) v.setGrad(1, A.neg(A.mul(g, A.sub(A.log(x), A.unary(UnaryOp.LOG1P, A.neg(x))))));
    }
  }

  /**
   * binary_cross_entropy_with_logits(input, target[, weight][, pos_weight]): attributes {@code has_weight} and
   * {@code has_pos_weight} say which optional inputs follow; both broadcast against the input.
   */
  static final class BceWithLogits extends OpDef {
    BceWithLogits() { super("binary_cross_entropy_with_logits"); }

    @Override public int arity() { return -1; }
    @Override public boolean differentiable(int i) { return i < 2; }
    @Override public boolean savesInput(Attrs a, int i) { return true; }

    static int weightIndex(Attrs a) { return a.getBool("has_weight") ? 2 : -1; }
    static int posWeightIndex(Attrs a) { return a.getBool("has_pos_weight") ? (a.getBool("has_weight") ? 3 : 2) : -1; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      int expected = 2 + (a.getBool("has_weight") ? 1 : 0) + (a.getBool("has_pos_weight") ? 1 : 0);
      if (in.length != expected) throw new TorchException("binary_cross_entropy_with_logits() expected " + expected + " inputs but got " + in.length);
      if (!Shapes.equal(in[0].shape(), in[1].shape()))
        throw new TorchException("Target size (torch.Size(" + Shapes.str(in[1].shape()) + ")) must be the same as input size (torch.Size("
            + Shapes.str(in[0].shape()) + "))");
      if (weightIndex(a) > 0) Losses.checkBroadcast("weight", in[weightIndex(a)].shape(), in[0].shape());
      if (posWeightIndex(a) > 0) Losses.checkBroadcast("pos_weight", in[posWeightIndex(a)].shape(), in[0].shape());
      for (TensorType t : in) sameFloat("binary_cross_entropy_with_logits", t, in[0]);
      return Elementwise.one(reducedType(a, in[0]));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      int wi = weightIndex(a), pi = posWeightIndex(a);
      NDArray loss = Losses.binaryCrossEntropyWithLogits(in[0], in[1], wi > 0 ? in[wi] : null, pi > 0 ? in[pi] : null);
      return Elementwise.one(Losses.reduce(loss, reduction(a)));
    }

    /**
     * d/dx = w ((1 + (pw - 1) t) sigmoid(x) - pw t), which is w (sigmoid(x) - t) without pos_weight;
     * d/dt = w (log_sigmoid(-x) - pw log_sigmoid(x)), which is -w x without pos_weight.
     */
    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      Attrs a = v.attrs();
      int wi = weightIndex(a), pi = posWeightIndex(a);
      int[] shape = v.inShape(0);
      T x = v.input(0), t = v.input(1), g = v.gradOut(0);
      T sig = A.unary(UnaryOp.SIGMOID, x);
      if (v.needsGrad(0)) {
        T d;
        if (pi > 0) {
          T pwt = A.mul(v.input(pi), t);
          d = A.sub(A.mul(A.sub(A.add(pwt, 1), t), sig), pwt);
        } else {
          d = A.sub(sig, t);
        }
        v.setGrad(0, A.sumTo(weightedMean(v, A.mul(d, g), wi, shape), shape));
      }
      if (v.needsGrad(1)) {
        T d;
        if (pi > 0) {
          T logSig = A.log(sig), logSigNeg = A.log(A.rsub(1, sig));
          d = A.sub(logSigNeg, A.mul(v.input(pi), logSig));
        } else {
          d = A.neg(x);
        }
        v.setGrad(1, A.sumTo(weightedMean(v, A.mul(d, g), wi, shape), shape));
      }
    }

    /**
     * PyTorch's order in binary_cross_entropy_with_logits_backward (and _target_backward): the derivative times the
     * incoming gradient (a 0-d one broadcasts), then times the weight, then over the element count for mean.
     */
    private static <T> T weightedMean(Vjp<T> v, T dg, int wi, int[] shape) {
      Algebra<T> A = v.alg();
      if (wi > 0) dg = A.mul(dg, v.input(wi));
      if (reduction(v.attrs()) == Reduction.MEAN) dg = A.div(dg, A.scalarLike(Shapes.numel(shape), dg));
      return dg;
    }
  }
}
