package dev.tcompile.nn;

import dev.tcompile.DType;
import dev.tcompile.Dispatcher;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.ops.LossFunctions;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.kernels.Losses.Reduction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The loss functions behind {@link F} and the loss modules, composed as PyTorch 1.13 composes them. */
final class Losses {
  private Losses() {}

  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  static Reduction reduction(String r) { return Reduction.of(r); }

  /** PyTorch's UserWarning when a target broadcasts against an input of another size (printed once). */
  private static void warnBroadcast(Tensor input, Tensor target) {
    String msg = "UserWarning: Using a target size (" + target.shape() + ") that is different to the input size (" + input.shape()
        + "). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.";
    if (WARNED.add(msg)) System.err.println(msg);
  }

  /** PyTorch's {@code nll_loss_nd}: 1-d, 2-d and 4-d inputs directly, other ranks viewed as 4-d. */
  static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, long ignoreIndex, String reduction) {
    Reduction r = reduction(reduction);
    int nd = input.dim();
    if (nd < 1) throw new TorchException("Expected 1 or more dimensions (got " + nd + ")");
    if (nd != 1 && (target.dim() == 0 || input.size(0) != target.size(0)))
      throw new TorchException("Expected input batch_size (" + input.size(0) + ") to match target batch_size ("
          + (target.dim() == 0 ? 1 : target.size(0)) + ").");
    Attrs a = Attrs.of("reduction", reduction, "ignore_index", ignoreIndex);
    if (nd <= 2) return nll(a, null, input, target, weight);
    if (nd == 4) return nll(a, "NllLoss2DBackward0", input, target, weight);
    int n = input.size(0), c = input.size(1);
    int[] outSize = input.shapeArray();
    outSize = Arrays.copyOfRange(outSize, 1, outSize.length);
    outSize[0] = n;
    if (!Arrays.equals(Arrays.copyOfRange(target.shapeArray(), 1, target.dim()), Arrays.copyOfRange(input.shapeArray(), 2, nd)))
      throw new TorchException("Expected target size " + Shapes.str(outSize) + ", got " + Shapes.str(target.shapeArray()));
    Tensor in4 = input.contiguous().view(n, c, 1, -1), t3 = target.contiguous().view(n, 1, -1);
    Tensor out = nll(a, "NllLoss2DBackward0", in4, t3, weight);
    return r == Reduction.NONE ? out.view(outSize) : out;
  }

  private static Tensor nll(Attrs a, String gradName, Tensor input, Tensor target, Tensor weight) {
    Tensor[] in = weight == null ? new Tensor[]{input, target} : new Tensor[]{input, target, weight};
    return Dispatcher.apply(LossFunctions.NLL_LOSS, a, gradName, in)[0];
  }

  /**
   * {@code F.cross_entropy}: class-index targets give {@code nll_loss(log_softmax(x))} (plus PyTorch's label
   * smoothing term); floating targets of the input's shape are class probabilities.
   */
  static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, long ignoreIndex, String reduction, double labelSmoothing) {
    Reduction r = reduction(reduction);
    if (labelSmoothing < 0 || labelSmoothing > 1)
      throw new TorchException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
    int classDim = input.dim() == 1 ? 0 : 1;
    Tensor logp = input.logSoftmax(classDim);
    if (target.dtype().isFloatingPoint()) return probabilityCrossEntropy(logp, target, weight, r, labelSmoothing, classDim);
    Tensor nll = nllLoss(logp, target, weight, ignoreIndex, reduction);
    if (labelSmoothing == 0) return nll;
    int nClasses = input.size(classDim);
    Tensor ignored = target.eq(ignoreIndex), counted = target.ne(ignoreIndex);
    Tensor smooth = (weight == null ? logp : logp.mul(weight.view(classShape(input.dim(), classDim, nClasses))))
        .sum(classDim, false).neg();
    smooth = smooth.maskedFill(ignored, 0.0);
    Tensor ret = switch (r) {
      case MEAN -> {
        if (weight == null) yield smooth.sum().div(counted.sum());
        Tensor safeTarget = Torch.where(ignored, Torch.zerosLike(target), target);
        yield smooth.sum().div(weight.indexSelect(0, safeTarget.flatten()).mul(counted.flatten()).sum());
      }
      case SUM -> smooth.sum();
      case NONE -> smooth;
    };
    return scalarMul(nll, 1 - labelSmoothing).add(scalarMul(ret, labelSmoothing / nClasses));
  }

  /** {@code t * v} with a C++ double, as ATen's cross_entropy multiplies: the Scalar overload (MulBackward1). */
  private static Tensor scalarMul(Tensor t, double v) {
    return Dispatcher.apply1("MulBackward1", dev.tcompile.ir.ops.Elementwise.binary(dev.tcompile.runtime.kernels.BinaryOp.MUL),
        Attrs.EMPTY, t, Torch.scalar(v, t.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32));
  }

  private static int[] classShape(int nd, int classDim, int nClasses) {
    int[] s = new int[nd];
    Arrays.fill(s, 1);
    s[classDim] = nClasses;
    return s;
  }

  private static Tensor probabilityCrossEntropy(Tensor logp, Tensor target, Tensor weight, Reduction r, double labelSmoothing, int classDim) {
    if (!logp.shape().equals(target.shape()))
      throw new TorchException("Expected target size " + logp.shape() + ", got " + target.shape());
    int nClasses = logp.size(classDim);
    if (labelSmoothing > 0) target = target.mul(1 - labelSmoothing).add(labelSmoothing / nClasses);
    Tensor prod = logp.mul(target);
    if (weight != null) prod = prod.mul(weight.view(classShape(logp.dim(), classDim, nClasses)));
    return switch (r) {
      // a division by a Python number: PyTorch's node is DivBackward1
      case MEAN -> Dispatcher.apply1("DivBackward1", dev.tcompile.ir.ops.Elementwise.DIV, Attrs.EMPTY,
          prod.sum().neg(), Torch.scalar((double) (logp.numel() / nClasses), logp.dtype().floatResult()));
      case SUM -> prod.sum().neg();
      case NONE -> prod.sum(classDim, false).neg();
    };
  }

  static Tensor mseLoss(Tensor input, Tensor target, String reduction) {
    reduction(reduction);
    Tensor[] xt = broadcastPair(input, target);
    return Dispatcher.apply1(LossFunctions.MSE_LOSS, Attrs.of("reduction", reduction), xt[0], xt[1]);
  }

  /** {@code |x - t|} reduced, as PyTorch 1.13 composes l1_loss (its node is the reduction's). */
  static Tensor l1Loss(Tensor input, Tensor target, String reduction) {
    Reduction r = reduction(reduction);
    Tensor[] xt = broadcastPair(input, target);
    Tensor loss = xt[0].sub(xt[1]).abs();
    return switch (r) {
      case NONE -> loss;
      case MEAN -> loss.mean();
      case SUM -> loss.sum();
    };
  }

  private static Tensor[] broadcastPair(Tensor input, Tensor target) {
    if (input.shape().equals(target.shape())) return new Tensor[]{input, target};
    warnBroadcast(input, target);
    int[] s = Shapes.broadcast(input.shapeArray(), target.shapeArray());
    return new Tensor[]{input.expand(s), target.expand(s)};
  }

  static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, String reduction) {
    reduction(reduction);
    if (!target.shape().equals(input.shape()))
      throw new TorchException("Using a target size (" + target.shape() + ") that is different to the input size (" + input.shape()
          + ") is deprecated. Please ensure they have the same size.");
    Attrs a = Attrs.of("reduction", reduction);
    if (weight == null) return Dispatcher.apply1(LossFunctions.BINARY_CROSS_ENTROPY, a, input, target);
    Tensor w = weight.expand(Shapes.broadcast(target.shapeArray(), weight.shapeArray()));
    return Dispatcher.apply1(LossFunctions.BINARY_CROSS_ENTROPY, a, input, target, w);
  }

  static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, String reduction, Tensor posWeight) {
    reduction(reduction);
    if (!target.shape().equals(input.shape()))
      throw new TorchException("Target size (" + target.shape() + ") must be the same as input size (" + input.shape() + ")");
    List<Tensor> in = new ArrayList<>(List.of(input, target));
    if (weight != null) in.add(weight);
    if (posWeight != null) in.add(posWeight);
    Attrs a = Attrs.of("reduction", reduction, "has_weight", weight != null, "has_pos_weight", posWeight != null);
    return Dispatcher.apply1(LossFunctions.BINARY_CROSS_ENTROPY_WITH_LOGITS, a, in.toArray(new Tensor[0]));
  }
}
