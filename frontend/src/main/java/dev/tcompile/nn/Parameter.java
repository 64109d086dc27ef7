package dev.tcompile.nn;

import dev.tcompile.Tensor;

/**
 * A module's learnable tensor ({@code nn.Parameter}): a leaf that shares storage with the tensor it wraps and
 * requires grad unless told otherwise. Prints as PyTorch does: {@code Parameter containing:\ntensor(...)}.
 */
public class Parameter extends Tensor {
  public Parameter(Tensor data) { this(data, true); }

  public Parameter(Tensor data, boolean requiresGrad) { super(data, requiresGrad); }

  @Override public String toString() { return "Parameter containing:\n" + super.toString(); }
}
