package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Golden files of a float32 function from PyTorch (tools/goldens/*.py): cases of three lines, "case NAME N",
 * "x HEX..." and "y HEX..." (float32 bit patterns, 8 hex digits each).
 */
final class Float32Goldens {
  private Float32Goldens() {}

  record Case(String name, float[] x, float[] y) {}

  /** The cases of {@code resource}, made by {@code script} (named in the message when the file is missing). */
  static List<Case> load(String resource, String script) throws IOException {
    List<Case> cases = new ArrayList<>();
    try (InputStream in = Float32Goldens.class.getResourceAsStream(resource)) {
      assertNotNull(in, resource + " missing: run /usr/bin/python3 " + script);
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        if (!l.startsWith("case ")) continue;
        String[] h = l.split(" ");
        float[] x = floats(r.readLine(), "x "), y = floats(r.readLine(), "y ");
        assertEquals(Integer.parseInt(h[2]), x.length, h[1]);
        assertEquals(x.length, y.length, h[1]);
        cases.add(new Case(h[1], x, y));
      }
    }
    return cases;
  }

  /** The float32 values of a golden line "PREFIX HEX HEX ..." (bit patterns). */
  static float[] floats(String line, String prefix) {
    assertTrue(line.startsWith(prefix), line);
    String[] p = line.substring(prefix.length()).split(" ");
    float[] a = new float[p.length];
    for (int i = 0; i < p.length; i++) a[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(p[i], 16));
    return a;
  }
}
