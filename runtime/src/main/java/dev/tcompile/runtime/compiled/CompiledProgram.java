package dev.tcompile.runtime.compiled;

import dev.tcompile.runtime.NDArray;

/**
 * The interface every generated program class implements: one compiled graph, its kernels called in order. Only
 * runtime types appear in it, so a program written into a jar runs with the runtime alone on the class path.
 */
public interface CompiledProgram {
  /**
   * Runs the graph on {@code inputs} (already checked against the graph's types) with {@code arena}, the memory
   * plan's buffers and the registers for this call (no other call in flight may hold the same arena). {@code direct} (null for none):
   * per node and output, a caller's buffer to write that output into instead ({@link ProgramSupport#buffer}).
   */
  NDArray[] run(NDArray[] inputs, NDArray[] arena, NDArray[][] direct);

  /** {@link #run(NDArray[], NDArray[], NDArray[][])} with the results placed in {@code results} (at least one entry per output) and returned. */
  NDArray[] runInto(NDArray[] inputs, NDArray[] arena, NDArray[][] direct, NDArray[] results);

  /**
   * How many entries {@code arena} has: the memory plan's buffers first, then the program's registers (the graph's
   * values during a call, null again when it returns), so that a call allocates no register file.
   */
  int frameSize();
}
