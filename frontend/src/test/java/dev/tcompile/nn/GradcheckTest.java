package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Autograd;
import dev.tcompile.Dispatcher;
import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Torch;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.ops.Convolution;
import dev.tcompile.ir.ops.Embedding;
import dev.tcompile.ir.ops.LossFunctions;
import dev.tcompile.ir.ops.Padding;
import dev.tcompile.ir.ops.Pooling;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of every new differentiable op, its backward ops (which must be differentiable
 * again), and second derivatives through {@code createGraph}.
 */
class GradcheckTest {
  @BeforeEach
  void seed() { Torch.manualSeed(42); }

  private static Tensor leaf(int... shape) { return Torch.randn(shape).requiresGrad_(true); }

  private static Tensor op(OpDef op, Attrs a, Tensor... in) { return Dispatcher.apply1(op, a, in); }

  private static void check(TensorFn fn, Tensor... in) { assertTrue(Autograd.gradcheck(fn, in)); }

  /** Second derivatives of these functions are polynomial in the inputs: a larger step loses no accuracy and less to rounding. */
  private static void checkSmooth(TensorFn fn, Tensor... in) { assertTrue(Autograd.gradcheck(fn, 1e-2, 1e-3, 1e-2, in)); }

  /**
   * The first derivative of {@code sum((c * fn(x))^2)} with respect to input {@code wrt}, as a function to check
   * again; the fixed uneven weights c keep it informative for normalisations, whose plain sum of squares is constant.
   */
  private static TensorFn firstDerivative(TensorFn fn, int wrt) {
    return xs -> {
      try (var g = Torch.enableGrad()) { // gradcheck evaluates under no-grad; the inner derivative needs a graph
        Tensor y = fn.apply(xs);
        Tensor c = Torch.linspace(-1, 2, (int) y.numel()).view(y.shapeArray());
        return Autograd.grad(new Tensor[]{y.mul(c).pow(2.0).sum()}, new Tensor[]{xs[wrt]}, null, true, true)[0];
      }
    };
  }

  private static final Attrs CONV = Convolution.attrs(new int[]{2, 1}, new int[]{1, 2}, new int[]{1, 2}, 2);

  @Test
  void conv2dWithStridePaddingDilationGroups() {
    check(in -> F.conv2d(in[0], in[1], in[2], new int[]{2, 1}, new int[]{1, 2}, new int[]{1, 2}, 2), leaf(2, 4, 5, 6), leaf(4, 2, 3, 2), leaf(4));
    check(in -> F.conv2d(in[0], in[1], null, 1, 1, 1, 1), leaf(1, 2, 4, 4), leaf(3, 2, 3, 3));
  }

  @Test
  void conv2dBackwardOps() {
    Tensor x = leaf(2, 4, 5, 6), w = leaf(4, 2, 3, 2);
    int[] out = F.conv2d(x, w, null, new int[]{2, 1}, new int[]{1, 2}, new int[]{1, 2}, 2).shapeArray();
    check(in -> op(Convolution.CONV2D_BACKWARD_INPUT, CONV.with("input_shape", new int[]{2, 4, 5, 6}), in[0], in[1]), leaf(out), leaf(4, 2, 3, 2));
    check(in -> op(Convolution.CONV2D_BACKWARD_WEIGHT, CONV.with("weight_shape", new int[]{4, 2, 3, 2}), in[0], in[1]), leaf(out), leaf(2, 4, 5, 6));
  }

  @Test
  void conv2dSecondDerivatives() {
    TensorFn conv = in -> F.conv2d(in[0], in[1], null, new int[]{2, 1}, new int[]{1, 2}, new int[]{1, 2}, 2);
    checkSmooth(firstDerivative(conv, 0), leaf(1, 4, 5, 6), leaf(4, 2, 3, 2));
    checkSmooth(firstDerivative(conv, 1), leaf(1, 4, 5, 6), leaf(4, 2, 3, 2));
  }

  @Test
  void maxPool2dAndItsBackward() {
    check(in -> F.maxPool2d(in[0], new int[]{3, 2}, new int[]{2, 1}, new int[]{1, 1}, new int[]{1, 2}, true), leaf(2, 2, 6, 7));
    Tensor x = Torch.randn(1, 2, 6, 7);
    Tensor idx = F.maxPool2dWithIndices(x, new int[]{2, 2}, null, new int[]{0, 0}, new int[]{1, 1}, false).indices();
    Attrs a = Attrs.of("kernel_size", new int[]{2, 2}, "stride", new int[]{2, 2}, "padding", new int[]{0, 0}, "dilation", new int[]{1, 1},
        "ceil_mode", false, "input_shape", new int[]{1, 2, 6, 7});
    check(in -> op(Pooling.MAX_POOL2D_BACKWARD, a, in[0], idx), leaf(1, 2, 3, 3));
    check(firstDerivative(in -> F.maxPool2d(in[0], 2), 0), leaf(1, 2, 4, 5));
  }

