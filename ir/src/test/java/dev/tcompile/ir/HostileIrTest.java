package dev.tcompile.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.DType;
import dev.tcompile.ir.ops.LinearAlgebra;
import dev.tcompile.runtime.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IR text from an untrusted source: it reads no file but its own constants, and every defect is a positioned parse error. */
class HostileIrTest {
  @TempDir Path dir;

  private Path graphWithConstant(String reference) throws Exception {
    Graph g = new Graph("g");
    Value x = g.addInput("x", TensorType.of(DType.FLOAT32, 5, 4));
    Value c = g.constant(NDArray.full(DType.FLOAT32, 2, 4, 5));
    g.setOutputs(List.of(g.add1(LinearAlgebra.MM, Attrs.EMPTY, x, c)));
    Path tir = dir.resolve("g.tir");
    GraphFiles.save(g, tir);
    String text = Files.readString(tir);
    assertTrue(text.contains("@\"g.safetensors\""), text);
    Files.writeString(tir, text.replace("@\"g.safetensors\"", reference));
    return tir;
  }

  @Test void theCompanionFileLoads() throws Exception {
    Graph g = GraphFiles.load(graphWithConstant("@\"g.safetensors\""));
    assertEquals(1, g.outputs().size());
  }

  @Test void constantsFromAnyOtherFileAreRefusedWithoutEchoingIt() throws Exception {
    Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-CONTENTS");
    Files.writeString(dir.getParent().resolve("outside.safetensors"), "TOP-SECRET-CONTENTS");
    for (String ref : List.of("@\"secret.txt\"", "@\"" + dir.resolve("secret.txt") + "\"", "@\"../outside.safetensors\"",
        "@\"/dev/zero\"", "@\"/etc/passwd\"", "@\"sub/../g.safetensors\"", "@\"G.SAFETENSORS\"")) {
      Path tir = graphWithConstant(ref);
      IrParseException e = assertThrows(IrParseException.class, () -> GraphFiles.load(tir), ref);
      assertTrue(e.getMessage().contains("constants must come from the graph's own file \"g.safetensors\""), e.getMessage());
      assertFalse(e.getMessage().contains("TOP-SECRET"), e.getMessage());
      assertTrue(e.getMessage().matches("\\d+:\\d+: g\\.tir: .*"), e.getMessage());
    }
  }

  private static String parseError(String text) {
    return assertThrows(IrParseException.class, () -> GraphParser.parse(text), text).getMessage();
  }

  @Test void numbersOutOfRangeAreParseErrors() {
    assertEquals("1:18: a dimension size must fit an int, got 2147483648", parseError("graph @g(%x: f32[2147483648]) {\n  return %x\n}"));
    String overflow = parseError("graph @g(%x: f32[65536, 65536, 65536, 65536]) {\n  return %x\n}");
    assertTrue(overflow.startsWith("1:44: Storage size calculation overflowed with sizes=[65536, 65536, 65536, 65536]"), overflow);
    String tooBig = parseError("graph @g(%x: f32[65536, 65536]) {\n  return %x\n}");
    assertTrue(tooBig.startsWith("1:30: tensor of shape [65536, 65536] has"), tooBig);
    assertEquals("2:29: integer 99999999999999999999L is out of range for a long",
        parseError("graph @g(%x: f32[2]) {\n  %0 = sum(%x) {dims=[0], k=99999999999999999999L} : f32[]\n  return %0\n}"));
    assertEquals("2:23: an int list element must fit an int, got 4294967296",
        parseError("graph @g(%x: f32[2]) {\n  %0 = sum(%x) {dims=[4294967296]} : f32[]\n  return %0\n}"));
    assertEquals("2:17: number 1e999 is out of range",
        parseError("graph @g(%x: f32[2]) {\n  %0 = constant 1e999 : f32[]\n  return %0\n}"));
    assertEquals("2:17: number 1e39 is out of range for f32",
        parseError("graph @g(%x: f32[2]) {\n  %0 = constant 1e39 : f32[]\n  return %0\n}"));
    assertEquals("2:18: integer 99999999999999999999 is out of range for a long",
        parseError("graph @g(%x: f32[2]) {\n  %0 = constant [99999999999999999999, 1] : i64[2]\n  return %0\n}"));
  }

  @Test void malformedAttributeListsAreParseErrors() {
    String conv = "graph @g(%x: f32[1, 1, 4, 4], %w: f32[1, 1, 3, 3]) {\n  %0 = conv2d(%x, %w) {stride=[1, 1, 1], padding=[0], dilation=[1], groups=1}"
        + " : f32[1, 1, 2, 2]\n  return %0\n}";
    assertTrue(parseError(conv).startsWith("2:8: expected stride to be a single integer value or a list of 2 values"), parseError(conv));
    String pool = "graph @g(%x: f32[1, 1, 4, 4]) {\n  %0, %1 = max_pool2d(%x) {kernel_size=[], stride=[2], padding=[0], dilation=[1], ceil_mode=false}"
        + " : f32[1, 1, 2, 2], i64[1, 1, 2, 2]\n  return %0\n}";
    assertTrue(parseError(pool).startsWith("2:12: max_pool2d: kernel_size must either be a single int"), parseError(pool));
    String missing = "graph @g(%x: f32[1, 1, 4, 4]) {\n  %0, %1 = max_pool2d(%x) {stride=[2]} : f32[1, 1, 2, 2], i64[1, 1, 2, 2]\n  return %0\n}";
    assertTrue(parseError(missing).startsWith("2:12: missing attribute"), parseError(missing));
  }
}
