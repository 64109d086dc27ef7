package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.Sigmoid()}. */
public class Sigmoid extends Module {
  @Override public Tensor forward(Tensor x) { return x.sigmoid(); }
}
