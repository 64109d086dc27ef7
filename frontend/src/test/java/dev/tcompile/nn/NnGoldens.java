package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * goldens/nn/, written by tools/goldens/nn.py from PyTorch 1.13: nn.json (cases, reprs, messages, optimiser
 * cases) and tensors.safetensors (every tensor the cases use, read with tcompile's own reader).
 */
public final class NnGoldens {
  private NnGoldens() {}

  private static JsonObject json;
  private static Map<String, Tensor> tensors;

  public static synchronized JsonObject json() {
    if (json == null) {
      try (var in = NnGoldens.class.getResourceAsStream("/goldens/nn/nn.json")) {
        assertNotNull(in, "goldens/nn/nn.json missing: run tools/goldens/nn.py");
        json = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return json;
  }

  public static Path resource(String name) {
    try {
      var url = NnGoldens.class.getResource("/goldens/nn/" + name);
      assertNotNull(url, "goldens/nn/" + name + " missing");
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static synchronized Map<String, Tensor> tensors() {
    if (tensors == null) tensors = Safetensors.load(resource("tensors.safetensors"));
    return tensors;
  }

  /** A golden tensor (a fresh copy, so tests may modify it). */
  public static Tensor tensor(String key) {
    Tensor t = tensors().get(key);
    assertNotNull(t, "golden tensor " + key + " missing");
    return t.clone();
  }

  public static boolean has(String key) { return tensors().containsKey(key); }

  /** Elementwise {@code |a - e| <= atol + rtol |e|}, with atol scaled by the expected values' magnitude. */
  public static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String what) {
    assertArrayEquals(expected.shapeArray(), actual.shapeArray(), what + ": shape");
    assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
    if (expected.dtype() != DType.FLOAT32) {
      assertArrayEquals(expected.toLongArray(), actual.toLongArray(), what);
      return;
    }
    float[] e = expected.toFloatArray(), a = actual.toFloatArray();
    double scale = 1;
    for (float v : e) if (Float.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    for (int i = 0; i < e.length; i++) {
      boolean ok = Float.isNaN(e[i]) ? Float.isNaN(a[i])
          : Float.isInfinite(e[i]) ? e[i] == a[i] : Math.abs(a[i] - e[i]) <= atol * scale + rtol * Math.abs(e[i]);
      if (!ok) throw new AssertionError(what + ": element " + i + " expected " + e[i] + " but was " + a[i] + "\nexpected " + expected
          + "\nactual   " + actual);
    }
  }

  public static void assertClose(Tensor expected, Tensor actual, String what) { assertClose(expected, actual, 1e-4, 1e-5, what); }
}
