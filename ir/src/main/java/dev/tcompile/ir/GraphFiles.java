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

  /** The largest IR text {@link #load} reads. */
  static final long MAX_TEXT_BYTES = 256L << 20;

  /**
   * Reads a graph saved by {@link #save}. Large constants may only come from the graph's own companion file
   * ({@code name.safetensors} beside {@code name.tir}): a graph file must not be able to read other files.
   */
  public static Graph load(Path tir) {
    String text;
    try {
      long size = Files.size(tir);
      if (size > MAX_TEXT_BYTES) throw new TorchException("cannot read " + tir + ": " + size + " bytes is more than an IR file may hold (" + MAX_TEXT_BYTES + ")");
      text = Files.readString(tir);
    } catch (IOException e) {
      throw new TorchException("cannot read " + tir + ": " + e.getMessage(), e);
    }
    String companion = weightsFileName(tir);
    Map<String, NDArray> opened = new LinkedHashMap<>();
    try {
      return GraphParser.parse(text, (file, key) -> {
        if (!file.equals(companion))
          throw new TorchException("constants must come from the graph's own file \"" + companion + "\", not \"" + printable(file) + "\"");
        if (opened.isEmpty()) opened.putAll(SafetensorsFile.read(tir.resolveSibling(companion)).tensors());
        NDArray a = opened.get(key);
        if (a == null) throw new TorchException("no tensor \"" + printable(key) + "\" in " + companion);
        return a;
      });
    } catch (IrParseException e) {
      throw new IrParseException(e.line(), e.column(), tir.getFileName() + ": " + e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
    }
  }

  /** A name from the file, shortened and with control characters escaped, for error messages. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 100; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
      else sb.append(c);
    }
    return s.length() > 100 ? sb.append("...").toString() : sb.toString();
  }

  static String weightsFileName(Path tir) {
    String name = tir.getFileName().toString();
    return (name.endsWith(".tir") ? name.substring(0, name.length() - 4) : name) + ".safetensors";
  }
}
