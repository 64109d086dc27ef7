package dev.tcompile;

/** A loss of a model's output and a target: {@code (output, target) -> F.nllLoss(output, target)}. */
@FunctionalInterface
public interface LossFn {
  Tensor apply(Tensor output, Tensor target);
}
