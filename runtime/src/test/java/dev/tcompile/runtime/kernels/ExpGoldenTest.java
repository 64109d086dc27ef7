package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.runtime.NDArray;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * float32 exp against PyTorch 1.13 (goldens/exp.txt, written by tools/goldens/exp.py: lengths that are multiples
 * of 16, so every golden comes from PyTorch's vector lanes, SLEEF expf_u10): bit for bit, from the vector kernel at
 * several offsets, through the eager unary op, and after C2 has compiled the loop.
 */
class ExpGoldenTest {
  @Test void expIsPyTorchsBitForBit() throws IOException {
    int cases = 0;
    try (InputStream in = ExpGoldenTest.class.getResourceAsStream("/goldens/exp.txt")) {
      assertNotNull(in, "goldens/exp.txt missing: run /usr/bin/python3 tools/goldens/exp.py");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        if (!l.startsWith("case ")) continue;
        String name = l.split(" ")[1];
        float[] x = floats(r.readLine(), "x "), y = floats(r.readLine(), "y ");
        for (int offset = 0; offset < 3; offset++) {
          float[] src = new float[x.length + offset], dst = new float[x.length + offset];
          System.arraycopy(x, 0, src, offset, x.length);
          for (int round = 0; round < (offset == 0 ? 3000 : 1); round++) VectorMath.exp(src, offset, dst, offset, x.length);
          for (int i = 0; i < x.length; i++)
            assertEquals(Float.floatToIntBits(y[i]), Float.floatToIntBits(dst[offset + i]),
                name + "[" + i + "] exp(" + x[i] + ") at offset " + offset + ": PyTorch " + y[i] + ", ours " + dst[offset + i]);
        }
        NDArray got = Pointwise.unary(UnaryOp.EXP, NDArray.wrap(x, x.length));
        for (int i = 0; i < x.length; i++)
          assertEquals(Float.floatToIntBits(y[i]), Float.floatToIntBits((float) got.getDouble(i)), name + "[" + i + "] through Pointwise.unary");
        cases++;
      }
    }
    assertEquals(3, cases);
  }

  private static float[] floats(String line, String prefix) {
    assertTrue(line.startsWith(prefix), line);
    String[] p = line.substring(prefix.length()).split(" ");
    float[] a = new float[p.length];
    for (int i = 0; i < p.length; i++) a[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(p[i], 16));
    return a;
  }
}
