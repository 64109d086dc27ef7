package dev.tcompile.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.Autograd;
import dev.tcompile.GradFn;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.nn.F;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The grad_fn of a gradient taken with create_graph through softmax, log_softmax, leaky_relu and the losses built on
 * them, as PyTorch 1.13 names it (goldens/second_order_names.json from tools/goldens/second_order_names.py): the softmax
 * backward ops are PyTorch's {@code _softmax_backward_data} / {@code _log_softmax_backward_data}; the losses' are one
 * node each with PyTorch's edges (MseLossBackwardBackward0, NllLossBackwardBackward0, BinaryCrossEntropyBackwardBackward0).
 * GradFnNamesGoldenTest audits every function of the API the same way.
 */
class SecondOrderNamesGoldenTest {
  private static final JsonObject G;

  static {
    try (var in = SecondOrderNamesGoldenTest.class.getResourceAsStream("/goldens/second_order_names.json")) {
      G = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonObject("cases");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Tensor gradOf(Tensor x, Tensor out) {
    return Autograd.grad(new Tensor[]{out.dim() == 0 ? out : out.sum()}, new Tensor[]{x}, true)[0];
  }

  private static String names(List<GradFn> fns) {
    List<String> out = new ArrayList<>();
    for (GradFn f : fns) out.add(f == null ? "null" : f.name().replace("AccumulateGrad", "torch::autograd::AccumulateGrad"));
    return out.toString();
  }

  private static String names(JsonElement e) {
    List<String> out = new ArrayList<>();
    for (JsonElement x : e.getAsJsonArray()) out.add(x.isJsonNull() ? "null" : x.getAsString());
    return out.toString();
  }

  @Test void softmaxAndLogSoftmaxGradientsAreTheirBackwardDataNodes() {
    Torch.manualSeed(0);
    Tensor x = Torch.randn(3, 4).requiresGrad_(true);
    Map<String, Supplier<Tensor>> cases = new LinkedHashMap<>();
    cases.put("log_softmax", () -> F.logSoftmax(x, 1));
    cases.put("softmax", () -> F.softmax(x, 1));
    cases.put("leaky_relu", () -> F.leakyRelu(x));
    for (var c : cases.entrySet()) {
      JsonObject want = G.getAsJsonObject(c.getKey());
      Tensor g = gradOf(x, c.getValue().get());
      assertEquals(want.get("name").getAsString(), g.gradFn().name(), c.getKey());
      assertEquals(names(want.get("next")), names(g.gradFn().nextFunctions()), c.getKey());
    }
  }

  /** leaky_relu's gradient stays connected to the input: differentiating it again gives zeros, as in PyTorch. */
  @Test void leakyRelusSecondDerivativeIsZeros() {
    Tensor x = Torch.tensor(0.5f, -1.25f, 2f).requiresGrad_(true);
    Tensor g = gradOf(x, F.leakyRelu(x, 0.1));
    assertEquals("[1.0, 0.1, 1.0]", java.util.Arrays.toString(g.toFloatArray()));
    Tensor gg = Autograd.grad(new Tensor[]{g.sum()}, new Tensor[]{x}, true)[0];
    assertEquals("[0.0, 0.0, 0.0]", java.util.Arrays.toString(gg.toFloatArray()));
  }

  @Test void lossesOverSoftmaxAndSigmoidNameTheirOuterNode() {
    Torch.manualSeed(0);
    Tensor x = Torch.randn(3, 4).requiresGrad_(true), t = Torch.tensor(new long[]{1, 0, 3}), y = Torch.randn(3, 4), p = Torch.rand(3, 4);
    Map<String, Supplier<Tensor>> cases = new LinkedHashMap<>();
    cases.put("nll_loss", () -> F.nllLoss(F.logSoftmax(x, 1), t));
    cases.put("cross_entropy", () -> F.crossEntropy(x, t));
    cases.put("binary_cross_entropy", () -> F.binaryCrossEntropy(x.sigmoid(), p));
    cases.put("l1_loss", () -> F.l1Loss(x, y));
    cases.put("mse_loss", () -> F.mseLoss(x, y));
    for (var c : cases.entrySet()) {
      JsonObject want = G.getAsJsonObject(c.getKey());
      Tensor g = gradOf(x, c.getValue().get());
      assertEquals(want.get("name").getAsString(), g.gradFn().name(), c.getKey());
      assertEquals(names(want.get("next")), names(g.gradFn().nextFunctions()), c.getKey());
    }
  }
}
