package dev.tcompile.format;

import dev.tcompile.runtime.NDArray;
import java.util.List;

/** Placeholder until the PyTorch-exact formatter lands (branch format). */
public final class TensorFormatter {
  private TensorFormatter() {}

  public static String format(NDArray a, List<String> suffixes) {
    StringBuilder sb = new StringBuilder("tensor(");
    sb.append(java.util.Arrays.toString(a.toFloatArray()));
    for (String s : suffixes) sb.append(", ").append(s);
    return sb.append(')').toString();
  }

  public static String formatSize(int[] shape) { return "torch.Size(" + java.util.Arrays.toString(shape) + ")"; }
}
