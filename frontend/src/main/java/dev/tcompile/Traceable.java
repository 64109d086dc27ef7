package dev.tcompile;

import dev.tcompile.nn.Module;

/**
 * A model or function defined in Java for {@code tcompile trace Script.java -o model.tir}: the script's class
 * implements this (with a public no-argument constructor), giving example inputs and either a {@link #model()}
 * (traced as {@code model.forward(examples[0])}; its parameters and buffers become constants named as in its
 * {@code stateDict}) or a {@link #fn()}. The examples fix the graph's input shapes and dtypes.
 */
public interface Traceable {
  /** Example arguments, one per graph input. */
  Tensor[] examples();

  /** The module to trace, or null when {@link #fn()} is given instead. */
  default Module model() { return null; }

  /** The function to trace; by default {@code model().forward(xs[0])}. */
  default TensorFn fn() {
    Module m = model();
    if (m == null) throw new TorchException(getClass().getName() + " implements Traceable but overrides neither model() nor fn()");
    return xs -> m.forward(xs[0]);
  }
}
