package dev.tcompile.runtime.compiled;

import java.util.ArrayList;
import java.util.List;

/**
 * Block-sized arrays for a fused kernel's intermediates. An array is handed out for a value and given back when
 * the last reader of that value has run ({@link FusedLoop} knows when), so a long body cycles through the few arrays
 * its live values need: they stay in L1 whatever the body's length. All are taken back at the start of the next
 * block. One per thread.
 */
final class Scratch {
  private final List<float[]> floats = new ArrayList<>();
  private final List<boolean[]> bools = new ArrayList<>();
  /** Arrays free for the taking: a stack, the most recently given back (the warmest in cache) on top. */
  private float[][] freeFloats = new float[8][];
  private boolean[][] freeBools = new boolean[8][];
  private int nf, nb;
  private long handed;

  void reset() {
    nf = 0;
    nb = 0;
    for (int i = floats.size() - 1; i >= 0; i--) pushFloats(floats.get(i));
    for (int i = bools.size() - 1; i >= 0; i--) pushBools(bools.get(i));
  }

  /** How many arrays have been handed out so far: a value whose op changed it owns the last one handed out. */
  long handed() { return handed; }

  float[] floats() {
    handed++;
    if (nf > 0) return freeFloats[--nf];
    float[] a = new float[FusedLoop.BLOCK];
    floats.add(a);
    return a;
  }

  boolean[] bools() {
    handed++;
    if (nb > 0) return freeBools[--nb];
    boolean[] a = new boolean[FusedLoop.BLOCK];
    bools.add(a);
    return a;
  }

  /** Gives back the array of a value nothing reads any more. */
  void release(Block b) {
    if (b.f != null) pushFloats(b.f); else pushBools(b.b);
  }

  private void pushFloats(float[] a) {
    if (nf == freeFloats.length) freeFloats = java.util.Arrays.copyOf(freeFloats, nf * 2);
    freeFloats[nf++] = a;
  }

  private void pushBools(boolean[] a) {
    if (nb == freeBools.length) freeBools = java.util.Arrays.copyOf(freeBools, nb * 2);
    freeBools[nb++] = a;
  }
}
