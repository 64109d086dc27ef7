package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.runtime.NDArray;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * float32 exp against PyTorch 1.13 (goldens/exp.txt, written by tools/goldens/exp.py: lengths that are multiples
 * of 16, so every golden comes from PyTorch's vector lanes, SLEEF expf_u10): bit for bit, from the vector kernel at
 * several offsets, through the eager unary op, and after C2 has compiled the loop.
 */
class ExpGoldenTest {
  @Test void expIsPyTorchsBitForBit() throws IOException {
    List<Float32Goldens.Case> cases = Float32Goldens.load("/goldens/exp.txt", "tools/goldens/exp.py");
    assertEquals(3, cases.size());
    for (Float32Goldens.Case c : cases) {
      String name = c.name();
      float[] x = c.x(), y = c.y();
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
    }
  }
}
