package dev.tcompile.goldens;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** goldens/ops.json, written by tools/goldens/ops.py from PyTorch 1.13; parsed once per test JVM. */
final class GoldenFile {
  private GoldenFile() {}

  private static JsonObject ops;

  static synchronized JsonObject ops() {
    if (ops == null) {
      try (InputStream in = GoldenFile.class.getResourceAsStream("/goldens/ops.json")) {
        if (in == null) throw new IllegalStateException("goldens/ops.json missing from test resources");
        ops = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return ops;
  }

  /** The objects of one top-level array: "cases", "errors" or "double_backward". */
  static List<JsonObject> section(String name) {
    return ops().getAsJsonArray(name).asList().stream().map(JsonElement::getAsJsonObject).toList();
  }
}
