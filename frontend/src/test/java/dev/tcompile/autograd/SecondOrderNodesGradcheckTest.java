package dev.tcompile.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Autograd;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Torch;
import dev.tcompile.nn.F;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The named double-backward nodes (MseLossBackwardBackward0, BinaryCrossEntropyBackwardBackward0,
 * ConvolutionBackwardBackward0, the self-edge nodes of nll_loss, the poolings and padding) and the derivative rules regrouped as PyTorch's formulas, in float64 against
 * finite differences: PyTorch's gradgradcheck, i.e. gradcheck of the first derivative taken with create_graph as a
 * function of the input, the other differentiable arguments and the incoming gradient {@code v}.
 */
class SecondOrderNodesGradcheckTest {
  /** A loss or op of (x, y) whose first derivative is checked; y is a second differentiable argument. */
  private static final Map<String, java.util.function.BiFunction<Tensor, Tensor, Tensor>> FNS = new LinkedHashMap<>();

  static {
    for (String r : new String[]{"mean", "sum", "none"}) {
      FNS.put("mse_loss " + r, (x, y) -> F.mseLoss(x, y, r));
      FNS.put("binary_cross_entropy " + r, (x, y) -> F.binaryCrossEntropy(x, y, r));
      FNS.put("nll_loss " + r, (x, y) -> F.nllLoss(x, Torch.tensor(1L, 0L, 3L), r));
    }
    FNS.put("binary_cross_entropy weight", (x, y) -> F.binaryCrossEntropy(x, y, Torch.tensor(new double[]{0.5, 2, 1, 1.5}, DType.FLOAT64), "mean"));
    Tensor w = Torch.tensor(new double[]{0.5, 2, 1, 1.5}, DType.FLOAT64), pw = Torch.tensor(new double[]{3, 0.5, 1, 2}, DType.FLOAT64);
    for (String r : new String[]{"mean", "sum", "none"}) {
      FNS.put("bce_with_logits " + r, (x, y) -> F.binaryCrossEntropyWithLogits(x.mul(4L).sub(2L), y, r));
      FNS.put("bce_with_logits weight pos_weight " + r, (x, y) -> F.binaryCrossEntropyWithLogits(x.mul(4L).sub(2L), y, w, r, pw));
    }
    FNS.put("gelu tanh", (x, y) -> F.gelu(x.mul(6L).sub(3L), "tanh").mul(y));
    FNS.put("avg_pool2d", (x, y) -> F.avgPool2d(x.view(1, 1, 3, 4), 2));
    FNS.put("max_pool2d", (x, y) -> F.maxPool2d(x.view(1, 1, 3, 4), 2));
    FNS.put("adaptive_avg_pool2d", (x, y) -> F.adaptiveAvgPool2d(x.view(1, 1, 3, 4), 2));
    FNS.put("reflection pad", (x, y) -> F.pad(x.view(1, 1, 3, 4), new int[]{1, 1, 1, 1}, "reflect", 0));
    FNS.put("replication pad", (x, y) -> F.pad(x.view(1, 1, 3, 4), new int[]{1, 2, 0, 1}, "replicate", 0));
    FNS.put("conv2d", (x, y) -> F.conv2d(x.view(1, 1, 3, 4), y.narrow(0, 0, 2).narrow(1, 0, 2).reshape(1, 1, 2, 2),
        y.index(dev.tcompile.Idx.at(2)).narrow(0, 0, 1)));
    FNS.put("conv2d stride padding", (x, y) -> F.conv2d(x.view(1, 2, 2, 3), y.reshape(2, 2, 1, 3).narrow(0, 0, 1), null, 2, 1, 1, 1));
    FNS.put("div", (x, y) -> x.div(y.add(1.5)));
    FNS.put("addcmul addcdiv", (x, y) -> x.addcmul(y, x, 0.7).addcdiv(x, y.add(1.5), -1.3));
    FNS.put("pow 2.5 rsqrt erf", (x, y) -> x.pow(2.5).add(y.rsqrt()).add(x.erf()));
    FNS.put("prod", (x, y) -> x.prod().mul(y.sum()));
    FNS.put("norm p2 p1", (x, y) -> x.norm().add(y.norm(1)).add(x.norm(2, new int[]{1}, false).sum()));
    FNS.put("mean", (x, y) -> x.mul(y).mean().add(x.mean(0, false).sum()));
    FNS.put("clamp", (x, y) -> x.clamp(0.3, 0.6).mul(y));
    FNS.put("mv dot", (x, y) -> x.mv(y.index(dev.tcompile.Idx.at(0))).dot(y.index(dev.tcompile.Idx.at(1), dev.tcompile.Idx.slice(0, 3))));
    FNS.put("mm column-major operands", (x, y) -> x.t().mm(y).add(x.mm(y.t()).sum()));
    FNS.put("linear column-major weight and input", (x, y) -> F.linear(x, y, y.index(dev.tcompile.Idx.at(0)).narrow(0, 0, 3))
        .add(F.linear(x.t(), y.t()).sum()));
    // NativeLayerNormBackwardBackward0 / NativeBatchNormBackwardBackward0: one node over the rule's composites
    FNS.put("layer_norm", (x, y) -> F.layerNorm(x, new int[]{4}).mul(y));
    FNS.put("layer_norm affine", (x, y) -> F.layerNorm(x, new int[]{4}, y.index(dev.tcompile.Idx.at(0)), y.index(dev.tcompile.Idx.at(1)), 1e-5).mul(y));
    FNS.put("batch_norm train", (x, y) -> F.batchNorm(x, null, null, y.index(dev.tcompile.Idx.at(0)), y.index(dev.tcompile.Idx.at(1)), true, 0.1, 1e-5).mul(y));
    FNS.put("batch_norm eval", (x, y) -> F.batchNorm(x, Torch.tensor(new double[]{0.1, -0.2, 0.3, 0}, DType.FLOAT64),
        Torch.tensor(new double[]{0.5, 2, 1, 1.5}, DType.FLOAT64), y.index(dev.tcompile.Idx.at(0)), y.index(dev.tcompile.Idx.at(1)), false, 0.1, 1e-5).mul(y));
    FNS.put("sub alpha", (x, y) -> x.sub(y, 1.7).pow(2L));
    FNS.put("maximum minimum", (x, y) -> x.maximum(y).mul(x).add(x.minimum(y).mul(y)));
    FNS.put("max min amax amin", (x, y) -> x.max().mul(y.min()).add(x.mul(y).amax(new int[]{1}, false).sum()).add(x.amin(new int[]{0}, true).sum()));
    FNS.put("max(dim) min(dim)", (x, y) -> x.mul(y).max(1).values().sum().add(x.min(0, true).values().mul(y.narrow(0, 0, 1)).sum()));
  }

