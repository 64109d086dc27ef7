package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/** Where a kernel with an out-buffer variant writes: a new array, or a compiled program's planned (or donated) buffer. */
final class OutputBuffer {
  private OutputBuffer() {}

  /**
   * {@code buffer} checked to be a dense array (offset 0, contiguous) of that dtype and shape, or a new array when it
   * is null. A mismatch is a compiler bug, not user input: IllegalArgumentException.
   */
  static NDArray of(NDArray buffer, DType dtype, int[] shape, String op) {
    if (buffer == null) return NDArray.empty(dtype, shape);
    if (buffer.dtype() != dtype || !Shapes.equal(buffer.shape(), shape) || buffer.offset() != 0 || !buffer.isContiguous())
      throw new IllegalArgumentException(op + " output buffer must be a dense " + dtype + " " + Shapes.str(shape) + " array");
    return buffer;
  }
}
