package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.AdaptiveAvgPool2d(output_size)}: average pooling to a fixed output size. */
public class AdaptiveAvgPool2d extends Module {
  private final Pair outputSize;

  public AdaptiveAvgPool2d(int outputSize) { this.outputSize = Pair.of(outputSize); }
  public AdaptiveAvgPool2d(int[] outputSize) { this.outputSize = Pair.of(outputSize); }

  @Override public Tensor forward(Tensor x) { return F.adaptiveAvgPool2d(x, outputSize.values()); }

  @Override protected String extraRepr() { return "output_size=" + outputSize; }
}
