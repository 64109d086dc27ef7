package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Files move both ways between tcompile and PyTorch. tools/goldens/nn.py wrote tensors.safetensors by hand and
 * every golden test reads it; this test writes the tensors of the script's {@code java_expected()} and must
 * produce exactly the committed goldens/nn/java_written.safetensors, which the script parses and checks.
 * To regenerate the fixture: run this test with {@code -Dgoldens.write=<repo>/frontend/src/test/resources/goldens/nn},
 * then run the script.
 */
class SafetensorsInteropTest {
  /** The script's java_expected(), tensor for tensor. */
  static Map<String, Tensor> expected() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("weight", Torch.arange(0.0, 12.0, 1.0).reshape(3, 4).div(8.0).sub(0.5));
    m.put("bias", Torch.tensor(1e-8f, -3.5e7f, Float.POSITIVE_INFINITY));
    m.put("steps", Torch.fromArray(new long[]{0, -1, 1L << 40, 5}, 2, 2));
    m.put("mask", Torch.tensor(true, false, false, true));
    m.put("scalar", Torch.scalar(2.5));
    return m;
  }

  @Test
  void writesTheFileThePyTorchScriptVerified() throws IOException {
    String target = System.getProperty("goldens.write");
    Path out = target != null ? Path.of(target, "java_written.safetensors") : Files.createTempFile("java_written", ".safetensors");
    Safetensors.save(expected(), Map.of("written_by", "tcompile"), out);
    if (target != null) return;
    assertArrayEquals(Files.readAllBytes(NnGoldens.resource("java_written.safetensors")), Files.readAllBytes(out));
    Files.delete(out);
  }

  @Test
  void readsTheTensorsThePyTorchScriptWrote() {
    Map<String, Tensor> t = NnGoldens.tensors();
    assertTrue(t.size() > 1000);
    Tensor x = t.get("f_conv2d_seed/in/0");
    assertArrayEquals(new int[]{1, 4, 5, 5}, x.shapeArray());
    assertEquals(Map.of("torch", NnGoldens.json().get("torch_version").getAsString()),
        Safetensors.metadata(NnGoldens.resource("tensors.safetensors")));
  }
}
