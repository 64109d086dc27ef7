package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.CompiledFn;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Dropout and bernoulli draw PyTorch 1.13's exact masks from the default generator, and consume as many numbers
 * as PyTorch does, so the torch.rand after them matches too (goldens/dropout.json from tools/goldens/dropout.py;
 * all comparisons are bit for bit, -0.0 included).
 */
class DropoutGoldenTest {
  private static final JsonObject G;

  static {
    try (var in = DropoutGoldenTest.class.getResourceAsStream("/goldens/dropout.json")) {
      G = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static float[] floats(JsonElement e) {
    JsonArray a = e.getAsJsonArray();
    float[] v = new float[a.size()];
    for (int i = 0; i < v.length; i++) v[i] = (float) a.get(i).getAsDouble();
    return v;
  }

  private static int[] ints(JsonElement e) {
    JsonArray a = e.getAsJsonArray();
    int[] v = new int[a.size()];
    for (int i = 0; i < v.length; i++) v[i] = a.get(i).getAsInt();
    return v;
  }

  private static Tensor input(int[] shape) {
    int n = 1;
    for (int d : shape) n *= d;
    return Torch.arange((double) n).mul(0.25).sub(1.0).reshape(shape).requiresGrad_(true);
  }

  @Test
  void functionalDropoutMasksGradientsAndTheNextDraw() {
    for (JsonElement e : G.getAsJsonArray("dropout")) {
      JsonObject c = e.getAsJsonObject();
      String what = "seed " + c.get("seed") + " shape " + c.get("shape") + " p " + c.get("p");
      Torch.manualSeed(c.get("seed").getAsLong());
      Tensor x = input(ints(c.get("shape")));
      Tensor y = F.dropout(x, c.get("p").getAsDouble(), true);
      y.sum().backward();
      Tensor after = Torch.rand(5);
      assertEquals(c.get("grad_fn").getAsString(), y.gradFn().name(), what);
      assertArrayEquals(floats(c.get("y")), y.toFloatArray(), what);
      assertArrayEquals(floats(c.get("grad")), x.grad().toFloatArray(), what);
      assertArrayEquals(floats(c.get("after")), after.toFloatArray(), what);
    }
  }

  @Test
  void compiledDropoutDrawsPyTorchsMasksToo() {
    CompiledFn f = Torch.compile(x -> F.dropout(x[0], 0.5, true).mul(3.0));
    for (JsonElement e : G.getAsJsonArray("dropout")) {
      JsonObject c = e.getAsJsonObject();
      if (c.get("p").getAsDouble() != 0.5 || !c.get("shape").toString().equals("[17,13]")) continue;
      Torch.manualSeed(c.get("seed").getAsLong());
      Tensor y = f.apply(input(ints(c.get("shape"))).detach());
      Tensor after = Torch.rand(5);
      float[] want = floats(c.get("y"));
      for (int i = 0; i < want.length; i++) want[i] *= 3f;
      assertArrayEquals(want, y.toFloatArray());
      assertArrayEquals(floats(c.get("after")), after.toFloatArray());
    }
  }

  @Test
  void moduleDropoutTwiceThenRandn() {
    JsonObject c = G.getAsJsonObject("module");
    Torch.manualSeed(42);
    Dropout d = new Dropout(0.3);
    Tensor a = d.forward(Torch.ones(4, 9)), b = d.forward(Torch.ones(11));
    Tensor n = Torch.randn(3);
    assertArrayEquals(floats(c.get("a")), a.toFloatArray());
    assertArrayEquals(floats(c.get("b")), b.toFloatArray());
    assertArrayEquals(floats(c.get("randn")), n.toFloatArray());
    assertEquals(c.get("repr").getAsString(), d.toString());
  }

  @Test
  void bernoulliInPlaceOnContiguousAndTransposedTensors() {
    for (JsonElement e : G.getAsJsonArray("bernoulli_")) {
      JsonObject c = e.getAsJsonObject();
      Torch.manualSeed(7);
      Tensor t = Torch.zeros(ints(c.get("shape")));
      if (c.get("transpose").getAsBoolean()) t = t.t();
      t.bernoulli_(c.get("p").getAsDouble());
      Tensor after = Torch.rand(3);
      assertArrayEquals(floats(c.get("v")), t.contiguous().toFloatArray(), c.toString());
      assertArrayEquals(floats(c.get("after")), after.toFloatArray(), c.toString());
    }
  }

  @Test
  void bernoulliOfProbabilities() {
    JsonObject c = G.getAsJsonObject("probs");
    Torch.manualSeed(9);
    Tensor probs = Torch.linspace(0, 1, 23).reshape(1, 23).requiresGrad_(true);
    Tensor s = probs.bernoulli();
    s.sum().backward();
    Tensor after = Torch.rand(3);
    assertEquals(c.get("grad_fn").getAsString(), s.gradFn().name());
    assertArrayEquals(floats(c.get("v")), s.toFloatArray());
    assertArrayEquals(floats(c.get("grad")), probs.grad().toFloatArray());
    assertArrayEquals(floats(c.get("after")), after.toFloatArray());
  }

  @Test
  void outOfRangeProbabilitiesAreRefusedAsPyTorchDoes() {
    JsonObject errs = G.getAsJsonObject("errors");
    for (String p : errs.keySet()) {
      TorchException ex = org.junit.jupiter.api.Assertions.assertThrows(TorchException.class,
          () -> Torch.zeros(3).bernoulli_(Double.parseDouble(p)));
      assertEquals(errs.get(p).getAsString(), ex.getMessage());
    }
  }

  @Test
  void channelDropoutZeroesWholeChannels() {
    for (JsonElement e : G.getAsJsonArray("feature")) {
      JsonObject c = e.getAsJsonObject();
      int[] shape = ints(c.get("shape"));
      int n = 1;
      for (int d : shape) n *= d;
      Torch.manualSeed(17);
      Tensor x = Torch.arange((double) n).mul(0.5).sub(2.0).reshape(shape).requiresGrad_(true);
      Tensor y = switch (c.get("fn").getAsString()) {
        case "dropout1d" -> F.dropout1d(x, 0.4, true, false);
        case "dropout2d" -> F.dropout2d(x, 0.4, true, false);
        default -> F.dropout3d(x, 0.4, true, false);
      };
      y.sum().backward();
      String what = c.get("fn") + " " + c.get("shape");
      assertEquals(c.get("grad_fn").getAsString(), y.gradFn().name(), what);
      assertArrayEquals(floats(c.get("y")), y.toFloatArray(), what);
      assertArrayEquals(floats(c.get("grad")), x.grad().toFloatArray(), what);
      assertArrayEquals(floats(c.get("after")), Torch.rand(3).toFloatArray(), what);
    }
  }

  @Test
  void inPlaceDropoutMultipliesTheInputItself() {
    JsonObject c = G.getAsJsonObject("inplace");
    Torch.manualSeed(5);
    Tensor leaf = Torch.arange(6.0).requiresGrad_(true);
    Tensor x = leaf.mul(1.0);
    Tensor y = F.dropout(x, 0.5, true, true);
    assertEquals(c.get("same").getAsBoolean(), y == x);
    assertEquals(c.get("grad_fn").getAsString(), x.gradFn().name());
    assertArrayEquals(floats(c.get("v")), x.toFloatArray());
    assertEquals(c.get("version").getAsLong(), x.version());
    JsonObject one = G.getAsJsonObject("inplace_p1");
    Tensor z = leaf.mul(1.0);
    F.dropout(z, 1.0, true, true);
    assertEquals(one.get("grad_fn").getAsString(), z.gradFn().name());
    assertArrayEquals(floats(one.get("v")), z.toFloatArray());
  }

  @Test
  void dropoutModulesPrintAndCheckAsPyTorch() {
    JsonArray r = G.getAsJsonArray("reprs");
    assertEquals(r.get(0).getAsString(), new Dropout(0.2, true).toString());
    assertEquals(r.get(1).getAsString(), new Dropout1d().toString());
    assertEquals(r.get(2).getAsString(), new Dropout2d(0.3).toString());
    assertEquals(r.get(3).getAsString(), new Dropout3d(0.1, true).toString());
    assertEquals(G.get("dropout1d_error").getAsString(), org.junit.jupiter.api.Assertions.assertThrows(TorchException.class,
        () -> F.dropout1d(Torch.zeros(2, 2, 2, 2), 0.5, true, false)).getMessage());
    assertEquals(G.get("feature_error").getAsString(), org.junit.jupiter.api.Assertions.assertThrows(TorchException.class,
        () -> F.dropout2d(Torch.zeros(4), 0.5, true, false)).getMessage());
  }

  @Test
  void bernoulliWithAScalarOrAProbabilityTensor() {
    JsonObject c = G.getAsJsonObject("bernoulli_scalar");
    Torch.manualSeed(3);
    Tensor a = Torch.rand(4, 5).requiresGrad_(true);
    Tensor b = a.bernoulli(0.3);
    assertArrayEquals(floats(c.get("v")), b.toFloatArray());
    assertEquals(c.get("requires_grad").getAsBoolean(), b.requiresGrad());
    assertEquals(null, b.gradFn());
    assertArrayEquals(floats(c.get("after")), Torch.rand(3).toFloatArray());
    for (JsonElement e : G.getAsJsonArray("bernoulli_probs")) {
      JsonObject p = e.getAsJsonObject();
      Torch.manualSeed(4);
      Tensor t = p.get("transpose").getAsBoolean() ? Torch.zeros(5, 4).t() : Torch.zeros(4, 5);
      t.bernoulli_(Torch.linspace(0.05, 0.95, 5));
      assertArrayEquals(floats(p.get("v")), t.contiguous().toFloatArray(), p.toString());
      assertArrayEquals(floats(p.get("after")), Torch.rand(3).toFloatArray(), p.toString());
    }
    Tensor x = Torch.zeros(3).requiresGrad_(true).clone();
    x.bernoulli_(Torch.tensor(0.2f, 0.4f, 0.6f));
    assertEquals(G.get("bernoulli_probs_grad_fn").getAsString(), x.gradFn().name());
    assertEquals(G.get("bernoulli_probs_error").getAsString(), org.junit.jupiter.api.Assertions.assertThrows(TorchException.class,
        () -> Torch.zeros(3).bernoulli_(Torch.tensor(0.2f, 1.4f, 0.6f))).getMessage());
    assertEquals(G.get("bernoulli_probs_shape_error").getAsString(), org.junit.jupiter.api.Assertions.assertThrows(TorchException.class,
        () -> Torch.zeros(3).bernoulli_(Torch.tensor(0.2f, 0.4f))).getMessage());
  }
}
