package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.AvgPool2d(kernel_size, stride=kernel_size, padding=0, ceil_mode=False, count_include_pad=True)}. */
public class AvgPool2d extends Module {
  private final Pair kernel, stride, padding;
  private final boolean ceilMode, countIncludePad;

  public AvgPool2d(int kernel) { this(Pair.of(kernel), null, Pair.of(0), false, true); }
  public AvgPool2d(int kernel, int stride) { this(Pair.of(kernel), Pair.of(stride), Pair.of(0), false, true); }

  public AvgPool2d(int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
    this(Pair.of(kernel), Pair.of(stride), Pair.of(padding), ceilMode, countIncludePad);
  }

  public AvgPool2d(int[] kernel, int[] stride) { this(Pair.of(kernel), Pair.of(stride), Pair.of(0), false, true); }

  public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
    this(Pair.of(kernel), Pair.of(stride), Pair.of(padding), ceilMode, countIncludePad);
  }

  private AvgPool2d(Pair kernel, Pair strideOrNull, Pair padding, boolean ceilMode, boolean countIncludePad) {
    this.kernel = kernel;
    this.stride = strideOrNull == null ? kernel : strideOrNull;
    this.padding = padding;
    this.ceilMode = ceilMode;
    this.countIncludePad = countIncludePad;
  }

  @Override public Tensor forward(Tensor x) {
    return F.avgPool2d(x, kernel.values(), stride.values(), padding.values(), ceilMode, countIncludePad);
  }

  @Override protected String extraRepr() { return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding; }
}
