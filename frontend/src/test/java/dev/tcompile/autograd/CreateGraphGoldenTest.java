package dev.tcompile.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.Autograd;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Gradients built with createGraph carry PyTorch 1.13's histories: CopyBackwards on a leaf's first gradient,
 * AddBackward0 when one is added under grad mode, the history kept by an in-place accumulation without it,
 * CloneBackward0 from retain_grad, and torch.autograd.grad's results (goldens/create_graph.json from
 * tools/goldens/create_graph.py).
 */
class CreateGraphGoldenTest {
  private static final JsonObject G;

  static {
    try (var in = CreateGraphGoldenTest.class.getResourceAsStream("/goldens/create_graph.json")) {
      G = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Values to 6 significant digits (sin/cos kernels may differ from PyTorch's in the last bit), names exactly. */
  private static String values(float[] v) {
    StringBuilder sb = new StringBuilder();
    for (float f : v) sb.append(String.format("%.6g ", f));
    return sb.toString();
  }

  private static String rec(Tensor t) {
    return values(t.toFloatArray()) + " " + (t.gradFn() == null ? "None" : t.gradFn().name()) + " " + t.requiresGrad();
  }

  private static String rec(JsonElement e) {
    JsonObject o = e.getAsJsonObject();
    float[] v = new float[o.getAsJsonArray("value").size()];
    for (int i = 0; i < v.length; i++) v[i] = o.getAsJsonArray("value").get(i).getAsFloat();
    return values(v) + " " + (o.get("grad_fn").isJsonNull() ? "None" : o.get("grad_fn").getAsString()) + " "
        + o.get("requires_grad").getAsBoolean();
  }

  private static Tensor x() { return Torch.tensor(1f, 2f).requiresGrad_(true); }

  @Test
  void aLeafsGradientOverSuccessiveBackwardCalls() {
    Tensor x = x();
    var want = G.getAsJsonArray("accumulate");
    x.mul(x).sum().backward(null, true, true);
    assertEquals(rec(want.get(0)), rec(x.grad()));
    x.mul(x).mul(x).sum().backward(null, true, true);
    assertEquals(rec(want.get(1)), rec(x.grad()));
    x.mul(3L).sum().backward();
    assertEquals(rec(want.get(2)), rec(x.grad()), "an accumulation without create_graph adds in place and keeps the history");
    x.mul(x).sum().backward(null, true, true);
    assertEquals(rec(want.get(3)), rec(x.grad()));
    x.grad().sum().backward();
    assertEquals(rec(G.get("accumulate_then_backward")), rec(x.grad()));
  }

  @Test
  void aConstantGradientHasNoHistory() {
    Tensor x = x();
    x.mul(3L).sum().backward(null, true, true);
    assertEquals(rec(G.get("constant")), rec(x.grad()));
    x.mul(x).sum().backward(null, true, true);
    assertEquals(rec(G.get("constant_then_graph")), rec(x.grad()));
  }

  @Test
  void retainedGradientsAreClones() {
    Tensor x = x();
    Tensor h = x.mul(2L);
    h.retainGrad();
    h.mul(h).sum().backward(null, true, true);
    assertEquals(rec(G.getAsJsonObject("retain").get("h")), rec(h.grad()));
    assertEquals(rec(G.getAsJsonObject("retain").get("x")), rec(x.grad()));
    h.mul(h).sum().backward(null, true, true);
    assertEquals(rec(G.getAsJsonObject("retain_again").get("h")), rec(h.grad()));
    assertEquals(rec(G.getAsJsonObject("retain_again").get("x")), rec(x.grad()));
  }

  @Test
  void autogradGradResults() {
    Tensor x = x();
    Map<String, Function<Tensor, Tensor>> cases = new LinkedHashMap<>();
    cases.put("square", t -> t.mul(t).sum());
    cases.put("cube", t -> t.mul(t).mul(t).sum());
    cases.put("const", t -> t.mul(3L).sum());
    cases.put("sin", t -> t.sin().sum());
    cases.put("sin_cos", t -> t.sin().add(t.cos()).sum());
    cases.put("exp", t -> t.exp().sum());
    JsonObject want = G.getAsJsonObject("grad");
    assertEquals(want.keySet(), cases.keySet());
    for (var c : cases.entrySet())
      assertEquals(rec(want.get(c.getKey())), rec(Autograd.grad(new Tensor[]{c.getValue().apply(x)}, new Tensor[]{x}, true)[0]), c.getKey());
    assertEquals(rec(G.get("grad_no_create")), rec(Autograd.grad(x.mul(x).sum(), x)[0]));
  }
}
