package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.RemovableHandle;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Module.registerFullBackwardHook against PyTorch 1.13 (goldens/backward_hooks.json from tools/goldens/backward_hooks.py). */
class FullBackwardHookTest {
  private static final JsonObject G;

  static {
    try (var in = FullBackwardHookTest.class.getResourceAsStream("/goldens/backward_hooks.json")) {
      G = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A JSON value (nested lists, or null) as the string of its float32 values, for exact comparison. */
  private static String py(JsonElement e) {
    if (e == null || e.isJsonNull()) return "None";
    if (e.isJsonArray()) {
      List<String> parts = new ArrayList<>();
      for (JsonElement x : e.getAsJsonArray()) parts.add(py(x));
      return "[" + String.join(", ", parts) + "]";
    }
    return Float.toString(e.getAsFloat());
  }

  private static String py(Tensor t) {
    if (t == null) return "None";
    if (t.dim() == 0) return Float.toString(t.item());
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < t.size(0); i++) parts.add(py(t.select(0, i)));
    return "[" + String.join(", ", parts) + "]";
  }

  private static String py(Tensor[] ts) {
    List<String> parts = new ArrayList<>();
    for (Tensor t : ts) parts.add(py(t));
    return "[" + String.join(", ", parts) + "]";
  }

  /**
   * Equal structure, and values within 1e-6 relative: gradients through Linear come from matmuls whose float
   * summation is not PyTorch's to the last bit.
   */
  private static List<String> tokens(String s) {
    List<String> out = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("[\\[\\],;]|[^\\[\\],;\\s]+").matcher(s);
    while (m.find()) out.add(m.group());
    return out;
  }

  private static void assertNear(String want, String got) {
    List<String> w = tokens(want), g = tokens(got);
    assertEquals(w.size(), g.size(), want + " vs " + got);
    for (int i = 0; i < w.size(); i++) {
      String a = w.get(i), b = g.get(i);
      boolean number = a.matches("-?[0-9.]+(E-?[0-9]+)?");
      if (!number) {
        assertEquals(a, b, want + " vs " + got);
        continue;
      }
      float x = Float.parseFloat(a), y = Float.parseFloat(b);
      if (Math.abs(x - y) > 1e-6 * Math.max(1, Math.abs(x))) assertEquals(want, got, "token " + i + ": " + a + " vs " + b);
    }
  }

  private static Linear linear(int in, int out, int seed) {
    Linear m = new Linear(in, out);
    try (var g = Torch.noGrad()) {
      m.namedParameters().get("weight").copy_(Torch.arange((double) (in * out)).reshape(out, in).mul(0.1).sub(0.3 * seed));
      m.namedParameters().get("bias").copy_(Torch.arange((double) out).mul(0.05).add(0.1 * seed));
    }
    return m;
  }

  private static Tensor x0() { return Torch.tensor(new float[][]{{1f, -2f, 0.5f}, {0.25f, 3f, -1f}}); }

  @Test
  void theHookSeesGradientsWithRespectToInputsAndOutput() {
    Linear m = linear(3, 2, 1);
    List<Tensor[][]> seen = new ArrayList<>();
    m.registerFullBackwardHook((mod, gi, go) -> { seen.add(new Tensor[][]{gi, go}); return null; });
    Tensor x = x0().requiresGrad_(true);
    Tensor y = m.call(x);
    assertEquals(G.get("grad_fn").getAsString(), y.gradFn().name());
    assertEquals(G.get("next").getAsJsonArray().get(0).getAsString(), y.gradFn().nextFunctions().get(0).name());
    y.pow(2L).sum().backward();
    JsonObject w = G.getAsJsonObject("seen");
    assertEquals(w.get("calls").getAsInt(), seen.size());
    assertNear(py(w.get("grad_input")), py(seen.get(0)[0]));
    assertNear(py(w.get("grad_output")), py(seen.get(0)[1]));
    assertNear(py(w.get("x_grad")), py(x.grad()));
    assertNear(py(w.get("w_grad")), py(m.namedParameters().get("weight").grad()));
  }

  @Test
  void hooksReplaceGradInputInRegistrationOrder() {
    Linear m = linear(3, 2, 2);
    List<String> order = new ArrayList<>();
    m.registerFullBackwardHook((mod, gi, go) -> { order.add("h1"); return new Tensor[]{gi[0].mul(2L)}; });
    m.registerFullBackwardHook((mod, gi, go) -> { order.add("h2:" + py(gi[0])); return null; });
    Tensor x = x0().requiresGrad_(true);
    m.call(x).sum().backward();
    JsonObject w = G.getAsJsonObject("replace");
    List<String> want = new ArrayList<>();
    for (JsonElement e : w.getAsJsonArray("order")) want.add(e.getAsString());
    assertEquals(want.get(0), order.get(0));
    assertEquals(want.get(1).substring(0, 3) + py(JsonParser.parseString(want.get(1).substring(3))), order.get(1));
    assertNear(py(w.get("x_grad")), py(x.grad()));
    assertNear(py(w.get("w_grad")), py(m.namedParameters().get("weight").grad()));
    assertEquals(py(w.get("b_grad")), py(m.namedParameters().get("bias").grad()));
  }

  @Test
  void inputsWithoutGradGetNoneAndMayNotBeReplaced() {
    Linear m = linear(3, 2, 3);
    List<Tensor[][]> seen = new ArrayList<>();
    m.registerFullBackwardHook((mod, gi, go) -> { seen.add(new Tensor[][]{gi, go}); return null; });
    Tensor y = m.call(x0());
    assertEquals(G.get("no_input_grad_fn").getAsString(), y.gradFn().name());
    y.sum().backward();
    JsonObject w = G.getAsJsonObject("no_input_grad");
    assertNear(py(w.get("grad_input")), py(seen.get(0)[0]));
    assertNear(py(w.get("grad_output")), py(seen.get(0)[1]));
    assertNear(py(w.get("w_grad")), py(m.namedParameters().get("weight").grad()));

    Linear m2 = linear(3, 2, 3);
    m2.registerFullBackwardHook((mod, gi, go) -> new Tensor[]{Torch.ones(2, 3)});
    Tensor y2 = m2.call(x0()).sum();
    assertEquals(G.get("no_input_error").getAsString(), assertThrows(TorchException.class, y2::backward).getMessage());
  }

  @Test
  void sequentialRunsHooksFromTheOutputBack() {
    Sequential seq = new Sequential(linear(3, 4, 1), new Tanh(), linear(4, 2, 2));
    List<String> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String name = Integer.toString(i);
      seq.get(i).registerFullBackwardHook((mod, gi, go) -> { calls.add("[" + name + ", " + py(gi) + ", " + py(go) + "]"); return null; });
    }
    seq.registerFullBackwardHook((mod, gi, go) -> { calls.add("[seq, " + py(gi) + ", " + py(go) + "]"); return null; });
    Tensor x = x0().requiresGrad_(true);
    seq.call(x).pow(2L).sum().backward();
    JsonObject w = G.getAsJsonObject("sequential");
    List<String> want = new ArrayList<>();
    for (JsonElement c : w.getAsJsonArray("calls")) {
      JsonArray a = c.getAsJsonArray();
      want.add("[" + a.get(0).getAsString() + ", " + py(a.get(1)) + ", " + py(a.get(2)) + "]");
    }
    assertNear(String.join("; ", want), String.join("; ", calls));
    assertNear(py(w.get("x_grad")), py(x.grad()));
  }