  /** x in (0.1, 0.9) (valid for the cross entropies and rsqrt), y in (0.1, 0.9), both float64 leaves. */
  private static Tensor[] inputs() {
    Torch.manualSeed(5);
    Tensor x = Torch.rand(DType.FLOAT64, 3, 4).mul(0.8).add(0.1).detach().requiresGrad_(true);
    Tensor y = Torch.rand(DType.FLOAT64, 3, 4).mul(0.8).add(0.1).detach().requiresGrad_(true);
    return new Tensor[]{x, y};
  }

  /** The first derivatives of f at (x, y) for incoming gradient v, with create_graph: [d/dx, d/dy] (zeros where none). */
  private static Tensor[] firstDerivatives(java.util.function.BiFunction<Tensor, Tensor, Tensor> f, Tensor x, Tensor y, Tensor v) {
    try (var on = Torch.enableGrad()) { // gradcheck perturbs under no-grad; the gradient needs a graph
      Tensor out = f.apply(x, y);
      Tensor[] g = Autograd.grad(new Tensor[]{out}, new Tensor[]{x, y}, new Tensor[]{v.view(out.shapeArray())}, true, true, true);
      for (int i = 0; i < 2; i++) if (g[i] == null) g[i] = Torch.zerosLike(i == 0 ? x : y);
      return g;
    }
  }

