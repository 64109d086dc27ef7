package dev.tcompile.codegen;

import dev.tcompile.runtime.NDArray;

/** A compiled graph, whatever the backend: arrays in (in the graph's input order), arrays out. */
public interface Executable {
  NDArray[] run(NDArray... inputs);

  /**
   * {@link #run}, leaving output {@code j} in {@code into[j]} where that is non-null (an array of the output's
   * type; it may be one of the inputs' arrays: a donated buffer, e.g. a parameter its new value replaces). The
   * returned array holds {@code into[j]} at those positions. A backend writes there directly when it can prove
   * that safe and copies at the end otherwise; this default always copies.
   */
  default NDArray[] run(NDArray[] inputs, NDArray[] into) {
    NDArray[] out = run(inputs);
    return Donation.copyInto(out, into);
  }
}
