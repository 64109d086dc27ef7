package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** {@code nn.MSELoss(reduction='mean')}. */
public class MSELoss extends Loss {
  public MSELoss() { this("mean"); }
  public MSELoss(String reduction) { super(reduction); }

  @Override public Tensor forward(Tensor input, Tensor target) { return Losses.mseLoss(input, target, reduction); }
}
