package dev.tcompile.vision;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** goldens/data.json (written by tools/goldens/data.py from torchvision 0.14) and the bundled sample's root. */
final class DataGoldens {
  private DataGoldens() {}

  private static JsonObject cached;

  static synchronized JsonObject get() {
    if (cached == null) {
      try (InputStream in = DataGoldens.class.getResourceAsStream("/goldens/data.json")) {
        if (in == null) throw new IllegalStateException("goldens/data.json missing from test resources");
        cached = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return cached;
  }

  static float[] floats(JsonArray a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).getAsDouble();
    return f;
  }

  static long[] longs(JsonArray a) {
    long[] l = new long[a.size()];
    for (int i = 0; i < l.length; i++) l[i] = a.get(i).getAsLong();
    return l;
  }

  static int[] ints(JsonArray a) {
    int[] l = new int[a.size()];
    for (int i = 0; i < l.length; i++) l[i] = a.get(i).getAsInt();
    return l;
  }

  /** The repository's {@code data} folder (tests run from the module folder, one level below). */
  static String sampleRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("data/MNIST/raw"))) return p.resolve("data").toString();
    }
    throw new IllegalStateException("the bundled MNIST sample (data/MNIST/raw) was not found above " + Path.of("").toAbsolutePath());
  }
}
