package dev.tcompile;

import dev.tcompile.codegen.Compiler;
import dev.tcompile.codegen.aot.ArtifactWriter;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Value;
import dev.tcompile.runtime.NDArray;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** A traced graph through the compiler's pipeline into a jar ({@link Torch#export}, {@code tcompile compile}). */
public final class Export {
  private Export() {}

  /** The tcompile version written into manifests (the build's, or "dev" when run from classes). */
  public static String version() {
    String v = Export.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }

  /** Writes {@code t} (captured tensors stored as weights, their current values) as a jar at {@code jar}. */
  public static ArtifactWriter.Summary write(TracedGraph t, Path jar, CompileOptions options, String model) {
    Graph g = new Compiler(CompiledEntry.backend(options), options.disabled(), options.dumpDir()).inferenceGraph(t.graph());
    // passes keep the graph's inputs, in order: a captured input is bound by its position
    Map<Value, NDArray> weights = new IdentityHashMap<>();
    for (Map.Entry<Value, Tensor> e : t.captured().entrySet())
      weights.put(g.inputs().get(t.graph().inputs().indexOf(e.getKey())), e.getValue().array().contiguous());
    return write(g, weights, jar, model, options);
  }

  /** Writes a kernel-level graph whose {@code weights} inputs are bound. */
  public static ArtifactWriter.Summary write(Graph kernelLevel, Map<Value, NDArray> weights, Path jar, String model, CompileOptions options) {
    return ArtifactWriter.write(kernelLevel, weights, info(model, options), jar);
  }

  /** The manifest's descriptive entries: tcompile's version, the model's name, the passes left out. */
  public static Map<String, String> info(String model, CompileOptions options) {
    Map<String, String> info = new LinkedHashMap<>();
    info.put("tcompile", version());
    info.put("model", model);
    info.put("disabled_passes", String.join(",", new java.util.TreeSet<>(options.disabled())));
    return info;
  }
}
