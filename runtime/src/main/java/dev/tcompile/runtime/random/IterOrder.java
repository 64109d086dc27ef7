package dev.tcompile.runtime.random;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/**
 * The order in which PyTorch's {@code TensorIterator} visits elements of a non-contiguous operand set, and so
 * the order in which a serial random kernel ({@code cpu_serial_kernel}) consumes random numbers:
 * {@code reorder_dimensions()} sorts the dims by stride (insertion sort, ties broken by size, ambiguous pairs
 * kept), the smallest stride moving fastest. For a dense but permuted tensor that is memory order, not the
 * logical (row-major) order.
 */
final class IterOrder {
  private IterOrder() {}

  /**
   * Storage offsets, one array per operand, in visiting order. {@code strides[k]} are operand k's strides
   * (already broadcast to {@code shape}); operand 0 is the output.
   */
  static int[][] offsets(int[] shape, int[][] strides, int[] bases) {
    int nd = shape.length, nops = bases.length;
    int n = Shapes.numelInt(shape);
    int[][] out = new int[nops][n];
    if (n == 0) return out;
    int[] perm = perm(shape, strides);
    int[] counter = new int[nd];
    int[] off = bases.clone();
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < nops; k++) out[k][i] = off[k];
      // advance: perm[0] is the fastest dim
      for (int p = 0; p < nd; p++) {
        int d = perm[p];
        if (++counter[d] < shape[d]) {
          for (int k = 0; k < nops; k++) off[k] += strides[k][d];
          break;
        }
        counter[d] = 0;
        for (int k = 0; k < nops; k++) off[k] -= strides[k][d] * (shape[d] - 1);
      }
    }
    return out;
  }

  /** {@code TensorIteratorBase::reorder_dimensions} for a non-reduction iterator: perm[0] moves fastest. */
  static int[] perm(int[] shape, int[][] strides) {
    int nd = shape.length;
    int[] perm = new int[nd];
    for (int i = 0; i < nd; i++) perm[i] = nd - 1 - i;
    if (nd <= 1) return perm;
    for (int i = 1; i < nd; i++) {
      int dim1 = i;
      for (int dim0 = i - 1; dim0 >= 0; dim0--) {
        int cmp = shouldSwap(shape, strides, perm[dim0], perm[dim1]);
        if (cmp > 0) {
          int t = perm[dim0];
          perm[dim0] = perm[dim1];
          perm[dim1] = t;
          dim1 = dim0;
        } else if (cmp < 0) {
          break;
        }
      }
    }
    return perm;
  }

  private static int shouldSwap(int[] shape, int[][] strides, int dim0, int dim1) {
    for (int[] st : strides) {
      long s0 = st[dim0], s1 = st[dim1];
      if (s0 == 0 || s1 == 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (shape[dim0] > shape[dim1]) return 1;
    }
    return 0;
  }

  /** TensorIterator's internal-overlap check on a written operand: a 0 stride over a dim of size > 1. */
  static void checkNoInternalOverlap(NDArray out) {
    int[] sh = out.shape(), st = out.strides();
    for (int d = 0; d < sh.length; d++)
      if (sh[d] > 1 && st[d] == 0)
        throw new TorchException("unsupported operation: more than one element of the written-to tensor refers to a "
            + "single memory location. Please clone() the tensor before performing the operation.");
  }
}