  @TestFactory
  Stream<DynamicTest> gradgradcheckInFloat64() {
    return FNS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
      Tensor[] xy = inputs();
      Tensor out = e.getValue().apply(xy[0], xy[1]);
      Torch.manualSeed(6);
      Tensor v = Torch.randn(DType.FLOAT64, (int) out.numel()).requiresGrad_(true);
      for (int which = 0; which < 2; which++) {
        int w = which;
        TensorFn d = t -> firstDerivatives(e.getValue(), t[0], t[1], t[2])[w];
        if (w == 1 && !d.apply(xy[0], xy[1], v).requiresGrad()) continue; // y unused: a constant zero derivative
        assertTrue(Autograd.gradcheck(d, xy[0], xy[1], v), e.getKey() + " d/d" + (w == 0 ? "x" : "y"));
      }
    }));
  }

  /** Under create_graph the loss nodes' first derivatives have the same bits as without it (values are the rule's). */
  @Test void createGraphKeepsTheFirstDerivativesBits() {
    Map<String, Function<Tensor[], Tensor>> losses = new LinkedHashMap<>();
    Tensor t = Torch.tensor(1L, 0L, 3L);
    losses.put("mse", xy -> F.mseLoss(xy[0], xy[1]));
    losses.put("bce", xy -> F.binaryCrossEntropy(xy[0], xy[1], "sum"));
    losses.put("nll", xy -> F.nllLoss(xy[0].log(), t));
    losses.put("avg_pool", xy -> F.avgPool2d(xy[0].view(1, 1, 3, 4), 2).sum());
    for (DType dtype : new DType[]{DType.FLOAT32, DType.FLOAT64})
      for (var e : losses.entrySet()) {
        Tensor[] xy = inputs();
        Tensor x = xy[0].detach().to(dtype).requiresGrad_(true), y = xy[1].detach().to(dtype).requiresGrad_(true);
        Tensor[] plain = Autograd.grad(new Tensor[]{e.getValue().apply(new Tensor[]{x, y})}, new Tensor[]{x}, null, false, false, true);
        Tensor[] graph = Autograd.grad(new Tensor[]{e.getValue().apply(new Tensor[]{x, y})}, new Tensor[]{x}, null, true, true, true);
        assertArrayEquals(plain[0].toDoubleArray(), graph[0].toDoubleArray(), e.getKey() + " " + dtype);
      }
  }

  /**
   * Under create_graph a normalisation's input, weight and bias gradients are outputs of one node with PyTorch's next
   * functions; differentiating them again also reaches the forward through the statistics, and a backward that
   * reaches the forward node by another path as well still runs each node once.
   */
  @Test void normalisationGradientsAreOneNode() {
    Tensor[] xy = inputs();
    Tensor x = xy[0], w = xy[1].index(dev.tcompile.Idx.at(0)).detach().requiresGrad_(true), b = xy[1].index(dev.tcompile.Idx.at(1)).detach().requiresGrad_(true);
    Tensor out = F.batchNorm(x, null, null, w, b, true, 0.1, 1e-5);
    Tensor[] g = Autograd.grad(new Tensor[]{out.exp().sum()}, new Tensor[]{x, w, b}, true);
    assertEquals("NativeBatchNormBackwardBackward0", g[0].gradFn().name());
    org.junit.jupiter.api.Assertions.assertSame(g[0].gradFn(), g[1].gradFn());
    org.junit.jupiter.api.Assertions.assertSame(g[0].gradFn(), g[2].gradFn());
    assertEquals("[MulBackward0, AccumulateGrad, AccumulateGrad, null, null]",
        g[0].gradFn().nextFunctions().stream().map(f -> f == null ? "null" : f.name()).toList().toString());
    Tensor[] again = Autograd.grad(new Tensor[]{g[0].pow(2L).sum().add(g[1].sum()).add(out.sum())}, new Tensor[]{x, w}, false);
    Tensor[] plain = Autograd.grad(new Tensor[]{F.batchNorm(x, null, null, w, b, true, 0.1, 1e-5).sum()}, new Tensor[]{x, w}, false);
    assertTrue(again[0].sub(plain[0]).abs().max().item() > 0, "the gradient penalty reaches x");
  }

  /** maximum/minimum send the gradient to both sides where either is NaN, half to each on a tie (PyTorch 1.13's values). */
  @Test void maximumAndMinimumGradientsWithNaNAndTies() {
    double nan = Double.NaN;
    Tensor x = Torch.tensor(1, nan, 2, 3).requiresGrad_(true), y = Torch.tensor(nan, 1, 2, 1).requiresGrad_(true);
    Tensor[] max = Autograd.grad(new Tensor[]{x.maximum(y).sum()}, new Tensor[]{x, y});
    assertArrayEquals(new float[]{1, 1, 0.5f, 1}, max[0].toFloatArray());
    assertArrayEquals(new float[]{1, 1, 0.5f, 0}, max[1].toFloatArray());
    Tensor[] min = Autograd.grad(new Tensor[]{x.minimum(y).sum()}, new Tensor[]{x, y});
    assertArrayEquals(new float[]{1, 1, 0.5f, 0}, min[0].toFloatArray());
    assertArrayEquals(new float[]{1, 1, 0.5f, 1}, min[1].toFloatArray());
  }

  /** gelu(approximate='tanh')'s first derivative under create_graph: PyTorch's node, the rule's bits. */
  @Test void geluTanhGradientIsOneNodeWithTheRulesBits() {
    Torch.manualSeed(3);
    Tensor x = Torch.randn(50).mul(3L).detach().requiresGrad_(true);
    Tensor plain = Autograd.grad(F.gelu(x, "tanh").sum(), x)[0];
    Tensor graph = Autograd.grad(new Tensor[]{F.gelu(x, "tanh").sum()}, new Tensor[]{x}, true)[0];
    assertEquals("GeluBackwardBackward0", graph.gradFn().name());
    assertArrayEquals(plain.toFloatArray(), graph.toFloatArray());
  }

  /** The self edge: differentiating nll_loss's gradient again with respect to the input gives zeros, as in PyTorch. */
  @Test void nllLossGradientDifferentiatesToZeros() {
    Tensor x = Torch.tensor(new double[][]{{0.1, 0.2, 0.7}, {0.5, 0.3, 0.2}}, DType.FLOAT64).requiresGrad_(true);
    Tensor g = Autograd.grad(new Tensor[]{F.nllLoss(x, Torch.tensor(2L, 0L))}, new Tensor[]{x}, true)[0];
    assertEquals("NllLossBackwardBackward0", g.gradFn().name());
    Tensor gg = Autograd.grad(new Tensor[]{g.pow(2L).sum()}, new Tensor[]{x}, true)[0];
    assertArrayEquals(new double[6], gg.toDoubleArray());
  }
}
