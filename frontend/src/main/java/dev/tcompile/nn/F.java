package dev.tcompile.nn;

import dev.tcompile.DType;
import dev.tcompile.Dispatcher;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.ops.Convolution;
import dev.tcompile.ir.ops.Embedding;
import dev.tcompile.ir.ops.GeluTanh;
import dev.tcompile.ir.ops.LinearAlgebra;
import dev.tcompile.ir.ops.Normalization;
import dev.tcompile.ir.ops.Padding;
import dev.tcompile.ir.ops.Pooling;
import dev.tcompile.runtime.Shapes;

/**
 * {@code torch.nn.functional}: stateless layers, each a PyTorch function with its argument order and defaults.
 * Every computation goes through the dispatcher (autograd and tracing see each op); composite functions are
 * built from ops exactly as PyTorch composes them, so their autograd node names match. Losses are in
 * {@link Losses} and re-exported here.
 */
public final class F {
  private F() {}

  static int[] pair(int v) { return new int[]{v, v}; }

  // ======================================== convolution ========================================

  public static Tensor conv2d(Tensor x, Tensor w) { return conv2d(x, w, null, 1, 0, 1, 1); }

  public static Tensor conv2d(Tensor x, Tensor w, Tensor bias) { return conv2d(x, w, bias, 1, 0, 1, 1); }

