package dev.tcompile;

import dev.tcompile.ir.TensorType;
import dev.tcompile.runtime.NDArray;
import java.util.List;

/**
 * The arrays a compiled forward saves for its backward, handed back once the backward has consumed them (the
 * autograd graph freed without retain_graph), so that the next call's forward writes its saved values into
 * arrays that are already allocated and still in cache. A fresh 4 MB array costs several times what rewriting
 * a used one does (the JVM zeroes it, and its memory is cold): this is what PyTorch's caching allocator buys it.
 *
 * <p>Only arrays that nothing else can see come back: the forward's own outputs, never an input, a result or a
 * mutation's value, nor a saved value that shares storage with another (checked per call). An array whose
 * backward never runs is simply left to the garbage collector. Thread-safe: concurrent calls take different
 * arrays; each slot keeps at most {@link #DEPTH} arrays.
 */
final class SavedBuffers {
  /** Arrays kept per saved value: one in flight while the next call starts is the common case. */
  static final int DEPTH = 2;

  private final TensorType[] types;
  private final NDArray[][] free;
  private final int[] count;

  SavedBuffers(List<TensorType> savedTypes) {
    types = savedTypes.toArray(TensorType[]::new);
    free = new NDArray[types.length][DEPTH];
    count = new int[types.length];
  }

  int size() { return types.length; }

  /** An array for saved value {@code s}, or null (the forward allocates one). */
  synchronized NDArray take(int s) {
    if (count[s] == 0) return null;
    NDArray a = free[s][--count[s]];
    free[s][count[s]] = null;
    return a;
  }

  /** Returns {@code a}, saved value {@code s}'s array of a call whose backward is done with it. */
  synchronized void give(int s, NDArray a) {
    if (count[s] == DEPTH || a.dtype() != types[s].dtype() || !java.util.Arrays.equals(a.shape(), types[s].shape())
        || a.offset() != 0 || !a.isContiguous())
      return;
    free[s][count[s]++] = a;
  }

  /**
   * Which of a call's saved arrays may come back after its backward: those sharing storage with no input, no
   * other output of the forward ({@code outs}: results and mutations first, then the saved values from
   * {@code firstSaved}), and not left in place of a pooled array that the kernels could not write into.
   */
  static boolean[] unshared(NDArray[] outs, int firstSaved, NDArray[] inputs) {
    boolean[] ok = new boolean[outs.length - firstSaved];
    for (int s = 0; s < ok.length; s++) {
      NDArray a = outs[firstSaved + s];
      boolean alone = true;
      for (NDArray in : inputs) alone &= !in.sharesStorage(a);
      for (int j = 0; j < outs.length && alone; j++) alone = j == firstSaved + s || !outs[j].sharesStorage(a);
      ok[s] = alone;
    }
    return ok;
  }
}
