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
 * float32 softmax / log_softmax backward against PyTorch 1.13 (goldens/softmax_backward.txt, written by
 * tools/goldens/softmax_backward.py): rows of 1 to 4096 elements along the last dim and other dims, bit for bit, on the first call and after
 * C2 has compiled the loops.
 */
class SoftmaxBackwardGoldenTest {
  @Test void backwardIsPyTorchsBitForBit() throws IOException {
    String resource = "/goldens/softmax_backward.txt";
    int cases = 0, total = 0;
    StringBuilder report = new StringBuilder();
    try (InputStream in = getClass().getResourceAsStream(resource)) {
      assertNotNull(in, resource + " missing: run /usr/bin/python3 tools/goldens/softmax_backward.py");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        if (!l.startsWith("case ")) continue;
        String name = l.split(" ")[1];
        String[] p = name.split("/");
        int[] shape = java.util.Arrays.stream(p[1].split(",")).mapToInt(Integer::parseInt).toArray();
        int dim = Integer.parseInt(p[2]);
        float[] y = Float32Goldens.floats(r.readLine(), "y "), g = Float32Goldens.floats(r.readLine(), "g "),
            gx = Float32Goldens.floats(r.readLine(), "gx ");
        boolean log = p[0].equals("log_softmax");
        int bad = 0;
        for (int round = 0; round < 40; round++) {
          float[] got = Softmax.backward(NDArray.wrap(g, shape), NDArray.wrap(y, shape), dim, log).floats();
          if (round > 0 && round < 39) continue; // warm-up rounds
          for (int i = 0; i < got.length; i++) if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(gx[i])) bad++;
        }
        if (bad > 0) report.append(String.format("%s: %d differ%n", name, bad));
        total += bad;
        cases++;
      }
    }
    assertEquals(56, cases);
    assertEquals(0, total, "elements that differ from PyTorch's bits (first and C2 rounds):\n" + report);
  }
}
