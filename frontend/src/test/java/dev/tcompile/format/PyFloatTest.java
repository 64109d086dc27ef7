package dev.tcompile.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** PyFloat against Python's own '{:.Nf}' and '{:.Ne}' of float32 values (goldens/printing.json, float_formats). */
class PyFloatTest {
  @TestFactory
  Stream<DynamicTest> matchesPythonFormatting() {
    return Goldens.printing().getAsJsonArray("float_formats").asList().stream().map(JsonElement::getAsJsonObject).map(f -> {
      double v = Float.intBitsToFloat((int) f.get("bits").getAsLong());
      return DynamicTest.dynamicTest(Double.toString(v), () -> {
        for (Map.Entry<String, JsonElement> e : f.getAsJsonObject("fixed").entrySet())
          assertEquals(e.getValue().getAsString(), PyFloat.fixed(v, Integer.parseInt(e.getKey())), "fixed " + e.getKey());
        for (Map.Entry<String, JsonElement> e : f.getAsJsonObject("sci").entrySet())
          assertEquals(e.getValue().getAsString(), PyFloat.sci(v, Integer.parseInt(e.getKey())), "sci " + e.getKey());
      });
    });
  }

  @Test
  void nonFiniteValuesAreSpelledAsPythonSpellsThem() {
    assertEquals("nan", PyFloat.fixed(-Double.NaN, 4));
    assertEquals("nan", PyFloat.sci(Double.NaN, 4));
    assertEquals("-inf", PyFloat.fixed(Double.NEGATIVE_INFINITY, 0));
    assertEquals("inf", PyFloat.sci(Double.POSITIVE_INFINITY, 2));
  }
}
