package dev.tcompile.cli.inspect;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.passes.PassManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code tcompile inspect} prints about a graph, as titled sections of lines. Add a section (kernels,
 * planned memory, method sizes...) by adding a method and listing it in {@link #sections}.
 */
public final class GraphSummary {
  /** A titled block of indented lines. */
  public record Section(String title, List<String> lines) {}

  private GraphSummary() {}

  public static List<Section> sections(Graph g) {
    return List.of(signature(g), nodes(g), constants(g), passes(g));
  }

  public static String render(String header, List<Section> sections) {
    StringBuilder sb = new StringBuilder(header).append('\n');
    for (Section s : sections) {
      sb.append(s.title()).append('\n');
      for (String l : s.lines()) sb.append("  ").append(l).append('\n');
    }
    return sb.toString();
  }

  static Section signature(Graph g) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < g.inputs().size(); i++) {
      Value v = g.inputs().get(i);
      String attrs = g.inputAttrs(i).toString();
      lines.add("in   %" + v.name() + ": " + v.type() + (attrs.isEmpty() ? "" : " {" + attrs + "}"));
    }
    for (Value v : g.outputs()) lines.add("out  %" + v.name() + ": " + v.type());
    return new Section("signature (" + g.inputs().size() + " inputs, " + g.outputs().size() + " outputs)", lines);
  }

  static Section nodes(Graph g) {
    Map<String, Integer> byOp = new TreeMap<>();
    for (Node n : g.nodes()) byOp.merge(n.op().name(), 1, Integer::sum);
    List<String> lines = new ArrayList<>();
    byOp.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
        .forEach(e -> lines.add(String.format(Locale.ROOT, "%-20s %d", e.getKey(), e.getValue())));
    return new Section("nodes: " + g.nodes().size() + " (" + byOp.size() + " ops)", lines);
  }

  static Section constants(Graph g) {
    long count = 0, elements = 0, bytes = 0;
    List<String> largest = new ArrayList<>();
    for (Node n : g.nodes()) {
      if (!n.isConstant()) continue;
      count++;
      elements += n.payload().numel();
      bytes += (long) n.payload().numel() * n.payload().dtype().itemSize();
    }
    g.nodes().stream().filter(Node::isConstant)
        .sorted((a, b) -> Long.compare(b.payload().numel(), a.payload().numel())).limit(5)
        .forEach(n -> largest.add(String.format(Locale.ROOT, "%%%-18s %s, %s", n.output().name(), n.output().type(),
            bytes((long) n.payload().numel() * n.payload().dtype().itemSize()))));
    return new Section("constants: " + count + ", " + elements + " elements, " + bytes(bytes)
        + (count > largest.size() ? " (largest " + largest.size() + ")" : ""), largest);
  }

  /** The default pass pipeline run on the graph as the compiler runs it on a traced forward graph. */
  static Section passes(Graph g) {
    PassManager pm = new PassManager(PassManager.defaultPasses(), Set.of(), null);
    Graph after = pm.run(g, "forward");
    List<String> lines = new ArrayList<>(pm.timings());
    return new Section("passes (default pipeline): " + g.nodes().size() + " -> " + after.nodes().size() + " nodes", lines);
  }

  static String bytes(long b) {
    if (b < 1024) return b + " B";
    if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    return String.format(Locale.ROOT, "%.2f MiB", b / (1024.0 * 1024));
  }
}
