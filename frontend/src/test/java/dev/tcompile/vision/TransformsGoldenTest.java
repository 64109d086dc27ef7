package dev.tcompile.vision;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Each transform against what torchvision 0.14 computes on the same tensor (goldens/data.json). */
class TransformsGoldenTest {
  @TestFactory Stream<DynamicTest> matchesTorchvision() {
    return DataGoldens.get().getAsJsonArray("transforms").asList().stream().map(JsonElement::getAsJsonObject)
        .map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> check(c)));
  }

  static Tensor input(JsonObject c) {
    int[] shape = DataGoldens.ints(c.getAsJsonArray("in_shape"));
    float[] v = DataGoldens.floats(c.getAsJsonArray("input"));
    if (c.get("dtype").getAsString().equals("float32")) return Torch.fromArray(v, shape);
    long[] l = new long[v.length];
    for (int i = 0; i < l.length; i++) l[i] = (long) v[i];
    return Torch.fromArray(l, shape);
  }

  static Function<Tensor, Tensor> transformOf(JsonObject c) {
    String name = c.get("name").getAsString();
    if (name.startsWith("normalize"))
      return Transforms.normalize(doubles(c, "mean"), doubles(c, "std"))::apply;
    if (name.startsWith("resize")) {
      int[] s = DataGoldens.ints(c.getAsJsonArray("size"));
      return (s.length == 1 ? Transforms.resize(s[0]) : Transforms.resize(s[0], s[1]))::apply;
    }
    if (name.startsWith("center_crop")) {
      int[] s = DataGoldens.ints(c.getAsJsonArray("size"));
      return Transforms.centerCrop(s[0], s[1])::apply;
    }
    if (name.startsWith("pad"))
      return Transforms.pad(DataGoldens.ints(c.getAsJsonArray("padding")), c.get("fill").getAsDouble(), c.get("mode").getAsString())::apply;
    if (name.equals("hflip")) return Transforms::hflip;
    if (name.startsWith("to_tensor")) return Transforms.toTensor()::apply;
    throw new AssertionError("no transform for golden case " + name);
  }

  static double[] doubles(JsonObject c, String key) {
    return c.getAsJsonArray(key).asList().stream().mapToDouble(JsonElement::getAsDouble).toArray();
  }

  static void check(JsonObject c) {
    Tensor out = transformOf(c).apply(input(c));
    String outDtype = c.get("out_dtype").getAsString();
    assertEquals(outDtype.equals("float32") ? DType.FLOAT32 : DType.INT64, out.dtype());
    assertArrayEquals(DataGoldens.ints(c.getAsJsonArray("out_shape")), out.shapeArray());
    assertFalse(out.requiresGrad());
    float[] expected = DataGoldens.floats(c.getAsJsonArray("output"));
    float[] got = out.toFloatArray();
    // Bilinear weights may round differently from PyTorch's vectorised kernel in the last bit.
    float tolerance = c.get("name").getAsString().startsWith("resize") && outDtype.equals("float32") ? 1e-6f : 0f;
    assertArrayEquals(expected, got, tolerance);
  }
}
