package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.ZeroPad2d(padding)}: one int for all four sides, or (left, right, top, bottom). */
public class ZeroPad2d extends Module {
  private final int[] padding;

  public ZeroPad2d(int padding) { this(new int[]{padding, padding, padding, padding}); }

  public ZeroPad2d(int[] padding) {
    if (padding.length != 4) throw new dev.tcompile.TorchException("ZeroPad2d expects 4 padding values (left, right, top, bottom), got " + padding.length);
    this.padding = padding.clone();
  }

  @Override public Tensor forward(Tensor x) { return F.pad(x, padding, "constant", 0); }

  @Override protected String extraRepr() { return PyRepr.tuple(padding); }
}
