package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** PyTorch's {@code _Loss}: a module of {@code (input, target)} with a reduction ("none", "mean", "sum"). */
public abstract class Loss extends Module {
  protected final String reduction;

  protected Loss(String reduction) {
    Losses.reduction(reduction);
    this.reduction = reduction;
  }

  public abstract Tensor forward(Tensor input, Tensor target);

  @Override public Tensor forward(Tensor... in) {
    expectInputs(in, 2);
    return forward(in[0], in[1]);
  }

  public String reduction() { return reduction; }
}
