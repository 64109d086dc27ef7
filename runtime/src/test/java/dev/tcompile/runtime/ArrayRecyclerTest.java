package dev.tcompile.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tcompile.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-thread pool behind eager backward's recycling: what comes back, zeroed or not, and what is evicted. */
class ArrayRecyclerTest {
  /** Allocates {@code n} floats inside a rule and releases them as its temporary: returns the array. */
  private static float[] recycle(int n) {
    try (ArrayRecycler.Recording r = ArrayRecycler.open()) {
      r.beginRule();
      float[] a = NDArray.empty(DType.FLOAT32, n).floats();
      java.util.Arrays.fill(a, 7f);
      r.endRule(List.of());
      return a;
    }
  }

  /** An array of n floats allocated as a recorded rule allocates (zeroed, or to be overwritten). */
  private static float[] takeInRule(int n, boolean overwrite) {
    try (ArrayRecycler.Recording r = ArrayRecycler.open()) {
      r.beginRule();
      NDArray a = overwrite ? NDArray.emptyToOverwrite(DType.FLOAT32, n) : NDArray.empty(DType.FLOAT32, n);
      r.endRule(List.of(a)); // a result: kept
      return a.floats();
    }
  }

  @Test void aReleasedArrayComesBackToARecordedRuleZeroedOrAsItIsForAnOverwrite() {
    int n = ArrayRecycler.MIN_FLOATS + 5;
    float[] a = recycle(n);
    assertNotSame(a, NDArray.empty(DType.FLOAT32, n).floats()); // code outside a recording gets new arrays
    float[] zeroed = takeInRule(n, false);
    assertSame(a, zeroed);
    for (float f : zeroed) assertEquals(0f, f);
    float[] b = recycle(n);
    float[] asItIs = takeInRule(n, true);
    assertSame(b, asItIs);
    assertEquals(7f, asItIs[n - 1]);
  }

  @Test void aRuleResultAndAnArrayBornOutsideARecordingAreNotPooled() {
    int n = ArrayRecycler.MIN_FLOATS + 6;
    float[] kept;
    try (ArrayRecycler.Recording r = ArrayRecycler.open()) {
      r.beginRule();
      NDArray result = NDArray.empty(DType.FLOAT32, n);
      kept = result.floats();
      r.endRule(List.of(result));
      NDArray outside = NDArray.empty(DType.FLOAT32, n); // not recording: not born, so never released
      r.release(outside);
    }
    assertNotSame(kept, takeInRule(n, false));
  }

  @Test void overTheBudgetTheSizeUsedLongestAgoIsEvicted() {
    long before = ArrayRecycler.pooledBytes();
    int big = Math.max(1 << 22, ArrayRecycler.MIN_FLOATS); // 16 MB each: 8 fill the 128 MB budget
    recycleMany(big, 8);
    assertEquals(before + 8L * 4 * big, ArrayRecycler.pooledBytes());
    int other = big + 16;
    float[] last = recycleMany(other, 1);
    // the other size fits only once the older sizes have gone
    assertEquals(4L * other, ArrayRecycler.pooledBytes());
    assertSame(last, takeInRule(other, false));
    assertEquals(0, ArrayRecycler.pooledBytes());
  }

  /** Makes {@code count} born arrays of n floats alive at once and releases them all; returns the last. */
  private static float[] recycleMany(int n, int count) {
    float[] last = null;
    try (ArrayRecycler.Recording r = ArrayRecycler.open()) {
      r.beginRule();
      for (int i = 0; i < count; i++) last = NDArray.empty(DType.FLOAT32, n).floats();
      r.endRule(List.of());
    }
    return last;
  }
}
