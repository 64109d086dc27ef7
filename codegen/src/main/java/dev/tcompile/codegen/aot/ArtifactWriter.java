package dev.tcompile.codegen.aot;

import dev.tcompile.TorchException;
import dev.tcompile.codegen.MemoryPlan;
import dev.tcompile.codegen.bytecode.VectorKernelEmitter;
import dev.tcompile.codegen.fused.PointwisePrograms;
import dev.tcompile.codegen.program.GeneratedCodeCheck;
import dev.tcompile.codegen.program.ProgramEmitter;
import dev.tcompile.codegen.program.ProgramSizes;
import dev.tcompile.ir.FusedOp;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Value;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.compiled.Artifact;
import dev.tcompile.runtime.compiled.Kernel;
import dev.tcompile.runtime.io.Json;
import dev.tcompile.runtime.io.SafetensorsFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Writes a kernel-level graph as a jar that {@link dev.tcompile.runtime.compiled.CompiledModel} loads with the runtime
 * alone: the program class ({@link ProgramEmitter}, every op a direct runtime call) and the fused kernels' generated
 * classes as ordinary class files, the bound inputs (weights) and constants as safetensors, and a manifest (format,
 * versions, inputs, outputs, the program's data, planned buffers, every entry's SHA-256). An op the program cannot
 * call directly is refused with one error naming it: a jar may reference nothing outside the runtime.
 */
public final class ArtifactWriter {
  private ArtifactWriter() {}

  /** What was written, for reports: class names, each method's code size, the weights' bytes. */
  public record Summary(Path jar, List<String> classes, Map<String, Integer> methodSizes, long weightBytes, List<String> notes) {}

  /**
   * {@code weights}: the graph inputs bound to stored tensors (by identity); the other inputs are the model's
   * inputs, in graph order. {@code info}: extra string entries for the manifest (graph name, passes, version).
   */
  public static Summary write(Graph g, Map<Value, NDArray> weights, Map<String, String> info, Path jar) {
    MemoryPlan plan = new MemoryPlan(g);
    Map<String, byte[]> classes = new LinkedHashMap<>();
    Map<Kernel, String> fusedEntry = new IdentityHashMap<>();
    List<String> notes = new ArrayList<>();
    ProgramEmitter.Emitted e;
    try {
      e = ProgramEmitter.emit(g, plan, Artifact.PROGRAM, (k, n, kind) -> {
        if (kind != ProgramEmitter.Kind.FUSED) return null;
        FusedOp f = (FusedOp) n.op();
        String kernel = null;
        String small = dev.tcompile.codegen.bytecode.KernelLoader.tooSmall(f);
        if (small != null) notes.add("%" + n.output().name() + " (" + f.body().name() + ") runs in the blocked loop: " + small);
        else try {
          String name = Artifact.PACKAGE + "Kernel" + classes.size();
          classes.put(name, VectorKernelEmitter.emit(f, name));
          kernel = name;
        } catch (VectorKernelEmitter.Unsupported u) {
          notes.add("%" + n.output().name() + " (" + f.body().name() + ") runs in the blocked loop: " + u.getMessage());
        }
        String entry = "{\"fused\":" + Json.quote(PointwisePrograms.of(f).toText()) + ",\"kernel\":"
            + (kernel == null ? "null" : Json.quote(kernel)) + "}";
        // a distinct object per node (it captures its entry): the data array is matched back by identity
        Kernel placeholder = (into, in) -> { throw new IllegalStateException("written, not run: " + entry); };
        fusedEntry.put(placeholder, entry);
        return placeholder;
      });
    } catch (ProgramEmitter.Unsupported u) {
      throw new TorchException("cannot compile graph @" + g.name() + " into a jar: " + u.getMessage());
    }
    Map<String, byte[]> all = new LinkedHashMap<>();
    all.put(Artifact.PROGRAM, e.bytes());
    all.putAll(classes);
    for (Map.Entry<String, byte[]> c : all.entrySet()) GeneratedCodeCheck.verify(c.getValue(), c.getKey());

    // the stored tensors: weights by input name, then constants
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    StringBuilder inputs = new StringBuilder("[");
    for (Value v : g.inputs()) {
      NDArray w = weights.get(v);
      if (inputs.length() > 1) inputs.append(',');
      inputs.append(spec(v.name(), v.type(), w == null ? null : "weight." + v.name()));
      if (w != null) tensors.put("weight." + v.name(), w);
    }
    inputs.append(']');
    StringBuilder data = new StringBuilder("[");
    for (Object d : e.data()) {
      if (data.length() > 1) data.append(',');
      if (d instanceof NDArray c) {
        String name = "constant." + tensors.size();
        tensors.put(name, c);
        data.append("{\"constant\":").append(Json.quote(name)).append('}');
      } else {
        data.append(fusedEntry.get((Kernel) d));
      }
    }
    data.append(']');
    StringBuilder outputs = new StringBuilder("[");
    for (Value v : g.outputs()) outputs.append(outputs.length() > 1 ? "," : "").append(spec(v.name(), v.type(), null));
    outputs.append(']');
    StringBuilder buffers = new StringBuilder("[");
    for (TensorType t : plan.buffers()) buffers.append(buffers.length() > 1 ? "," : "").append(spec("buffer", t, null));
    buffers.append(']');

    byte[] weightBytes = safetensors(tensors);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> c : all.entrySet()) entries.put(c.getKey() + ".class", c.getValue());
    entries.put(Artifact.WEIGHTS, weightBytes);
    StringBuilder sha = new StringBuilder("{");
    for (Map.Entry<String, byte[]> en : entries.entrySet())
      sha.append(sha.length() > 1 ? "," : "").append(Json.quote(en.getKey())).append(':').append(Json.quote(Artifact.sha256(en.getValue())));
    sha.append('}');
    Map<String, Integer> sizes = new LinkedHashMap<>();
    StringBuilder methods = new StringBuilder("{");
    for (Map.Entry<String, byte[]> c : all.entrySet())
      for (Map.Entry<String, Integer> m : ProgramSizes.of(c.getValue()).entrySet()) {
        String key = c.getKey().substring(Artifact.PACKAGE.length()) + "." + m.getKey().substring(0, m.getKey().indexOf('('));
        sizes.put(key, m.getValue());
        methods.append(methods.length() > 1 ? "," : "").append(Json.quote(key)).append(':').append(m.getValue());
      }
    methods.append('}');

