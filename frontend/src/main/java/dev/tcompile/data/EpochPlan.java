package dev.tcompile.data;

import java.util.SplittableRandom;

/** Which items go into which batch for one pass over the data: PyTorch's sampler plus batch sampler. */
final class EpochPlan {
  private final int[] order;
  private final int batchSize;
  private final int batches;

  EpochPlan(int n, int batchSize, boolean shuffle, boolean dropLast, long seed) {
    this.order = shuffle ? permutation(n, seed) : identity(n);
    this.batchSize = batchSize;
    this.batches = batchCount(n, batchSize, dropLast);
  }

  static int batchCount(int n, int batchSize, boolean dropLast) {
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  int batches() { return batches; }

  int[] indicesOf(int batch) {
    int from = batch * batchSize, to = Math.min(order.length, from + batchSize);
    return java.util.Arrays.copyOfRange(order, from, to);
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    return a;
  }

  /** Fisher-Yates with a generator of its own, so that one seed gives one order. */
  private static int[] permutation(int n, long seed) {
    int[] a = identity(n);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
