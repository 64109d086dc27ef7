package dev.tcompile.data;

import java.lang.ref.Cleaner;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;

/**
 * One pass over a {@link DataLoader}. With workers it owns background threads: they end when the last batch
 * has been taken, on {@link #close()}, or once this iterator has become unreachable (a Cleaner stops them),
 * so {@code loader.iterator().next()} does not leak threads.
 */
public final class BatchIterator implements Iterator<Batch>, AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  private final int batches;
  private final IntFunction<Batch> build;
  private final Prefetcher prefetcher;
  private final Cleaner.Cleanable cleanable;
  private int next;

  BatchIterator(int batches, int workers, IntFunction<Batch> build) {
    this.batches = batches;
    this.build = build;
    if (workers > 0 && batches > 0) {
      Prefetcher p = new Prefetcher(batches, workers, build);
      this.prefetcher = p;
      this.cleanable = CLEANER.register(this, p::stop);
    } else {
      this.prefetcher = null;
      this.cleanable = null;
    }
  }

  @Override public boolean hasNext() { return next < batches; }

  @Override public Batch next() {
    if (next >= batches) throw new NoSuchElementException("the DataLoader has no more batches in this epoch");
    int k = next++;
    if (prefetcher == null) return build.apply(k);
    Batch b;
    try {
      b = prefetcher.take(k);
    } catch (RuntimeException e) {
      next = batches;
      cleanable.clean();
      throw e;
    }
    if (next == batches) cleanable.clean();
    return b;
  }

  /** Stops the workers of this pass (waiting for them to end); further {@code hasNext()} is false. */
  @Override public void close() {
    next = batches;
    if (prefetcher != null) {
      cleanable.clean();
      prefetcher.stopAndJoin();
    }
  }
}
