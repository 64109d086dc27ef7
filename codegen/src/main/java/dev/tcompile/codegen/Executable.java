package dev.tcompile.codegen;

import dev.tcompile.runtime.NDArray;

/** A compiled graph, whatever the backend: arrays in (in the graph's input order), arrays out. */
public interface Executable {
  NDArray[] run(NDArray... inputs);
}
