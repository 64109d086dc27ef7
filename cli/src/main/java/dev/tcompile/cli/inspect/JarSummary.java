package dev.tcompile.cli.inspect;

import dev.tcompile.runtime.compiled.CompiledModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What {@code tcompile inspect model.jar} prints: the manifest's facts, the model's signature, classes, kernels, memory, method sizes. */
public final class JarSummary {
  private JarSummary() {}

  public static String render(Path jar, CompiledModel m) {
    List<GraphSummary.Section> sections = new ArrayList<>();
    List<String> sig = new ArrayList<>();
    for (CompiledModel.Spec s : m.inputs()) sig.add("in   " + s);
    for (CompiledModel.Spec s : m.outputs()) sig.add("out  " + s);
    sections.add(new GraphSummary.Section("signature (" + m.inputs().size() + " inputs, " + m.outputs().size() + " outputs)", sig));
    int[] k = m.fusedKernels();
    sections.add(new GraphSummary.Section("kernels", List.of(k[0] + " fused (" + k[1] + " generated as bytecode)")));
    long planned = 0;
    for (CompiledModel.Spec b : m.buffers()) {
      long n = 1;
      for (int d : b.shape()) n *= d;
      planned += n * b.dtype().itemSize();
    }
    sections.add(new GraphSummary.Section("memory", List.of("weights and constants " + m.weightBytes() + " B",
        m.buffers().size() + " planned buffer(s) of " + planned + " B, allocated once per call in flight")));
    List<String> sizes = new ArrayList<>();
    long largest = 0;
    for (Map.Entry<String, Long> e : m.methodSizes().entrySet()) {
      sizes.add(String.format(Locale.ROOT, "%-28s %d B", e.getKey(), e.getValue()));
      largest = Math.max(largest, e.getValue());
    }
    sections.add(new GraphSummary.Section("classes: " + m.classes().size() + ", methods: " + sizes.size() + " (largest " + largest + " B of code)", sizes));
    String header = jar + ": compiled model " + m.info("model") + " (graph @" + m.info("graph") + ", tcompile " + m.info("tcompile")
        + ", artifact format " + dev.tcompile.runtime.compiled.Artifact.FORMAT + ")";
    return GraphSummary.render(header, sections);
  }
}
