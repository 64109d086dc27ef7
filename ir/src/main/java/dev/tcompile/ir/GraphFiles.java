package dev.tcompile.ir;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.io.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A graph on disk: its text in {@code name.tir} and its large constants in {@code name.safetensors} beside it,
 * keyed by the constant's value name (the text refers to them as {@code @"name.safetensors"["key"]}).
 */
public final class GraphFiles {
  private GraphFiles() {}

  /** Writes {@code tir} (and, when the graph has large constants, the safetensors file next to it). */
  public static void save(Graph g, Path tir) {
    String weights = weightsFileName(tir);
    Map<String, NDArray> large = new LinkedHashMap<>();
    for (Node n : g.nodes())
      if (n.isConstant() && n.payload().numel() > Constant.INLINE_LIMIT) large.put(n.output().name(), n.payload());
    try {
      if (tir.getParent() != null) Files.createDirectories(tir.getParent());
      Files.writeString(tir, GraphPrinter.print(g, weights));
    } catch (IOException e) {
      throw new TorchException("cannot write " + tir + ": " + e.getMessage(), e);
    }
    if (!large.isEmpty()) SafetensorsFile.write(large, Map.of("format", "tcompile-ir-constants"), tir.resolveSibling(weights));
  }

  /** Reads a graph saved by {@link #save}; constant references resolve against files beside {@code tir}. */
  public static Graph load(Path tir) {
    String text;
    try {
      text = Files.readString(tir);
    } catch (IOException e) {
      throw new TorchException("cannot read " + tir + ": " + e.getMessage(), e);
    }
    Map<String, Map<String, NDArray>> opened = new LinkedHashMap<>();
    try {
      return GraphParser.parse(text, (file, key) -> {
        Map<String, NDArray> tensors = opened.computeIfAbsent(file, f -> SafetensorsFile.read(tir.resolveSibling(f)).tensors());
        NDArray a = tensors.get(key);
        if (a == null) throw new TorchException("no tensor \"" + key + "\" in " + file);
        return a;
      });
    } catch (IrParseException e) {
      throw new IrParseException(e.line(), e.column(), tir.getFileName() + ": " + e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
    }
  }

  static String weightsFileName(Path tir) {
    String name = tir.getFileName().toString();
    return (name.endsWith(".tir") ? name.substring(0, name.length() - 4) : name) + ".safetensors";
  }
}
