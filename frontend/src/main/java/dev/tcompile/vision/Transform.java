package dev.tcompile.vision;

import dev.tcompile.Tensor;

/** A preprocessing step on one image tensor (torchvision's transform callables). See {@link Transforms}. */
@FunctionalInterface
public interface Transform {
  Tensor apply(Tensor image);

  /** This step, then {@code next}. */
  default Transform andThen(Transform next) { return Transforms.compose(this, next); }
}
