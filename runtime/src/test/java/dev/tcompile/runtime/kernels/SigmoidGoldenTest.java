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
import org.junit.jupiter.api.Test;

/**
 * float32 sigmoid against PyTorch 1.13 (goldens/sigmoid.txt, written by tools/goldens/sigmoid.py). PyTorch's
 * vector lanes (1 / (1 + SLEEF expf_u10(-x))) cover all but the last n % 16 elements of a contiguous run; those
 * must match bit for bit, from the vector kernel, the scalar {@link UnaryOp#apply}, at any offset in the run and
 * after C2 has compiled the loop. PyTorch's last n % 16 elements take glibc's scalar expf instead, which rounds
 * differently for a few percent of inputs: there tcompile keeps the lane formula (an element's bits do not depend on
 * its position, so fused compiled loops equal eager), and this test holds those elements to 1 ulp.
 */
class SigmoidGoldenTest {

  private record Case(String name, float[] x, float[] y) {}

  private static List<Case> load() throws IOException {
    List<Case> cases = new ArrayList<>();
    try (InputStream in = SigmoidGoldenTest.class.getResourceAsStream("/goldens/sigmoid.txt")) {
      assertNotNull(in, "goldens/sigmoid.txt missing: run /usr/bin/python3 tools/goldens/sigmoid.py");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        if (!l.startsWith("case ")) continue;
        String[] h = l.split(" ");
        float[] x = floats(r.readLine(), "x "), y = floats(r.readLine(), "y ");
        assertEquals(Integer.parseInt(h[2]), x.length, h[1]);
        cases.add(new Case(h[1], x, y));
      }
    }
    assertEquals(7, cases.size());
    return cases;
  }

  private static float[] floats(String line, String prefix) {
    assertTrue(line.startsWith(prefix), line);
    String[] p = line.substring(prefix.length()).split(" ");
    float[] a = new float[p.length];
    for (int i = 0; i < p.length; i++) a[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(p[i], 16));
    return a;
  }

  /** Checks {@code got} against PyTorch: bit for bit on its vector positions, 1 ulp on its scalar tail. */
  private static void check(Case c, float[] got, String how) {
    int n = c.x.length, vec = n - n % 16;
    for (int i = 0; i < n; i++) {
      int want = Float.floatToIntBits(c.y[i]), have = Float.floatToIntBits(got[i]);
      String at = c.name + " " + how + " [" + i + "] x=" + c.x[i];
      if (i < vec) assertEquals(want, have, at);
      else assertTrue(Math.abs(want - have) <= 1, at + " want " + c.y[i] + " got " + got[i]);
    }
  }

  private static float[] vectorKernel(float[] x, int offset) {
    float[] in = new float[x.length + offset], out = new float[x.length + offset];
    System.arraycopy(x, 0, in, offset, x.length);
    VectorMath.sigmoid(in, offset, out, offset, x.length);
    return java.util.Arrays.copyOfRange(out, offset, offset + x.length);
  }

  @Test void vectorKernelMatchesPyTorch() throws IOException {
    for (Case c : load()) for (int off = 0; off < 3; off++) check(c, vectorKernel(c.x, off), "offset " + off);
  }

  @Test void scalarMatchesPyTorch() throws IOException {
    for (Case c : load()) {
      float[] got = new float[c.x.length];
      for (int i = 0; i < got.length; i++) got[i] = UnaryOp.SIGMOID.apply(c.x[i]);
      check(c, got, "scalar");
    }
  }

  @Test void denseEntryPointAndCompiledLoopMatchPyTorch() throws IOException {
    List<Case> cases = load();
    for (int rep = 0; rep < 3000; rep++) for (Case c : cases) vectorKernel(c.x, rep & 1);   // C2 compiles the loop
    for (Case c : cases) {
      check(c, vectorKernel(c.x, 1), "after warm-up");
      float[] got = new float[c.x.length];
      Pointwise.unaryDense(UnaryOp.SIGMOID, c.x, got, c.x.length);
      check(c, got, "unaryDense");
    }
  }
}
