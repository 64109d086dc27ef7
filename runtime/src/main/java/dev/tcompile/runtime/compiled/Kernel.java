package dev.tcompile.runtime.compiled;

import dev.tcompile.runtime.NDArray;

/**
 * A kernel a generated program reaches through a handle instead of a static call: a fused loop, or (in-process
 * only) an op the program emitter does not call directly.
 */
@FunctionalInterface
public interface Kernel {
  /** {@code into}: the planned buffers for the outputs (null entries: fresh arrays), or the call's arena. */
  NDArray[] run(NDArray[] into, NDArray[] in);

  /**
   * The same on a program's frame (its arena: planned buffers, then registers): reads input i from {@code
   * frame[ins[i]]}, writes output o into {@link ProgramSupport#buffer}{@code (direct, node, o, frame, planned[o])}
   * and stores it in {@code frame[outs[o]]}. This default builds the argument arrays; a fused loop overrides it to
   * allocate none.
   */
  default void runInFrame(NDArray[] frame, NDArray[][] direct, int node, int[] ins, int[] outs, int[] planned) {
    NDArray[] into = new NDArray[outs.length], in = new NDArray[ins.length];
    for (int o = 0; o < into.length; o++) into[o] = ProgramSupport.buffer(direct, node, o, frame, planned[o]);
    for (int i = 0; i < in.length; i++) in[i] = frame[ins[i]];
    NDArray[] r = run(into, in);
    for (int o = 0; o < outs.length; o++) frame[outs[o]] = r[o];
  }
}