  public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
    return conv2d(x, w, bias, pair(stride), pair(padding), pair(dilation), groups);
  }

  /** {@code F.conv2d(input, weight, bias, stride, padding, dilation, groups)}; bias may be null. 3-d input is one image. */
  public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
    if (x.dim() == 3) return conv2d(x.unsqueeze(0), w, bias, stride, padding, dilation, groups).squeeze(0);
    if (x.dim() != 4)
      throw new TorchException("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: " + Shapes.str(x.shapeArray()));
    Attrs a = Convolution.attrs(stride, padding, dilation, groups);
    return bias == null ? Dispatcher.apply1(Convolution.CONV2D, a, x, w) : Dispatcher.apply1(Convolution.CONV2D, a, x, w, bias);
  }

  /**
   * {@code padding='valid'} (none) or {@code 'same'} (output as large as the input; stride 1 only). Odd total
   * padding puts the extra row/column after, through an explicit pad, as PyTorch does.
   */
  public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int[] stride, String padding, int[] dilation, int groups) {
    stride = convPair(stride, "stride");
    dilation = convPair(dilation, "dilation");
    if (padding.equals("valid")) return conv2d(x, w, bias, stride, new int[]{0, 0}, dilation, groups);
    if (!padding.equals("same"))
      throw new TorchException("Invalid padding string '" + padding + "', should be one of ['valid', 'same']");
    if (stride[0] != 1 || stride[1] != 1) throw new TorchException("padding='same' is not supported for strided convolutions");
    int[] sym = new int[2], extra = new int[4];
    boolean asymmetric = false;
    for (int d = 0; d < 2; d++) {
      int total = dilation[d] * (w.size(2 + d) - 1);
      sym[d] = total / 2;
      if (total % 2 != 0) {
        extra[2 * (1 - d) + 1] = 1; // F.pad lists the last dim first
        asymmetric = true;
      }
    }
    Tensor in = asymmetric ? pad(x, extra) : x;
    return conv2d(in, w, bias, stride, sym, dilation, groups);
  }

  /** One value for both dims, or two; PyTorch's message otherwise. */
  private static int[] convPair(int[] v, String name) {
    if (v.length == 1) return new int[]{v[0], v[0]};
    if (v.length == 2) return v;
    throw new TorchException("expected " + name + " to be a single integer value or a list of 2 values to match the convolution "
        + "dimensions, but got " + name + "=" + Shapes.str(v));
  }

  // ======================================== pooling ========================================

  public static Tensor maxPool2d(Tensor x, int kernel) { return maxPool2d(x, kernel, kernel); }

  public static Tensor maxPool2d(Tensor x, int kernel, int stride) {
    return maxPool2d(x, pair(kernel), pair(stride), new int[]{0, 0}, new int[]{1, 1}, false);
  }

  /** {@code F.max_pool2d} (MaxPool2DWithIndicesBackward0); a null stride means the kernel size. */
  public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
    return maxPool2dWithIndices(x, kernel, stride, padding, dilation, ceilMode).values();
  }

  /** {@code F.max_pool2d(..., return_indices=True)}: values and int64 plane-flat indices. */
  public static Tensor.ValuesIndices maxPool2dWithIndices(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
    Attrs a = Attrs.of("kernel_size", kernel, "stride", stride == null ? kernel : stride, "padding", padding, "dilation", dilation,
        "ceil_mode", ceilMode);
    Tensor[] r = Dispatcher.apply(Pooling.MAX_POOL2D, a, null, x);
    return new Tensor.ValuesIndices(r[0], r[1]);
  }

  public static Tensor avgPool2d(Tensor x, int kernel) { return avgPool2d(x, kernel, kernel); }

  public static Tensor avgPool2d(Tensor x, int kernel, int stride) {
    return avgPool2d(x, pair(kernel), pair(stride), new int[]{0, 0}, false, true);
  }

  /** {@code F.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad)}; null stride = kernel. */
  public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
    Attrs a = Attrs.of("kernel_size", kernel, "stride", stride == null ? kernel : stride, "padding", padding, "ceil_mode", ceilMode,
        "count_include_pad", countIncludePad);
    return Dispatcher.apply1(Pooling.AVG_POOL2D, a, x);
  }

  public static Tensor adaptiveAvgPool2d(Tensor x, int outputSize) { return adaptiveAvgPool2d(x, pair(outputSize)); }

  /** {@code F.adaptive_avg_pool2d}; a 1x1 output is a mean over the last two dims, as PyTorch computes it. */
  public static Tensor adaptiveAvgPool2d(Tensor x, int[] outputSize) {
    if (outputSize[0] == 1 && outputSize[1] == 1 && (x.dim() == 3 || x.dim() == 4) && x.numel() > 0)
      return x.mean(new int[]{-1, -2}, true);
    return Dispatcher.apply1(Pooling.ADAPTIVE_AVG_POOL2D, Attrs.of("output_size", outputSize), x);
  }

  // ======================================== activations ========================================

  public static Tensor relu(Tensor x) { return x.relu(); }
  public static Tensor sigmoid(Tensor x) { return x.sigmoid(); }
  public static Tensor tanh(Tensor x) { return x.tanh(); }
  public static Tensor gelu(Tensor x) { return x.gelu(); }

  /** {@code F.gelu(x, approximate='none' | 'tanh')}. */
  public static Tensor gelu(Tensor x, String approximate) {
    if (approximate.equals("none")) return x.gelu();
    if (!approximate.equals("tanh")) throw new TorchException("approximate argument must be either none or tanh.");
    return Dispatcher.apply1(GeluTanh.GELU_TANH, Attrs.EMPTY, x);
  }

  public static Tensor leakyRelu(Tensor x) { return leakyRelu(x, 0.01); }
  public static Tensor leakyRelu(Tensor x, double negativeSlope) { return x.leakyRelu(negativeSlope); }
  public static Tensor softmax(Tensor x, int dim) { return x.softmax(dim); }
  public static Tensor logSoftmax(Tensor x, int dim) { return x.logSoftmax(dim); }

  // ======================================== linear ========================================

  public static Tensor linear(Tensor x, Tensor w) { return linear(x, w, null); }

  /**
   * {@code x @ w.T + b} as PyTorch's {@code linear}: addmm for 2-d input with a bias (AddmmBackward0), a view
   * around addmm for contiguous 3-d input, else matmul then add.
   */
  public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
    if (bias != null && x.dim() == 2) return Dispatcher.apply1(LinearAlgebra.ADDMM, Attrs.EMPTY, bias, x, w.t());
    if (bias != null && x.dim() == 3 && x.isContiguous()) {
      Tensor out = Dispatcher.apply1(LinearAlgebra.ADDMM, Attrs.EMPTY, bias, x.view(x.size(0) * x.size(1), x.size(2)), w.t());
      return out.view(x.size(0), x.size(1), out.size(1));
    }
    Tensor out = x.matmul(w.t());
    return bias == null ? out : out.add(bias);
  }

  // ======================================== dropout ========================================

  /**
   * {@code F.dropout}: in training, zeroes elements with probability p and scales the rest by 1/(1-p), with a
   * mask from {@link Tensor#bernoulli_} (the default generator, PyTorch's numbers); otherwise returns {@code x}.
   */
  public static Tensor dropout(Tensor x, double p, boolean training) { return dropout(x, p, training, false); }

  /** {@code F.dropout(x, p, training, inplace)}: in place, x itself is multiplied by the noise (MulBackward0). */
  public static Tensor dropout(Tensor x, double p, boolean training, boolean inplace) {
    checkDropoutP(p);
    return dropoutImpl(x, p, training, inplace, false);
  }

  /**
   * {@code torch.feature_dropout}: whole channels (dims 0 and 1 index them) are zeroed together: the noise has
   * shape (N, C, 1, ...) and broadcasts over the rest.
   */
  public static Tensor featureDropout(Tensor x, double p, boolean training, boolean inplace) {
    checkDropoutP(p);
    return dropoutImpl(x, p, training, inplace, true);
  }

  /** {@code F.dropout1d}: (N, C, L) or unbatched (C, L) input, channels zeroed together. */
  public static Tensor dropout1d(Tensor x, double p, boolean training, boolean inplace) {
    checkDropoutP(p);
    if (x.dim() != 2 && x.dim() != 3)
      throw new TorchException("dropout1d: Expected 2D or 3D input, but received a " + x.dim() + "D input. Note that dropout1d "
          + "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional "
          + "batch dimension (i.e. 2D or 3D inputs).");
    return unbatchedFeatureDropout(x, p, training, inplace, x.dim() == 3, "dropout1d");
  }

  /**
   * {@code F.dropout2d}: as PyTorch 1.13, any input goes to feature dropout as it is (a 3-D input is taken as
   * (N, C, L), PyTorch's historical behaviour, where it warns).
   */
  public static Tensor dropout2d(Tensor x, double p, boolean training, boolean inplace) {
    checkDropoutP(p);
    return dropoutImpl(x, p, training, inplace, true);
  }

  /** {@code F.dropout3d}: (N, C, D, H, W) or unbatched (C, D, H, W) input. */
  public static Tensor dropout3d(Tensor x, double p, boolean training, boolean inplace) {
    checkDropoutP(p);
    return unbatchedFeatureDropout(x, p, training, inplace, x.dim() == 5, "dropout3d");
  }

  private static Tensor unbatchedFeatureDropout(Tensor x, double p, boolean training, boolean inplace, boolean batched, String op) {
    if (batched) return dropoutImpl(x, p, training, inplace, true);
    // PyTorch unsqueezes and squeezes the input itself in place; that changes x's shape and history, which tcompile does not
    if (inplace) throw new TorchException(op + " with inplace=True on an unbatched input is not supported by tcompile");
    return dropoutImpl(x.unsqueeze(0), p, training, false, true).squeeze(0);
  }

  static void checkDropoutP(double p) {
    if (p < 0 || p > 1) throw new TorchException("dropout probability has to be between 0 and 1, but got " + PyRepr.of(p));
  }

  /** ATen's {@code _dropout_impl}: the noise is {@code bernoulli_(1 - p)} then {@code div_(1 - p)}; then x times it. */
  private static Tensor dropoutImpl(Tensor x, double p, boolean training, boolean inplace, boolean feature) {
    if (p == 0 || !training || x.numel() == 0) return x;
    if (p == 1) return inplace ? x.mul_(Torch.zeros()) : x.mul(Torch.zeros());
    int[] shape = x.shapeArray();
    if (feature) {
      if (x.dim() < 2) throw new TorchException("Feature dropout requires at least 2 dimensions in the input");
      int[] noiseShape = new int[shape.length];
      java.util.Arrays.fill(noiseShape, 1);
      noiseShape[0] = shape[0];
      noiseShape[1] = shape[1];
      shape = noiseShape;
    }
    Tensor noise = Torch.zeros(shape);
    try (var g = Torch.noGrad()) {
      noise.bernoulli_(1 - p).div_(1 - p);
    }
    return inplace ? x.mul_(noise) : x.mul(noise);
  }

  // ======================================== padding ========================================

  public static Tensor pad(Tensor x, int[] pad) { return pad(x, pad, "constant", 0); }

  /** {@code F.pad(input, pad, mode, value)}: pad lists (before, after) pairs from the last dim. */
  public static Tensor pad(Tensor x, int[] pad, String mode, double value) {
    if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("replicate") && !mode.equals("circular"))
      throw new TorchException("Unrecognised padding mode " + mode);
    if (!mode.equals("constant") && value != 0)
      throw new TorchException("Padding mode \"" + mode + "\" doesn't take in value argument");
    if (mode.equals("circular") && Torch.isGradEnabled() && x.requiresGrad()) return CircularPad.pad(x, pad); // PyTorch's graph
    return Dispatcher.apply1(Padding.PAD, Attrs.of("pad", pad, "mode", mode, "value", value), x);
  }

  // ======================================== normalisation ========================================

  public static Tensor layerNorm(Tensor x, int[] normalizedShape) { return layerNorm(x, normalizedShape, null, null, 1e-5); }

  /** {@code F.layer_norm(input, normalized_shape, weight, bias, eps)} (NativeLayerNormBackward0). */
  public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
    Attrs a = Attrs.of("normalized_shape", normalizedShape, "eps", eps);
    if (weight == null && bias == null) return Dispatcher.apply(Normalization.NATIVE_LAYER_NORM, a, null, x)[0];
    DType d = x.dtype().floatResult(); // the missing half of the affine pair, in the input's dtype
    Tensor w = weight != null ? weight : Torch.ones(d, normalizedShape), b = bias != null ? bias : Torch.zeros(d, normalizedShape);
    return Dispatcher.apply(Normalization.NATIVE_LAYER_NORM, a, null, x, w, b)[0];
  }

  public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar) {
    return batchNorm(x, runningMean, runningVar, null, null, false, 0.1, 1e-5);
  }

  /**
   * {@code F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)}
   * (NativeBatchNormBackward0). In training the running statistics, when given, are updated in place.
   */
  public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, boolean training,
                                 double momentum, double eps) {
    if (training) {
      int[] s = x.shapeArray();
      long perChannel = s.length < 2 ? 1 : x.numel() / s[1];
      if (perChannel == 1)
        throw new TorchException("Expected more than 1 value per channel when training, got input size " + x.shape());
    }
    boolean affine = weight != null || bias != null, running = runningMean != null && runningVar != null;
    java.util.List<Tensor> in = new java.util.ArrayList<>(java.util.List.of(x));
    if (affine) {
      in.add(weight != null ? weight : Torch.ones(x.dtype().floatResult(), x.size(1)));
      in.add(bias != null ? bias : Torch.zeros(x.dtype().floatResult(), x.size(1)));
    }
    if (running) { in.add(runningMean); in.add(runningVar); }
    Attrs a = Attrs.of("training", training, "momentum", momentum, "eps", eps, "affine", affine, "running_stats", running);
    Tensor[] out = Dispatcher.apply(Normalization.NATIVE_BATCH_NORM, a, null, in.toArray(new Tensor[0]));
    if (training && running) {
      try (var g = Torch.noGrad()) {
        runningMean.copy_(out[3]);
        runningVar.copy_(out[4]);
      }
    }
    return out[0];
  }

  // ======================================== embedding ========================================

  public static Tensor embedding(Tensor indices, Tensor weight) { return embedding(indices, weight, null); }

  /** {@code F.embedding(input, weight, padding_idx)}: rows of weight; the padding row gets no gradient. */
  public static Tensor embedding(Tensor indices, Tensor weight, Integer paddingIdx) {
    int pad = -1;
    if (paddingIdx != null) {
      int n = weight.size(0);
      if (paddingIdx >= n || paddingIdx < -n) throw new TorchException("Padding_idx must be within num_embeddings");
      pad = paddingIdx < 0 ? paddingIdx + n : paddingIdx;
    }
    return Dispatcher.apply1(Embedding.EMBEDDING, Attrs.of("padding_idx", pad), weight, indices);
  }

  // ======================================== distances ========================================

  public static Tensor cosineSimilarity(Tensor x1, Tensor x2) { return cosineSimilarity(x1, x2, 1, 1e-8); }

  /** {@code (x1 / max(|x1|, eps)) . (x2 / max(|x2|, eps))} along {@code dim}, as PyTorch 1.13 computes it. */
  public static Tensor cosineSimilarity(Tensor x1, Tensor x2, int dim, double eps) {
    int[] shape = Shapes.broadcast(x1.shapeArray(), x2.shapeArray());
    int d = Shapes.wrapDim(dim, shape.length);
    Tensor n1 = x1.norm(2, new int[]{d}, true).clampMin(eps), n2 = x2.norm(2, new int[]{d}, true).clampMin(eps);
    return x1.div(n1).mul(x2.div(n2)).sum(d, false);
  }

  public static Tensor pairwiseDistance(Tensor x1, Tensor x2) { return pairwiseDistance(x1, x2, 2, 1e-6, false); }

  /** {@code ||x1 - x2 + eps||_p} over the last dim. */
  public static Tensor pairwiseDistance(Tensor x1, Tensor x2, double p, double eps, boolean keepdim) {
    int nd = Math.max(x1.dim(), x2.dim());
    // ATen's x1 - x2 + eps: eps a C++ double, the Scalar overload (AddBackward1)
    Tensor d = x1.sub(x2);
    Tensor diff = Dispatcher.apply1("AddBackward1", dev.tcompile.ir.ops.Elementwise.binary(dev.tcompile.runtime.kernels.BinaryOp.ADD),
        Attrs.EMPTY, d, Torch.scalar(eps, d.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32));
    return diff.norm(p, new int[]{nd == 0 ? 0 : nd - 1}, keepdim);
  }

  // ======================================== losses ========================================

  public static Tensor crossEntropy(Tensor input, Tensor target) { return Losses.crossEntropy(input, target, null, -100, "mean", 0); }

  public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, long ignoreIndex, String reduction, double labelSmoothing) {
    return Losses.crossEntropy(input, target, weight, ignoreIndex, reduction, labelSmoothing);
  }

  public static Tensor nllLoss(Tensor input, Tensor target) { return Losses.nllLoss(input, target, null, -100, "mean"); }

  /** {@code F.nll_loss(input, target, reduction="sum")}. */
  public static Tensor nllLoss(Tensor input, Tensor target, String reduction) { return Losses.nllLoss(input, target, null, -100, reduction); }

  /** {@code F.cross_entropy(input, target, reduction="sum")}. */
  public static Tensor crossEntropy(Tensor input, Tensor target, String reduction) {
    return Losses.crossEntropy(input, target, null, -100, reduction, 0);
  }

  public static Tensor binaryCrossEntropy(Tensor input, Tensor target, String reduction) {
    return Losses.binaryCrossEntropy(input, target, null, reduction);
  }

  public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, String reduction) {
    return Losses.binaryCrossEntropyWithLogits(input, target, null, reduction, null);
  }

  public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, long ignoreIndex, String reduction) {
    return Losses.nllLoss(input, target, weight, ignoreIndex, reduction);
  }

  public static Tensor mseLoss(Tensor input, Tensor target) { return Losses.mseLoss(input, target, "mean"); }
  public static Tensor mseLoss(Tensor input, Tensor target, String reduction) { return Losses.mseLoss(input, target, reduction); }
  public static Tensor l1Loss(Tensor input, Tensor target) { return Losses.l1Loss(input, target, "mean"); }
  public static Tensor l1Loss(Tensor input, Tensor target, String reduction) { return Losses.l1Loss(input, target, reduction); }

  public static Tensor binaryCrossEntropy(Tensor input, Tensor target) { return Losses.binaryCrossEntropy(input, target, null, "mean"); }

  public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, String reduction) {
    return Losses.binaryCrossEntropy(input, target, weight, reduction);
  }

  public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
    return Losses.binaryCrossEntropyWithLogits(input, target, null, "mean", null);
  }

  public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, String reduction, Tensor posWeight) {
    return Losses.binaryCrossEntropyWithLogits(input, target, weight, reduction, posWeight);
  }
}
