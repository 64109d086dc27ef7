package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.L1Loss(reduction='mean')}. */
public class L1Loss extends Loss {
  public L1Loss() { this("mean"); }
  public L1Loss(String reduction) { super(reduction); }

  @Override public Tensor forward(Tensor input, Tensor target) { return Losses.l1Loss(input, target, reduction); }
}
