package dev.tcompile.data;

/** Which items go into which batch for one pass over the data: PyTorch's sampler plus batch sampler. */
final class EpochPlan {
  private final int[] order;
  private final int batchSize;
  private final int batches;

  /** Batches over {@code order} (a permutation of the items, or null for 0..n-1). */
  EpochPlan(int n, int[] order, int batchSize, boolean dropLast) {
    this.order = order != null ? order : identity(n);
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
}
