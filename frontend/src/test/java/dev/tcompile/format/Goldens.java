package dev.tcompile.format;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** goldens/printing.json, written by tools/goldens/printing.py from PyTorch 1.13. */
final class Goldens {
  private Goldens() {}

  static JsonObject printing() {
    try (InputStream in = Goldens.class.getResourceAsStream("/goldens/printing.json")) {
      if (in == null) throw new IllegalStateException("goldens/printing.json missing from test resources");
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
