package dev.tcompile.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every tensor and size of the PyTorch goldens prints identically. */
class PrintingGoldenTest {
  private static final JsonObject GOLDENS = Goldens.printing();

  @TestFactory
  Stream<DynamicTest> tensorsPrintAsPyTorchDoes() {
    return cases().map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> {
      String actual = TensorFormatter.format(tensor(c), strings(c.getAsJsonArray("suffixes")), options(c.getAsJsonObject("options")));
      assertEquals(c.get("expected").getAsString(), actual);
    }));
  }

  @TestFactory
  Stream<DynamicTest> sizesPrintAsPyTorchDoes() {
    return GOLDENS.getAsJsonArray("sizes").asList().stream().map(JsonElement::getAsJsonObject).map(s -> {
      int[] shape = ints(s.getAsJsonArray("shape"));
      return DynamicTest.dynamicTest(s.get("expected").getAsString(),
          () -> assertEquals(s.get("expected").getAsString(), TensorFormatter.formatSize(shape)));
    });
  }

  @Test
  void goldensCoverEnoughCases() {
    assertTrue(cases().count() >= 60);
    assertTrue(cases().anyMatch(c -> !isContiguous(c)), "some case must print a non-contiguous view");
  }

  private static Stream<JsonObject> cases() {
    return GOLDENS.getAsJsonArray("cases").asList().stream().map(JsonElement::getAsJsonObject);
  }

  /** The case's storage wrapped whole, then viewed with the case's geometry (a no-op unless it is a view). */
  private static NDArray tensor(JsonObject c) {
    JsonArray raw = c.getAsJsonArray("storage");
    int n = raw.size();
    NDArray storage = switch (c.get("dtype").getAsString()) {
      case "float32" -> {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = Float.intBitsToFloat((int) raw.get(i).getAsLong());
        yield NDArray.wrap(v, n);
      }
      case "int64" -> {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = Long.parseLong(raw.get(i).getAsString());
        yield NDArray.wrap(v, n);
      }
      case "bool" -> {
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) v[i] = raw.get(i).getAsBoolean();
        yield NDArray.wrap(v, n);
      }
      default -> throw new IllegalArgumentException(c.get("dtype").getAsString());
    };
    return storage.view(ints(c.getAsJsonArray("shape")), ints(c.getAsJsonArray("strides")), c.get("offset").getAsInt());
  }

  private static boolean isContiguous(JsonObject c) {
    return tensor(c).isContiguous() && c.get("offset").getAsInt() == 0;
  }

  private static PrintOptions options(JsonObject o) {
    JsonElement threshold = o.get("threshold");
    JsonElement sci = o.get("sciMode");
    return new PrintOptions(
        o.get("precision").getAsInt(),
        threshold.getAsJsonPrimitive().isString() ? Double.POSITIVE_INFINITY : threshold.getAsDouble(),
        o.get("edgeitems").getAsInt(),
        o.get("linewidth").getAsInt(),
        sci.isJsonNull() ? null : sci.getAsBoolean());
  }

  private static int[] ints(JsonArray a) {
    return a.asList().stream().mapToInt(JsonElement::getAsInt).toArray();
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : a) out.add(e.getAsString());
    return out;
  }
}
