package dev.tcompile;

/** A function of tensors: what {@code Torch.compile}, {@code Torch.trace} and {@code Autograd.gradcheck} take. */
@FunctionalInterface
public interface TensorFn {
  Tensor apply(Tensor... xs);
}
