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
}
