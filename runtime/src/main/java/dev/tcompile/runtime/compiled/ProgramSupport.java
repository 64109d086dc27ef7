package dev.tcompile.runtime.compiled;

import dev.tcompile.runtime.NDArray;

/** Small helpers generated programs call (kept out of the bytecode so each call site stays a few bytes). */
public final class ProgramSupport {
  private ProgramSupport() {}

  /** A caller's result array must have an entry per output. */
  public static void checkResults(NDArray[] results, int outputs) {
    if (results.length < outputs)
      throw new IllegalArgumentException("the result array has " + results.length + " entries; the program has " + outputs + " outputs");
  }

  /** A program's arena must hold its buffers and its registers ({@link CompiledProgram#frameSize}). */
  public static void checkFrame(NDArray[] arena, int size) {
    if (arena.length < size)
      throw new IllegalArgumentException("the arena has " + arena.length + " entries; the program needs " + size + " (buffers and registers)");
  }

  /**
   * The buffer output {@code output} of node {@code node} is written into: the caller's ({@code direct}, when the
   * caller donated one for it this call), else the memory plan's ({@code arena[planned]}), else null (a fresh array).
   */
  public static NDArray buffer(NDArray[][] direct, int node, int output, NDArray[] arena, int planned) {
    if (direct != null && direct[node] != null && direct[node][output] != null) return direct[node][output];
    return planned >= 0 ? arena[planned] : null;
  }
}
