package dev.tcompile.runtime.compiled;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Block-sized arrays for a fused kernel's intermediates. An array is handed out for a value and given back when
 * the last reader of that value has run ({@link FusedLoop} knows when), so a long body cycles through the few arrays
 * its live values need: they stay in cache whatever the body's length. All are taken back at the start of the next
 * block. Each array has one {@link Block} wrapping it, made once ({@link #wrap}): operations return it instead of
 * allocating a block per operation and block. One per thread.
 */
final class Scratch {
  private final List<Block> floats = new ArrayList<>(), bools = new ArrayList<>();
  /** Indices of the arrays free for the taking: a stack, the most recently given back (the warmest) on top. */
  private int[] freeFloats = new int[8], freeBools = new int[8];
  private int nf, nb, lastFloat = -1, lastBool = -1;
  private long handed;

  void reset() {
    nf = 0;
    nb = 0;
    for (int i = floats.size() - 1; i >= 0; i--) freeFloats = push(freeFloats, nf++, i);
    for (int i = bools.size() - 1; i >= 0; i--) freeBools = push(freeBools, nb++, i);
  }

  /** How many arrays have been handed out so far: a value whose op changed it owns the last one handed out. */
  long handed() { return handed; }

  float[] floats() {
    handed++;
    if (nf == 0) {
      floats.add(Block.scratch(new float[FusedLoop.BLOCK], floats.size()));
      lastFloat = floats.size() - 1;
    } else {
      lastFloat = freeFloats[--nf];
    }
    return floats.get(lastFloat).f;
  }

  boolean[] bools() {
    handed++;
    if (nb == 0) {
      bools.add(Block.scratch(new boolean[FusedLoop.BLOCK], bools.size()));
      lastBool = bools.size() - 1;
    } else {
      lastBool = freeBools[--nb];
    }
    return bools.get(lastBool).b;
  }

  /** The block of the array {@link #floats} handed out last (from element 0). */
  Block wrap(float[] d) {
    Block b = floats.get(lastFloat);
    if (b.f != d) throw new IllegalStateException("not the scratch array handed out last");
    return b;
  }

  /** The block of the array {@link #bools} handed out last (from element 0). */
  Block wrap(boolean[] d) {
    Block b = bools.get(lastBool);
    if (b.b != d) throw new IllegalStateException("not the scratch array handed out last");
    return b;
  }

  /** Gives back the array of a value nothing reads any more (the block an operation returned for it). */
  void release(Block b) {
    if (b.slot < 0) throw new IllegalStateException("not a scratch block");
    if (b.f != null) freeFloats = push(freeFloats, nf++, b.slot);
    else freeBools = push(freeBools, nb++, b.slot);
  }

  private static int[] push(int[] stack, int at, int v) {
    if (at == stack.length) stack = Arrays.copyOf(stack, at * 2);
    stack[at] = v;
    return stack;
  }
}
