package dev.tcompile.ir;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The IR's text form (grammar in docs/ir.md). Printing then parsing gives back a graph that prints the same.
 * <pre>
 * graph @f(%x: f32[2, 3], %w: f32[3, 4] {requires_grad=true}) {
 *   %0 = mm(%x, %w) : f32[2, 4]
 *   %1, %2 = max_dim(%0) {dim=1, keepdim=false} : f32[2], i64[2]
 *   return %1, %2
 * }
 * </pre>
 */
public final class GraphPrinter {
  private GraphPrinter() {}

  /** Where large constants are said to live when a graph is printed without being saved. */
  public static final String IN_MEMORY = "<memory>";

  public static String print(Graph g) { return print(g, IN_MEMORY); }

  /** Prints with large constants referring to {@code constantsFile}["name of the constant's value"]. */
  public static String print(Graph g, String constantsFile) {
    StringBuilder sb = new StringBuilder("graph @").append(g.name()).append('(');
    for (int i = 0; i < g.inputs().size(); i++) {
      if (i > 0) sb.append(", ");
      Value v = g.inputs().get(i);
      sb.append('%').append(v.name()).append(": ").append(v.type());
      if (!g.inputAttrs(i).isEmpty()) sb.append(" {").append(g.inputAttrs(i)).append('}');
    }
    sb.append(") {\n");
    for (Node n : g.nodes()) sb.append("  ").append(node(n, constantsFile)).append('\n');
    sb.append("  return ").append(g.outputs().stream().map(v -> "%" + v.name()).collect(Collectors.joining(", "))).append("\n}\n");
    return sb.toString();
  }

  static String node(Node n) { return node(n, IN_MEMORY); }

  static String node(Node n, String constantsFile) {
    StringBuilder sb = new StringBuilder();
    sb.append(n.outputs().stream().map(v -> "%" + v.name()).collect(Collectors.joining(", "))).append(" = ");
    if (n.isConstant()) {
      sb.append("constant ");
      NDArray d = n.payload();
      if (d.numel() <= Constant.INLINE_LIMIT) sb.append(literal(d));
      else sb.append("@\"").append(constantsFile).append("\"[\"").append(n.output().name()).append("\"]");
    } else {
      sb.append(n.op().name()).append('(');
      sb.append(n.inputs().stream().map(v -> "%" + v.name()).collect(Collectors.joining(", "))).append(')');
      if (!n.attrs().isEmpty()) sb.append(" {").append(n.attrs()).append('}');
      if (n.op() instanceof FusedOp f) sb.append(' ').append(print(f.body(), constantsFile).strip().replace("\n", "\n  "));
    }
    sb.append(" : ").append(types(n.outputs()));
    return sb.toString();
  }

  private static String types(List<Value> vs) {
    return vs.stream().map(v -> v.type().toString()).collect(Collectors.joining(", "));
  }

  /** A scalar prints bare ({@code 2.0}); a small tensor as a flat list ({@code [1.0, 2.0]}), its shape in the type. */
  static String literal(NDArray d) {
    if (d.dim() == 0) return element(d, 0);
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < d.numel(); i++) { if (i > 0) sb.append(", "); sb.append(element(d, i)); }
    return sb.append(']').toString();
  }

  private static String element(NDArray d, int i) {
    if (d.dtype() == DType.BOOL) return d.getDouble(i) != 0 ? "true" : "false";
    if (d.dtype() == DType.INT64) return Long.toString(d.getLong(i));
    if (d.dtype() == DType.FLOAT64) { // every digit, so the text parses back to the same double
      double v = d.getDouble(i);
      return Double.isNaN(v) ? "nan" : Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : Double.toString(v);
    }
    float f = (float) d.getDouble(i);
    if (Float.isNaN(f)) return "nan";
    if (Float.isInfinite(f)) return f > 0 ? "inf" : "-inf";
    return Float.toString(f);
  }
}
