package dev.tcompile.runtime.compiled;

import java.util.ArrayList;
import java.util.List;

/**
 * Block-sized arrays for a fused kernel's intermediates, handed out in order and all taken back at the start of
 * the next block: the working set stays a few dozen KB, in cache, whatever the tensor size. One per thread.
 */
final class Scratch {
  private final List<float[]> floats = new ArrayList<>();
  private final List<boolean[]> bools = new ArrayList<>();
  private int nf, nb;

  void reset() { nf = 0; nb = 0; }

  float[] floats() {
    if (nf == floats.size()) floats.add(new float[FusedLoop.BLOCK]);
    return floats.get(nf++);
  }

  boolean[] bools() {
    if (nb == bools.size()) bools.add(new boolean[FusedLoop.BLOCK]);
    return bools.get(nb++);
  }
}