  @Test
  void avgPool2dAndItsBackward() {
    check(in -> F.avgPool2d(in[0], new int[]{3, 2}, new int[]{2, 1}, new int[]{1, 1}, true, false), leaf(2, 2, 6, 7));
    Attrs a = Attrs.of("kernel_size", new int[]{3, 3}, "stride", new int[]{2, 2}, "padding", new int[]{1, 1}, "ceil_mode", false,
        "count_include_pad", true, "input_shape", new int[]{1, 2, 5, 6});
    check(in -> op(Pooling.AVG_POOL2D_BACKWARD, a, in[0]), leaf(1, 2, 3, 3));
  }

  @Test
  void adaptiveAvgPool2dAndItsBackward() {
    check(in -> F.adaptiveAvgPool2d(in[0], new int[]{3, 2}), leaf(2, 2, 7, 5));
    check(in -> op(Pooling.ADAPTIVE_AVG_POOL2D_BACKWARD, Attrs.of("input_shape", new int[]{1, 2, 7, 5}), in[0]), leaf(1, 2, 3, 2));
  }

  @Test
  void padInEveryModeAndItsBackward() {
    for (String mode : new String[]{"constant", "reflect", "replicate", "circular"}) {
      int[] pad = mode.equals("constant") ? new int[]{1, -1, 2, 0} : new int[]{2, 1, 1, 2};
      check(in -> F.pad(in[0], pad, mode, 0), leaf(1, 2, 4, 5));
      if (!mode.equals("constant"))
        check(in -> op(Padding.PAD_BACKWARD, Attrs.of("pad", pad, "mode", mode, "input_shape", new int[]{1, 2, 4, 5}), in[0]), leaf(1, 2, 7, 8));
    }
  }

  @Test
  void nllLossAndItsBackward() {
    Tensor target = Torch.tensor(0L, 3L, 1L, 1L), weight = Torch.tensor(0.5f, 1f, 2f, 1.5f);
    for (String r : new String[]{"none", "mean", "sum"}) {
      check(in -> F.nllLoss(in[0], target, weight, 1, r), leaf(4, 4));
      int[] g = r.equals("none") ? new int[]{4} : new int[0];
      Attrs a = Attrs.of("reduction", r, "ignore_index", 1L, "input_shape", new int[]{4, 4});
      check(in -> op(LossFunctions.NLL_LOSS_BACKWARD, a, in[0], target, weight), leaf(g));
    }
    check(in -> F.crossEntropy(in[0], Torch.tensor(1L, 0L, 2L), null, -100, "mean", 0.2), leaf(3, 4));
  }

  @Test
  void elementwiseLosses() {
    Tensor t = Torch.rand(3, 4), weight = Torch.rand(4).add(0.5), posWeight = Torch.rand(4).mul(3.0);
    for (String r : new String[]{"none", "mean", "sum"}) {
      check(in -> F.mseLoss(in[0], in[1], r), leaf(3, 4), leaf(3, 4));
      check(in -> F.binaryCrossEntropy(in[0], in[1], weight, r), Torch.rand(3, 4).mul(0.8).add(0.1).requiresGrad_(true),
          t.clone().requiresGrad_(true));
      check(in -> F.binaryCrossEntropyWithLogits(in[0], in[1], weight, r, posWeight), leaf(3, 4), t.clone().requiresGrad_(true));
    }
    check(firstDerivative(in -> F.binaryCrossEntropyWithLogits(in[0], in[1]), 0), leaf(2, 3), t.narrow(0, 0, 2).narrow(1, 0, 3));
  }

  @Test
  void normalisations() {
    check(in -> F.layerNorm(in[0], new int[]{4}, in[1], in[2], 1e-5), leaf(3, 4), leaf(4), leaf(4));
    check(in -> F.layerNorm(in[0], new int[]{2, 3}), leaf(2, 2, 3));
    check(in -> F.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, 1e-5), leaf(4, 3, 2), leaf(3), leaf(3));
    Tensor rm = Torch.randn(3), rv = Torch.rand(3).add(0.5);
    check(in -> F.batchNorm(in[0], rm, rv, in[1], in[2], false, 0.1, 1e-5), leaf(4, 3, 2), leaf(3), leaf(3));
    check(firstDerivative(in -> F.layerNorm(in[0], new int[]{4}, in[1], null, 1e-5), 0), leaf(2, 4), leaf(4));
    check(firstDerivative(in -> F.batchNorm(in[0], null, null, in[1], null, true, 0.1, 1e-5), 0), leaf(4, 2), leaf(2));
  }

  @Test
  void embeddingAndItsBackward() {
    Tensor idx = Torch.tensor(new long[]{0, 2, 0, 3, 2});
    check(in -> F.embedding(idx, in[0]), leaf(4, 3));
    check(in -> op(Embedding.EMBEDDING_BACKWARD, Attrs.of("num_weights", 4, "padding_idx", 2), in[0], idx), leaf(5, 3));
  }

  @Test
  void tanhGeluAndDistances() {
    check(in -> F.gelu(in[0], "tanh"), leaf(3, 4));
    check(firstDerivative(in -> F.gelu(in[0], "tanh"), 0), leaf(5));
    check(in -> F.cosineSimilarity(in[0], in[1], 1, 1e-8), leaf(3, 4), leaf(3, 4));
    check(in -> F.pairwiseDistance(in[0], in[1]), leaf(3, 4), leaf(3, 4));
  }
}
