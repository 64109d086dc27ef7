package dev.tcompile.runtime.compiled;

import dev.tcompile.runtime.NDArray;

/**
 * The interface every generated program class implements: one compiled graph, its kernels called in order. Only
 * runtime types appear in it, so a program written into a jar runs with the runtime alone on the class path.
 */
public interface CompiledProgram {
  /**
   * Runs the graph on {@code inputs} (already checked against the graph's types) with {@code arena}, the memory
   * plan's buffers for this call (no other call in flight may hold the same arena). {@code direct} (null for none):
   * per node and output, a caller's buffer to write that output into instead ({@link ProgramSupport#buffer}).
   */
  NDArray[] run(NDArray[] inputs, NDArray[] arena, NDArray[][] direct);
}
