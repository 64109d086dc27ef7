package dev.tcompile.format;

import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bracketed body of a non-empty tensor: PyTorch's {@code _tensor_str_with_formatter} and
 * {@code _vector_str}. Rows of a vector wrap to fit the line width; a d-dimensional tensor separates its slices
 * with d - 1 newlines, indented under the opening bracket.
 */
final class Layout {
  private final PrintOptions options;
  private final boolean summarize;
  private final ElementFormatter formatter;

  Layout(NDArray data, PrintOptions options) {
    this.options = options;
    this.summarize = data.numel() > options.threshold();
    this.formatter = new ElementFormatter(data, Summary.shownStorageIndices(data, summarize, options.edgeitems()), options);
  }

  String render(NDArray a, int indent) {
    if (a.dim() == 0) return formatter.format(a, a.offset());
    if (a.dim() == 1) return vector(a, indent);
    int size = a.size(0);
    int edge = options.edgeitems();
    List<String> slices = new ArrayList<>();
    if (Summary.elides(size, summarize, edge)) {
      for (int i = 0; i < edge; i++) slices.add(render(row(a, i), indent + 1));
      slices.add("...");
      for (int i = size - edge; i < size; i++) slices.add(render(row(a, i), indent + 1));
    } else {
      for (int i = 0; i < size; i++) slices.add(render(row(a, i), indent + 1));
    }
    return "[" + String.join("," + "\n".repeat(a.dim() - 1) + " ".repeat(indent + 1), slices) + "]";
  }

  private String vector(NDArray a, int indent) {
    int size = a.size(0);
    int edge = options.edgeitems();
    // each element takes its width plus ", "
    int perLine = Math.max(1, Math.floorDiv(options.linewidth() - indent, formatter.width() + 2));
    List<String> items = new ArrayList<>();
    if (Summary.elides(size, summarize, edge)) {
      for (int i = 0; i < edge; i++) items.add(element(a, i));
      items.add(" ...");
      for (int i = Summary.vectorTailStart(size, edge); i < size; i++) items.add(element(a, i));
    } else {
      for (int i = 0; i < size; i++) items.add(element(a, i));
    }
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < items.size(); i += perLine) {
      lines.add(String.join(", ", items.subList(i, Math.min(items.size(), i + perLine))));
    }
    return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
  }

  private String element(NDArray a, int i) {
    return formatter.format(a, a.storageIndex(i));
  }

  /** {@code a[i]}: a view of one slice along the first dimension. */
  private static NDArray row(NDArray a, int i) {
    int[] shape = a.shape(), strides = a.strides();
    return a.view(
        Arrays.copyOfRange(shape, 1, shape.length),
        Arrays.copyOfRange(strides, 1, strides.length),
        a.offset() + i * strides[0]);
  }
}
