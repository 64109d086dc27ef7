package dev.tcompile;

import java.util.concurrent.atomic.AtomicBoolean;

/** PyTorch's UserWarnings, printed once per process to stderr as Python's warnings module does by default. */
final class Warnings {
  private Warnings() {}

  private static final AtomicBoolean NON_LEAF_GRAD = new AtomicBoolean();

  static void nonLeafGrad() {
    if (NON_LEAF_GRAD.compareAndSet(false, true))
      System.err.println("UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
          + "attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for "
          + "a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make "
          + "sure you access the leaf Tensor instead.");
  }
}
