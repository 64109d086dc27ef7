package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * float32 softmax / log_softmax against PyTorch 1.13 (goldens/softmax.txt, written by tools/goldens/softmax.py):
 * rows of 1 to 4096 elements, several magnitudes, -inf entries, rows of equal values, and dims other than the
 * last; bit for bit (NaN compared as NaN: the sign of a NaN is not part of the contract), from a fresh array and
 * into a memory plan's buffer (the compiled programs' call), and after C2 has compiled the loops.
 */
class SoftmaxGoldenTest {
  @Test void softmaxAndLogSoftmaxArePyTorchsBitForBit() throws IOException {
    List<Float32Goldens.Case> cases = Float32Goldens.load("/goldens/softmax.txt", "tools/goldens/softmax.py");
    assertEquals(156, cases.size());
    StringBuilder report = new StringBuilder();
    int total = 0;
    for (int round = 0; round < 40; round++) {
      for (Float32Goldens.Case c : cases) {
        String[] p = c.name().split("/");
        boolean log = p[0].equals("log_softmax");
        int[] shape = Arrays.stream(p[1].split(",")).mapToInt(Integer::parseInt).toArray();
        int dim = Integer.parseInt(p[2]);
        NDArray x = NDArray.wrap(c.x().clone(), shape);
        NDArray into = NDArray.empty(DType.FLOAT32, shape);
        float[] fresh = Softmax.forward(x, dim, log).floats(), planned = Softmax.forward(x, dim, log, into).floats();
        if (round > 0 && round < 39) continue; // warm-up rounds: only the first and the last (C2-compiled) are checked
        int bad = 0;
        for (int i = 0; i < fresh.length; i++) {
          int want = Float.floatToIntBits(c.y()[i]);
          if (Float.floatToIntBits(fresh[i]) != want || Float.floatToIntBits(planned[i]) != want) bad++;
        }
        if (bad > 0) report.append(String.format("%s: %d of %d differ%n", c.name(), bad, fresh.length));
        total += bad;
      }
    }
    assertEquals(0, total, "elements that differ from PyTorch's bits:\n" + report);
  }
}
