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

  /**
   * {@link #run(NDArray[], NDArray[])} with the results placed in {@code results} (one entry per output, the
   * caller's to reuse once it has read them) and returned: a caller running the graph step after step allocates no
   * result array. This default copies the references over.
   */
  default NDArray[] run(NDArray[] inputs, NDArray[] into, NDArray[] results) {
    NDArray[] out = run(inputs, into);
    System.arraycopy(out, 0, results, 0, out.length);
    return results;
  }
}
