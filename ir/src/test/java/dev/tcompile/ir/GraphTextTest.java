package dev.tcompile.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.DType;
import dev.tcompile.ir.ops.Activations;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.ir.ops.Indexing;
import dev.tcompile.ir.ops.LinearAlgebra;
import dev.tcompile.ir.ops.Reductions;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text form round-trips, and malformed text fails with line:column. */
class GraphTextTest {

  static Graph mlp() {
    Graph g = new Graph("mlp");
    Value x = g.addInput("x", TensorType.of(DType.FLOAT32, 8, 4));
    Value w = g.addInput("fc.weight", TensorType.of(DType.FLOAT32, 3, 4), Attrs.of("requires_grad", true));
    Value b = g.addInput("fc.bias", TensorType.of(DType.FLOAT32, 3), Attrs.of("requires_grad", true, "captured", true));
    Value y = g.add1(LinearAlgebra.ADDMM, Attrs.EMPTY, b, x, g.add1(Views.PERMUTE, Attrs.of("dims", new int[]{1, 0}), w));
    Value r = g.add1(Elementwise.unary(UnaryOp.RELU), Attrs.EMPTY, y);
    Value s = g.add1(Activations.LOG_SOFTMAX, Attrs.of("dim", 1), r);
    Value[] mi = g.add(Reductions.MAX_DIM, Attrs.of("dim", 1, "keepdim", false), s);
    Value half = g.scalar(0.5, DType.FLOAT32);
    Value m = g.add1(Elementwise.binary(BinaryOp.MUL), Attrs.EMPTY, mi[0], half);
    Value mean = g.add1(Reductions.MEAN, Attrs.EMPTY, m);
    g.setOutputs(List.of(mean, mi[1]));
    return g;
  }

  static Graph everyAttrKind() {
    Graph g = new Graph("attrs");
    Value x = g.addInput("x", TensorType.of(DType.FLOAT32, 2, 3, 4));
    Value idx = g.constant(NDArray.wrap(new long[]{2, 0}, 2));
    Value flags = g.constant(NDArray.wrap(new boolean[]{true, false, true, false}, 4));
    Value big = g.constant(NDArray.wrap(new float[20], 5, 4));
    Value v1 = g.add1(Reductions.SUM, Attrs.of("dims", new int[]{0, -1}, "keepdim", true), x);
    Value v2 = g.add1(Elementwise.CLAMP, Attrs.of("min", -1.5, "max", Double.POSITIVE_INFINITY), v1);
    Value v3 = g.add1(Elementwise.CAST, Attrs.of("dtype", DType.INT64), v2);
    Value v4 = g.add1(Indexing.INDEX_SELECT, Attrs.of("dim", 2), x, idx);
    Value v5 = g.add1(Views.SLICE, Attrs.of("dim", 1, "start", 0, "end", 3, "step", 2), v4);
    Value v6 = g.add1(Elementwise.POW_SCALAR, Attrs.of("exponent", 1e-7), x);
    Value v7 = g.add1(Elementwise.WHERE, Attrs.EMPTY, flags, v6, g.scalar(Double.NaN, DType.FLOAT32));
    Value v8 = g.add1(LinearAlgebra.MM, Attrs.EMPTY, big, g.constant(NDArray.full(DType.FLOAT32, -0.0, 4, 2)));
    g.setOutputs(List.of(v3, v5, v7, v8));
    return g;
  }

  @Test void roundTripIsExact() {
    for (Graph g : List.of(mlp(), everyAttrKind())) {
      String text = GraphPrinter.print(g);
      Map<String, NDArray> store = constants(g);
      Graph back = GraphParser.parse(text, (file, key) -> store.get(key));
      assertEquals(text, GraphPrinter.print(back));
      Verifier.verify(back);
    }
  }

  @Test void printsReadably() {
    String expected = """
        graph @mlp(%x: f32[8, 4], %fc.weight: f32[3, 4] {requires_grad=true}, %fc.bias: f32[3] {requires_grad=true, captured=true}) {
          %0 = permute(%fc.weight) {dims=[1, 0]} : f32[4, 3]
          %1 = addmm(%fc.bias, %x, %0) : f32[8, 3]
          %2 = relu(%1) : f32[8, 3]
          %3 = log_softmax(%2) {dim=1} : f32[8, 3]
          %4, %5 = max_dim(%3) {dim=1, keepdim=false} : f32[8], i64[8]
          %6 = constant 0.5 : f32[]
          %7 = mul(%4, %6) : f32[8]
          %8 = mean(%7) : f32[]
          return %8, %5
        }
        """;
    assertEquals(expected, GraphPrinter.print(mlp()));
  }

