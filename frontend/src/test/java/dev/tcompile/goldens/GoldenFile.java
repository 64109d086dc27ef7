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

  private static final java.util.Map<String, JsonObject> FILES = new java.util.HashMap<>();

  static JsonObject ops() { return file("ops.json"); }

  /** goldens/ports.json-style files in the same format (tools/goldens/ops_ports.py writes ops_ports.json). */
  static synchronized JsonObject file(String name) {
    return FILES.computeIfAbsent(name, n -> {
      try (InputStream in = GoldenFile.class.getResourceAsStream("/goldens/" + n)) {
        if (in == null) throw new IllegalStateException("goldens/" + n + " missing from test resources");
        return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  static List<JsonObject> section(String file, String name) {
    return file(file).getAsJsonArray(name).asList().stream().map(JsonElement::getAsJsonObject).toList();
  }

  /** The objects of one top-level array: "cases", "errors" or "double_backward". */
  static List<JsonObject> section(String name) {
    return ops().getAsJsonArray(name).asList().stream().map(JsonElement::getAsJsonObject).toList();
  }
}
