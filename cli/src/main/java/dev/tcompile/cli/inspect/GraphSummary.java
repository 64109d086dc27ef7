package dev.tcompile.cli.inspect;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.codegen.Backend;
import dev.tcompile.codegen.Compiler;
import dev.tcompile.codegen.CompiledGraph;
import dev.tcompile.codegen.MemoryPlan;
import dev.tcompile.ir.FusedOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code tcompile inspect} prints about a graph, as titled sections of lines: its signature, ops and
 * constants, then the graph compiled as {@code Torch.compile} compiles it (passes and their times, kernels launched
 * and generated, planned memory). Add a section by adding a method and listing it in {@link #sections}.
 */
public final class GraphSummary {
  /** A titled block of indented lines. */
  public record Section(String title, List<String> lines) {}

  private GraphSummary() {}

  public static List<Section> sections(Graph g) {
    Compiled c = Compiled.of(g);
    return List.of(signature(g), nodes(g), constants(g), passes(c), kernels(c), memory(c));
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

  /** The graph compiled as Torch.compile compiles it: with gradients for inputs marked requires_grad, else for inference. */
  record Compiled(Graph source, Compiler.Program program, long millis) {
    static Compiled of(Graph g) {
      boolean[] wrt = new boolean[g.inputs().size()];
      boolean any = false;
      for (int i = 0; i < wrt.length; i++) any |= wrt[i] = g.inputAttrs(i).getBool("requires_grad", false);
      long t0 = System.nanoTime();
      Compiler.Program p = new Compiler(Backend.BYTECODE, Set.of(), null).compile(g, any ? wrt : null);
      return new Compiled(g, p, (System.nanoTime() - t0) / 1_000_000);
    }

    /** (label, executable) for each program that runs: inference, or forward and backward. */
    List<Map.Entry<String, CompiledGraph>> parts() {
      if (!program.differentiable()) return List.of(Map.entry("inference", (CompiledGraph) program.inference()));
      return List.of(Map.entry("forward", (CompiledGraph) program.forward()), Map.entry("backward", (CompiledGraph) program.backward()));
    }
  }

  static Section passes(Compiled c) {
    List<String> lines = new ArrayList<>(c.program().timings());
    StringBuilder sizes = new StringBuilder();
    for (var e : c.parts()) sizes.append(", ").append(e.getKey()).append(' ').append(e.getValue().graph().nodes().size());
    return new Section("passes (the compiler's pipeline, " + c.millis() + " ms to compile): " + c.source().nodes().size()
        + " nodes traced" + sizes + " nodes after", lines);
  }

  static Section kernels(Compiled c) {
    List<String> lines = new ArrayList<>();
    int total = 0;
    for (var e : c.parts()) {
      CompiledGraph x = e.getValue();
      int launched = 0, fused = 0;
      for (Node n : x.graph().nodes()) {
        if (n.isConstant() || n.op().isView()) continue;
        launched++;
        if (n.op() instanceof FusedOp) fused++;
      }
      total += launched;
      lines.add(String.format(Locale.ROOT, "%-9s %d launched, %d fused (%d generated as bytecode)", e.getKey(), launched, fused, x.generatedKernels()));
      for (String why : x.kernelNotes()) lines.add("  " + why);
      if (x instanceof dev.tcompile.codegen.program.ProgramExecutable p) {
        var sizes = dev.tcompile.codegen.program.ProgramSizes.of(p.classFile());
        lines.add(String.format(Locale.ROOT, "  program class: %d methods, largest %d B of code", sizes.size(),
            sizes.values().stream().mapToInt(Integer::intValue).max().orElse(0)));
      }
    }
    return new Section("kernels: " + total, lines);
  }

  static Section memory(Compiled c) {
    List<String> lines = new ArrayList<>();
    if (c.program().differentiable())
      lines.add("saved for backward: " + bytes(c.program().split().savedBytes()) + " (" + bytes(c.program().split().savedBytesWithoutRemat())
          + " without rematerialisation)");
    for (var e : c.parts()) {
      MemoryPlan p = e.getValue().plan();
      lines.add(String.format(Locale.ROOT, "%-9s peak live %s, %d reused buffer(s) of %s for %s of kernel intermediates", e.getKey(),
          bytes(p.peakLiveBytes()), p.buffers().size(), bytes(p.plannedBytes()), bytes(p.bytesWithoutReuse())));
    }
    return new Section("planned memory", lines);
  }

  static String bytes(long b) {
    if (b < 1024) return b + " B";
    if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    return String.format(Locale.ROOT, "%.2f MiB", b / (1024.0 * 1024));
  }
}
