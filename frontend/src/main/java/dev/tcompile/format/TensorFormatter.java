package dev.tcompile.format;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** {@code str(tensor)} and {@code str(tensor.shape)} exactly as PyTorch 1.13 prints them. */
public final class TensorFormatter {
  private static final String PREFIX = "tensor(";

  private TensorFormatter() {}

  /** {@link #format(NDArray, List, PrintOptions)} with the process-wide {@link PrintOptions#current()}. */
  public static String format(NDArray data, List<String> suffixes) {
    return format(data, suffixes, PrintOptions.current());
  }

  /**
   * The whole {@code tensor(...)} string. {@code suffixes} are the autograd ones the caller knows, in order
   * ({@code requires_grad=True} or {@code grad_fn=<AddBackward0>}); the size and dtype suffixes PyTorch adds
   * to empty tensors come first. Non-empty float32, int64 and bool tensors never name their dtype; float64
   * ones do ({@code dtype=torch.float64} before the autograd suffixes).
   */
  public static String format(NDArray data, List<String> suffixes, PrintOptions options) {
    int indent = PREFIX.length();
    List<String> all = new ArrayList<>();
    String body;
    if (data.numel() == 0) {
      // NumPy-style: a 1-d empty tensor's shape is implied by "[]", any other is spelled out
      if (data.dim() != 1) all.add("size=" + pythonTuple(data.shape()));
      // no element shows the dtype, so anything but the default float32 is named
      if (data.dtype() != DType.FLOAT32) all.add("dtype=" + data.dtype().torchName());
      body = "[]";
    } else {
      if (data.dtype() == DType.FLOAT64) all.add("dtype=" + data.dtype().torchName());
      body = new Layout(data, options).render(data, indent);
    }
    all.addAll(suffixes);
    return addSuffixes(PREFIX + body, all, indent, options.linewidth());
  }

  /** {@code torch.Size([2, 3])}; a 0-d shape is {@code torch.Size([])}. */
  public static String formatSize(int[] shape) {
    return "torch.Size([" + Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ")) + "])";
  }

  /** PyTorch's {@code _add_suffixes}: a suffix moves to its own line when the current one would pass linewidth. */
  private static String addSuffixes(String tensorStr, List<String> suffixes, int indent, int linewidth) {
    StringBuilder out = new StringBuilder(tensorStr);
    // PyTorch counts two more than the last line's length; kept so lines break where its do
    int lastLineLen = tensorStr.length() - tensorStr.lastIndexOf('\n') + 1;
    for (String suffix : suffixes) {
      if (lastLineLen + suffix.length() + 2 > linewidth) {
        out.append(",\n").append(" ".repeat(indent)).append(suffix);
        lastLineLen = indent + suffix.length();
      } else {
        out.append(", ").append(suffix);
        lastLineLen += suffix.length() + 2;
      }
    }
    return out.append(')').toString();
  }

  /** Python's {@code str(tuple(shape))}: {@code (0, 3)}, with the trailing comma of a 1-tuple. */
  private static String pythonTuple(int[] shape) {
    String items = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    return "(" + items + (shape.length == 1 ? ",)" : ")");
  }
}
