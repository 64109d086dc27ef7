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

  /** {@link #of} for an {@code m x n} array, with no shape array built when the buffer has that shape. */
  static NDArray of(NDArray buffer, DType dtype, int m, int n, String op) {
    if (buffer != null && buffer.dim() == 2 && buffer.size(0) == m && buffer.size(1) == n) return of(buffer, dtype, buffer.shape(), op);
    return of(buffer, dtype, new int[]{m, n}, op);
  }

  /** {@link #of} for an {@code a x b x c x d} array, with no shape array built when the buffer has that shape. */
  static NDArray of(NDArray buffer, DType dtype, int a, int b, int c, int d, String op) {
    if (buffer != null && buffer.dim() == 4 && buffer.size(0) == a && buffer.size(1) == b && buffer.size(2) == c && buffer.size(3) == d)
      return of(buffer, dtype, buffer.shape(), op);
    return of(buffer, dtype, new int[]{a, b, c, d}, op);
  }
}
