package dev.tcompile.format;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import java.util.Arrays;

/**
 * Which elements a print shows: PyTorch's {@code get_summarized_data}. A summarised dimension longer than
 * 2 * edgeitems keeps only its first and last edgeitems entries; the element formatter then sizes columns
 * from the shown elements alone.
 */
final class Summary {
  private Summary() {}

  /** Whether a dimension of this size is cut, with "..." standing in for its middle. */
  static boolean elides(int size, boolean summarize, int edgeitems) {
    return summarize && size > 2 * edgeitems;
  }

  /**
   * Where the kept tail of an elided last dimension starts. PyTorch slices it as {@code self[-edgeitems:]},
   * and {@code -0} is 0 in Python, so edgeitems 0 keeps the whole vector after the "...".
   */
  static int vectorTailStart(int size, int edgeitems) {
    return edgeitems == 0 ? 0 : size - edgeitems;
  }

  /** The storage indices of the shown elements of {@code a}, in row-major order. */
  static int[] shownStorageIndices(NDArray a, boolean summarize, int edgeitems) {
    IntList out = new IntList();
    collect(a.shape(), a.strides(), 0, a.offset(), summarize, edgeitems, out);
    return out.toArray();
  }

  private static void collect(int[] shape, int[] strides, int d, int base, boolean summarize, int edgeitems, IntList out) {
    if (d == shape.length) {
      out.add(base);
      return;
    }
    int size = shape[d];
    boolean last = d == shape.length - 1;
    if (!elides(size, summarize, edgeitems)) {
      for (int i = 0; i < size; i++) visit(shape, strides, d, base, i, summarize, edgeitems, out);
      return;
    }
    // PyTorch stacks the kept rows of an outer dimension; with none kept, torch.stack fails
    if (!last && edgeitems == 0) throw new TorchException("stack expects a non-empty TensorList");
    for (int i = 0; i < edgeitems; i++) visit(shape, strides, d, base, i, summarize, edgeitems, out);
    int tail = last ? vectorTailStart(size, edgeitems) : size - edgeitems;
    for (int i = tail; i < size; i++) visit(shape, strides, d, base, i, summarize, edgeitems, out);
  }

  private static void visit(int[] shape, int[] strides, int d, int base, int i, boolean summarize, int edgeitems, IntList out) {
    collect(shape, strides, d + 1, base + i * strides[d], summarize, edgeitems, out);
  }

  private static final class IntList {
    private int[] items = new int[16];
    private int size;

    void add(int v) {
      if (size == items.length) items = Arrays.copyOf(items, size * 2);
      items[size++] = v;
    }

    int[] toArray() { return Arrays.copyOf(items, size); }
  }
}
