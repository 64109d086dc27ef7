package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.MaxPool2d(kernel_size, stride=kernel_size, padding=0, dilation=1, ceil_mode=False)}. */
public class MaxPool2d extends Module {
  private final Pair kernel, stride, padding, dilation;
  private final boolean ceilMode;

  public MaxPool2d(int kernel) { this(Pair.of(kernel), null, Pair.of(0), Pair.of(1), false); }
  public MaxPool2d(int kernel, int stride) { this(Pair.of(kernel), Pair.of(stride), Pair.of(0), Pair.of(1), false); }
  public MaxPool2d(int kernel, int stride, int padding) { this(Pair.of(kernel), Pair.of(stride), Pair.of(padding), Pair.of(1), false); }

  public MaxPool2d(int kernel, int stride, int padding, int dilation, boolean ceilMode) {
    this(Pair.of(kernel), Pair.of(stride), Pair.of(padding), Pair.of(dilation), ceilMode);
  }

  public MaxPool2d(int[] kernel) { this(Pair.of(kernel), null, Pair.of(0), Pair.of(1), false); }
  public MaxPool2d(int[] kernel, int[] stride) { this(Pair.of(kernel), Pair.of(stride), Pair.of(0), Pair.of(1), false); }

  public MaxPool2d(int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
    this(Pair.of(kernel), Pair.of(stride), Pair.of(padding), Pair.of(dilation), ceilMode);
  }

  private MaxPool2d(Pair kernel, Pair strideOrNull, Pair padding, Pair dilation, boolean ceilMode) {
    this.kernel = kernel;
    this.stride = strideOrNull == null ? kernel : strideOrNull;
    this.padding = padding;
    this.dilation = dilation;
    this.ceilMode = ceilMode;
  }

  @Override public Tensor forward(Tensor x) {
    return F.maxPool2d(x, kernel.values(), stride.values(), padding.values(), dilation.values(), ceilMode);
  }

  @Override protected String extraRepr() {
    return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation + ", ceil_mode="
        + PyRepr.of(ceilMode);
  }
}