  @Test
  void returningTheWrongNumberOfGradientsIsAnError() {
    Linear m = linear(3, 2, 1);
    m.registerFullBackwardHook((mod, gi, go) -> new Tensor[]{gi[0], gi[0]});
    Tensor y = m.call(x0().requiresGrad_(true)).sum();
    assertEquals(G.get("count_error").getAsString(), assertThrows(TorchException.class, y::backward).getMessage());
  }

  /** {@code forward(a, b) = a * b}. */
  static final class Mul extends Module {
    @Override public Tensor forward(Tensor... in) { return in[0].mul(in[1]); }
  }

  @Test
  void anInputWithoutGradGetsZerosWhenAnotherHasOne() {
    Mul mm = new Mul();
    List<Tensor[][]> seen = new ArrayList<>();
    mm.registerFullBackwardHook((mod, gi, go) -> { seen.add(new Tensor[][]{gi, go}); return null; });
    Tensor a = Torch.tensor(1f, 2f, 3f).requiresGrad_(true), b = Torch.tensor(4f, 5f, 6f);
    mm.call(a, b).mul(Torch.tensor(1f, 10f, 100f)).sum().backward();
    JsonObject w = G.getAsJsonObject("two_inputs");
    assertNear(py(w.get("grad_input")), py(seen.get(0)[0]));
    assertNear(py(w.get("grad_output")), py(seen.get(0)[1]));
    assertEquals(py(w.get("a_grad")), py(a.grad()));
  }

  @Test
  void removalBeforeTheCallCountsAndAfterItDoesNot() {
    Linear m = linear(3, 2, 1);
    List<String> calls = new ArrayList<>();
    RemovableHandle h = m.registerFullBackwardHook((mod, gi, go) -> { calls.add("removed"); return null; });
    h.remove();
    m.registerFullBackwardHook((mod, gi, go) -> { calls.add("kept"); return null; });
    Tensor y = m.call(x0().requiresGrad_(true));
    m.registerFullBackwardHook((mod, gi, go) -> { calls.add("late"); return null; });
    y.sum().backward();
    List<String> want = new ArrayList<>();
    for (JsonElement e : G.getAsJsonArray("removal")) want.add(e.getAsString());
    assertEquals(want, calls);
  }

  @Test
  void noGradForwardWiresNothing() {
    Linear m = linear(3, 2, 1);
    m.registerFullBackwardHook((mod, gi, go) -> null);
    Tensor y;
    try (var g = Torch.noGrad()) {
      y = m.call(x0().requiresGrad_(true));
    }
    assertEquals(G.get("no_grad_requires_grad").getAsBoolean(), y.requiresGrad());
    assertFalse(y.requiresGrad());
  }
}