    StringBuilder man = new StringBuilder("{\n");
    man.append("\"format\":").append(Artifact.FORMAT).append(",\n");
    for (Map.Entry<String, String> i : info.entrySet()) man.append(Json.quote(i.getKey())).append(':').append(Json.quote(i.getValue())).append(",\n");
    man.append("\"graph\":").append(Json.quote(g.name())).append(",\n");
    man.append("\"program\":").append(Json.quote(Artifact.PROGRAM)).append(",\n");
    man.append("\"inputs\":").append(inputs).append(",\n");
    man.append("\"outputs\":").append(outputs).append(",\n");
    man.append("\"buffers\":").append(buffers).append(",\n");
    man.append("\"data\":").append(data).append(",\n");
    man.append("\"method_sizes\":").append(methods).append(",\n");
    man.append("\"sha256\":").append(sha).append("\n}\n");
    byte[] manifest = man.toString().getBytes(StandardCharsets.UTF_8);

    Map<String, byte[]> jarEntries = new LinkedHashMap<>();
    jarEntries.put(Artifact.MANIFEST, manifest);
    jarEntries.put(Artifact.MANIFEST_DIGEST, (Artifact.sha256(manifest) + "\n").getBytes(StandardCharsets.US_ASCII));
    jarEntries.putAll(entries);
    writeJar(jar, jarEntries);
    long wb = 0;
    for (NDArray t : tensors.values()) wb += (long) t.numel() * t.dtype().itemSize();
    return new Summary(jar, List.copyOf(all.keySet()), sizes, wb, List.copyOf(notes));
  }

  private static String spec(String name, TensorType t, String weight) {
    StringBuilder s = new StringBuilder("{\"name\":").append(Json.quote(name)).append(",\"dtype\":\"").append(t.dtype().name()).append("\",\"shape\":[");
    for (int i = 0; i < t.shape().length; i++) s.append(i > 0 ? "," : "").append(t.shape()[i]);
    s.append(']');
    if (weight != null) s.append(",\"weight\":").append(Json.quote(weight));
    return s.append('}').toString();
  }

  private static byte[] safetensors(Map<String, NDArray> tensors) {
    try {
      Path tmp = Files.createTempFile("tcompile-weights", ".safetensors");
      try {
        SafetensorsFile.write(tensors, Map.of("format", "pt"), tmp);
        return Files.readAllBytes(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException ex) {
      throw new TorchException("cannot stage the weights: " + ex.getMessage(), ex);
    }
  }

  /** Written beside the target and moved into place: a failed write leaves no half jar. */
  private static void writeJar(Path jar, Map<String, byte[]> entries) {
    Path abs = jar.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) throw new TorchException("cannot write " + jar + ": no directory " + dir);
    if (Files.isDirectory(abs)) throw new TorchException("cannot write " + jar + ": it is a directory");
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, ".tcompile-", ".jar.tmp");
      try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream out = new JarOutputStream(os)) {
        for (Map.Entry<String, byte[]> en : entries.entrySet()) {
          JarEntry je = new JarEntry(en.getKey());
          je.setTime(0);   // the same model gives the same bytes
          out.putNextEntry(je);
          out.write(en.getValue());
          out.closeEntry();
        }
      }
      Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
    } catch (IOException ex) {
      throw new TorchException("cannot write " + jar + ": " + (ex instanceof java.nio.file.AccessDeniedException ? "permission denied" : ex.getMessage()), ex);
    } finally {
      if (tmp != null) try { Files.deleteIfExists(tmp); } catch (IOException ignored) { }
    }
  }
}
