package dev.tcompile.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.Autograd;
import dev.tcompile.RemovableHandle;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tensor.registerHook against PyTorch 1.13 (goldens/hooks.json from tools/goldens/hooks.py). */
class TensorHookTest {
  private static final JsonObject G;

  static {
    try (var in = TensorHookTest.class.getResourceAsStream("/goldens/hooks.json")) {
      G = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String py(JsonElement e) {
    if (e.isJsonArray()) {
      List<String> parts = new ArrayList<>();
      for (JsonElement x : e.getAsJsonArray()) parts.add(py(x));
      return "[" + String.join(", ", parts) + "]";
    }
    return Float.toString(e.getAsFloat());
  }

  private static String str(Tensor t) { return Arrays.toString(t.toFloatArray()); }

  private static Tensor x() { return Torch.tensor(1f, 2f).requiresGrad_(true); }

  @Test
  void retainGradAndHooksRunInRegistrationOrder() {
    Tensor x = x();
    Tensor y = x.mul(2L);
    y.retainGrad();
    y.registerHook(g -> g.mul(10L));
    y.mul(3L).sum().backward();
    assertEquals(py(G.getAsJsonObject("retain_then_hook").get("y_grad")), str(y.grad()));
    assertEquals(py(G.getAsJsonObject("retain_then_hook").get("x_grad")), str(x.grad()));

    x.setGrad(null);
    y = x.mul(2L);
    y.registerHook(g -> g.mul(10L));
    y.retainGrad();
    y.mul(3L).sum().backward();
    assertEquals(py(G.getAsJsonObject("hook_then_retain").get("y_grad")), str(y.grad()));
    assertEquals(py(G.getAsJsonObject("hook_then_retain").get("x_grad")), str(x.grad()));
  }

  @Test
  void leafHooksChangeWhatIsAccumulatedButNotWhatGradReturns() {
    Tensor x = x();
    RemovableHandle h = x.registerHook(g -> g.add(100L));
    x.mul(3L).sum().backward();
    assertEquals(py(G.get("leaf_hook")), str(x.grad()));
    assertEquals(py(G.get("grad_capture")), str(Autograd.grad(new Tensor[]{x.mul(3L).sum()}, new Tensor[]{x}, null, false, false)[0]));
    h.remove();
    h.remove();
    x.setGrad(null);
    x.mul(3L).sum().backward();
    assertEquals(py(G.get("removed")), str(x.grad()));
  }

  @Test
  void hooksChainAndSeeTheSummedFanIn() {
    List<String> seen = new ArrayList<>();
    Tensor x = x();
    Tensor y = x.mul(2L);
    y.registerHook(g -> { seen.add(str(g)); return null; });
    y.registerHook(g -> g.mul(2L));
    y.registerHook(g -> { seen.add(str(g)); return null; });
    y.sum().backward();
    assertEquals(py(G.getAsJsonObject("chain").get("seen")), seen.toString());
    assertEquals(py(G.getAsJsonObject("chain").get("x_grad")), str(x.grad()));

    seen.clear();
    x.setGrad(null);
    Tensor z = x.mul(2L);
    z.registerHook(g -> { seen.add(str(g)); return null; });
    z.mul(3L).add(z.mul(4L)).sum().backward();
    assertEquals(py(G.getAsJsonObject("fan_in").get("seen")), seen.toString());
    assertEquals(py(G.getAsJsonObject("fan_in").get("x_grad")), str(x.grad()));
  }

  @Test
  void moduleForwardHooksAndPreHooks() {
    JsonObject c = G.getAsJsonObject("module_hooks");
    List<String> calls = new ArrayList<>();
    dev.tcompile.nn.Sequential seq = new dev.tcompile.nn.Sequential(new dev.tcompile.nn.ReLU(), new dev.tcompile.nn.Tanh());
    RemovableHandle h1 = seq.get(0).registerForwardPreHook((m, in) -> new Tensor[]{in[0].mul(2L)});
    RemovableHandle h2 = seq.get(0).registerForwardHook((m, in, out) -> out.add(1L));
    seq.registerForwardHook((m, in, out) -> { calls.add("[Sequential, " + str(in[0]) + ", " + str(out) + "]"); return null; });
    seq.get(1).registerForwardPreHook((m, in) -> { calls.add("[Tanh, " + str(in[0]) + "]"); return null; });
    Tensor x = Torch.tensor(-1f, 0.5f, 2f);
    Tensor y1 = seq.call(x);
    h1.remove();
    h2.remove();
    Tensor y2 = seq.call(x);
    assertEquals(py(c.get("y1")), str(y1));
    assertEquals(py(c.get("y2")), str(y2));
    List<String> want = new ArrayList<>();
    for (JsonElement e : c.getAsJsonArray("calls")) {
      var a = e.getAsJsonArray();
      StringBuilder sb = new StringBuilder("[" + a.get(0).getAsString());
      for (int i = 1; i < a.size(); i++) sb.append(", ").append(py(a.get(i)));
      want.add(sb.append("]").toString());
    }
    assertEquals(want, calls);
  }

  @Test
  void errorsMatchPyTorch() {
    TorchException e = assertThrows(TorchException.class, () -> Torch.ones(2).registerHook(g -> g));
    assertEquals(G.get("no_grad_error").getAsString(), e.getMessage());
    Tensor y = x().mul(2L);
    y.registerHook(g -> Torch.ones(3));
    e = assertThrows(TorchException.class, () -> y.sum().backward());
    assertEquals(G.get("size_error").getAsString(), e.getMessage());
  }
}
