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
  void errorsMatchPyTorch() {
    TorchException e = assertThrows(TorchException.class, () -> Torch.ones(2).registerHook(g -> g));
    assertEquals(G.get("no_grad_error").getAsString(), e.getMessage());
    Tensor y = x().mul(2L);
    y.registerHook(g -> Torch.ones(3));
    e = assertThrows(TorchException.class, () -> y.sum().backward());
    assertEquals(G.get("size_error").getAsString(), e.getMessage());
  }
}
