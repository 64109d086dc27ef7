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

  /**
   * Writes {@code t} as a jar at {@code jar}, the captured tensors' current values stored: with {@code freeze} (a
   * module in eval mode) and {@link CompileOptions#freezeWeights} (the default), as constants the compiler folds, as
   * Torch.compile freezes such a module's weights; else as bound inputs.
   */
  public static ArtifactWriter.Summary write(TracedGraph t, Path jar, CompileOptions options, String model, boolean freeze) {
    Compiler compiler = new Compiler(CompiledEntry.backend(options), options.disabled(), options.dumpDir());
    if (freeze && options.freezesWeights()) {
      // as Torch.compile compiles a module for inference: the weights become constants, folded where they can be
      NDArray[] values = new NDArray[t.graph().inputs().size()];
      for (Map.Entry<Value, Tensor> e : t.captured().entrySet()) values[t.graph().inputs().indexOf(e.getKey())] = e.getValue().array();
      return write(compiler.inferenceGraph(dev.tcompile.passes.InputsAsConstants.apply(t.graph(), values)), Map.of(), jar, model, options);
    }
    Graph g = compiler.inferenceGraph(t.graph());
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