  @Test void largeConstantsPrintAsReferences() {
    String text = GraphPrinter.print(everyAttrKind(), "weights.safetensors");
    assertTrue(text.contains("= constant @\"weights.safetensors\"[\"2\"] : f32[5, 4]"), text);
    assertTrue(text.contains("= constant [2, 0] : i64[2]"), text);
    assertTrue(text.contains("= constant [true, false, true, false] : bool[4]"), text);
    assertTrue(text.contains("= constant nan : f32[]"), text);
  }

  static Map<String, NDArray> constants(Graph g) {
    Map<String, NDArray> m = new java.util.HashMap<>();
    for (Node n : g.nodes()) if (n.isConstant()) m.put(n.output().name(), n.payload());
    return m;
  }

  private static IrParseException parseError(String text) {
    return assertThrows(IrParseException.class, () -> GraphParser.parse(text));
  }

  @Test void unknownOp() {
    IrParseException e = parseError("graph @g(%x: f32[2]) {\n  %1 = frobnicate(%x) : f32[2]\n  return %1\n}\n");
    assertEquals("2:8: unknown op 'frobnicate'", e.getMessage());
  }

  @Test void wrongArity() {
    IrParseException e = parseError("graph @g(%x: f32[2]) {\n  %1 = add(%x) : f32[2]\n  return %1\n}\n");
    assertEquals("2:8: add takes 2 inputs but was given 1", e.getMessage());
  }

  @Test void shapeMismatch() {
    IrParseException e = parseError("graph @g(%x: f32[2, 3], %y: f32[4, 3]) {\n  %1 = mm(%x, %y) : f32[2, 3]\n  return %1\n}\n");
    assertEquals("2:8: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x3)", e.getMessage());
    IrParseException d = parseError("graph @g(%x: f32[2, 3]) {\n  %1 = relu(%x) : f32[3, 2]\n  return %1\n}\n");
    assertEquals("2:8: type mismatch for output 0 of relu: declared f32[3, 2] but the op gives f32[2, 3]", d.getMessage());
  }

  @Test void undefinedValue() {
    IrParseException e = parseError("graph @g(%x: f32[2]) {\n  %1 = add(%x, %y) : f32[2]\n  return %1\n}\n");
    assertEquals("2:16: undefined value %y", e.getMessage());
    IrParseException r = parseError("graph @g(%x: f32[2]) {\n  return %z\n}\n");
    assertEquals("2:10: undefined value %z", r.getMessage());
  }

  @Test void badAttribute() {
    IrParseException e = parseError("graph @g(%x: f32[2, 3]) {\n  %1 = sum(%x) {dims=\"0\", keepdim=true} : f32[1, 3]\n  return %1\n}\n");
    assertEquals("2:8: attribute 'dims' must be an int list, got \"0\"", e.getMessage());
    IrParseException m = parseError("graph @g(%x: f32[2, 3]) {\n  %1 = permute(%x) : f32[3, 2]\n  return %1\n}\n");
    assertEquals("2:8: missing attribute 'dims'", m.getMessage());
    IrParseException twice = parseError("graph @g(%x: f32[2]) {\n  %1 = clamp(%x) {min=0.0, min=1.0} : f32[2]\n  return %1\n}\n");
    assertEquals("2:28: attribute 'min' given twice", twice.getMessage());
  }

  @Test void lexicalErrors() {
    assertEquals("1:14: unexpected character '$'", parseError("graph @g(%x: $f32[2]) {}").getMessage());
    assertEquals("2:19: unterminated string", parseError("graph @g(%x: f32[2]) {\n  %1 = sum(%x) {a=\"oops} : f32[]\n}").getMessage());
    assertEquals("3:1: expected a value name like %3 but found end of input",
        parseError("graph @g(%x: f32[2]) {\n  %1 = relu(%x) : f32[2]\n").getMessage());
    assertEquals("1:14: unknown dtype 'f16' (expected f32, f64, i64 or bool)", parseError("graph @g(%x: f16[2]) {\n return %x\n}").getMessage());
  }

  @Test void redefinitionAndConstantsChecked() {
    assertEquals("2:3: %x is defined twice",
        parseError("graph @g(%x: f32[2]) {\n  %x = relu(%x) : f32[2]\n  return %x\n}\n").getMessage());
    assertEquals("2:35: constant has 3 elements but its type f32[2] needs 2",
        parseError("graph @g() {\n  %c = constant [1.0, 2.0, 3.0] : f32[2]\n  return %c\n}\n").getMessage());
  }
}
