package dev.tcompile.runtime.compiled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The text form fused kernels travel in inside jars: read back exactly, anything malformed refused by a TorchException. */
class PointwiseProgramTest {
  /** relu(x) * 0.5 where x > 0, and its sum over dim 0. */
  private static final String TEXT = """
      space 2,3
      inputs FLOAT32
      const FLOAT32 3fe0000000000000
      unary RELU 0
      binary MUL 2 1
      const FLOAT32 0
      binary GT 0 4
      where 5 3 4
      sum 6 10
      output 6 FLOAT32 2,3
      output 7 FLOAT32 3
      """;

  @Test void textRoundTripsAndRuns() {
    PointwiseProgram p = PointwiseProgram.parse(TEXT);
    assertEquals(TEXT, p.toText());
    NDArray x = NDArray.wrap(new float[]{-1, 2, 4, 6, -3, 0.5f}, 2, 3);
    NDArray[] out = new FusedLoop(p, null).run(x);
    assertEquals("[0.0, 1.0, 2.0, 3.0, 0.0, 0.25]", java.util.Arrays.toString(out[0].toFloatArray()));
    assertEquals("[3.0, 1.0, 2.25]", java.util.Arrays.toString(out[1].toFloatArray()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "space 2\n", "space 2\ninputs FLOAT32\nunary RELU 1\n", "space 2\ninputs INT64\n",
      "space 2\ninputs FLOAT32\nbinary NOPE 0 0\n", "space 2\ninputs FLOAT32\nwhere 0 0 0\n", "space x\ninputs FLOAT32\n",
      "space 2\ninputs FLOAT32\nsum 0 11\n", "space 2\ninputs FLOAT32\noutput 3 FLOAT32 2\n", "space 2\ninputs FLOAT32\nconst FLOAT32 zz\n",
      "space 65536,65536\ninputs FLOAT32\n", "space 2\ninputs FLOAT32\nunary RELU\n"})
  void malformedTextIsATorchException(String text) {
    TorchException e = assertThrows(TorchException.class, () -> PointwiseProgram.parse(text));
    assertEquals(true, e.getMessage().startsWith("malformed pointwise program: "), e.getMessage());
  }

  @Test void outputsOfTheWrongSizeAreRefusedBeforeRunning() {
    PointwiseProgram p = PointwiseProgram.parse("space 2,3\ninputs FLOAT32\nunary RELU 0\noutput 1 FLOAT32 7\n");
    assertEquals("malformed pointwise program: output 0 has 7 elements, its values 6",
        assertThrows(TorchException.class, () -> new FusedLoop(p, null)).getMessage());
  }
}
