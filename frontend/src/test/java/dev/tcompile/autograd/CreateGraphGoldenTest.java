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

  /**
   * Values within 1e-5 relative: tcompile's sigmoid forward differs from PyTorch's in the last bit for some
   * inputs, and derivatives of derivatives carry that along; names and requires_grad exactly.
   */
  private static void nearValues(JsonElement want, float[] got, String what) {
    assertEquals(want.getAsJsonArray().size(), got.length, what);
    for (int i = 0; i < got.length; i++) {
      float w = want.getAsJsonArray().get(i).getAsFloat();
      org.junit.jupiter.api.Assertions.assertTrue(Math.abs(w - got[i]) <= 1e-5 * Math.max(1, Math.abs(w)), what + " [" + i + "]: " + w + " vs " + got[i]);
    }
  }

  private static void near(JsonElement want, Tensor got, String what) {
    JsonObject o = want.getAsJsonObject();
    nearValues(o.get("value"), got.toFloatArray(), what);
    assertEquals(o.get("grad_fn").isJsonNull() ? "None" : o.get("grad_fn").getAsString(), got.gradFn() == null ? "None" : got.gradFn().name(), what);
    assertEquals(o.get("requires_grad").getAsBoolean(), got.requiresGrad(), what);
  }

  private static String names(java.util.List<dev.tcompile.GradFn> fns) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (dev.tcompile.GradFn f : fns) out.add(f == null ? "null" : f.name());
    return out.toString();
  }

  private static String names(JsonElement e) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (JsonElement x : e.getAsJsonArray()) out.add(x.isJsonNull() ? "null" : x.getAsString());
    return out.toString();
  }

  @Test
  void activationDerivativesAreOneNodeAsPyTorchsKernels() {
    Map<String, Function<Tensor, Tensor>> fs = new LinkedHashMap<>();
    fs.put("tanh", Tensor::tanh);
    fs.put("sigmoid", Tensor::sigmoid);
    fs.put("relu", Tensor::relu);
    JsonObject want = G.getAsJsonObject("activations");
    assertEquals(want.keySet(), fs.keySet());
    for (var f : fs.entrySet()) {
      JsonObject w = want.getAsJsonObject(f.getKey());
      Tensor x = Torch.tensor(0.5f, -1.25f, 2f).requiresGrad_(true), wt = Torch.tensor(1f, 2f, 3f);
      Tensor g1 = Autograd.grad(new Tensor[]{f.getValue().apply(x).mul(wt).sum()}, new Tensor[]{x}, true)[0];
      near(w.get("g1"), g1, f.getKey());
      assertEquals(names(w.get("next")), names(g1.gradFn().nextFunctions()), f.getKey());
      Tensor g2 = Autograd.grad(new Tensor[]{g1.mul(wt).sum()}, new Tensor[]{x}, true)[0];
      near(w.get("g2"), g2, f.getKey());
      Tensor g3 = Autograd.grad(new Tensor[]{g2.sum()}, new Tensor[]{x}, null, false, false, true)[0];
      nearValues(w.get("g3"), g3.toFloatArray(), f.getKey());
      Tensor seed = Torch.tensor(1f, -1f, 0.5f).requiresGrad_(true);
      Tensor gs = Autograd.grad(new Tensor[]{f.getValue().apply(x)}, new Tensor[]{x}, new Tensor[]{seed}, true, true)[0];
      near(w.get("seeded"), gs, f.getKey());
      assertEquals(names(w.get("seeded_next")), names(gs.gradFn().nextFunctions()), f.getKey());
      nearValues(w.get("dseed"), Autograd.grad(gs.sum(), seed)[0].toFloatArray(), f.getKey());
    }
  }
}
