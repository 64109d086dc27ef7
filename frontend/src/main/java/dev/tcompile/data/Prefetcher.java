package dev.tcompile.data;

import dev.tcompile.TorchException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Builds the batches of one epoch on daemon worker threads, at most {@code 2 * workers} ahead of the consumer
 * (PyTorch's prefetch_factor), and hands them out in batch order. It holds no reference to the iterator that
 * uses it, so a Cleaner can stop it once that iterator is unreachable.
 */
final class Prefetcher {
  private static final AtomicInteger LOADERS = new AtomicInteger();
  /** Name prefix of worker threads (tests look for leftovers by it). */
  static final String THREAD_PREFIX = "tcompile-DataLoader-";

  private final IntFunction<Batch> build;
  private final CompletableFuture<Batch>[] slots;
  private final int[] builtBy;
  private final AtomicInteger nextBatch = new AtomicInteger();
  private final Semaphore room;
  private final Thread[] workers;
  private volatile boolean stopped;

  @SuppressWarnings("unchecked")
  Prefetcher(int batches, int workerCount, IntFunction<Batch> build) {
    this.build = build;
    this.slots = new CompletableFuture[batches];
    for (int i = 0; i < batches; i++) slots[i] = new CompletableFuture<>();
    this.builtBy = new int[batches];
    this.room = new Semaphore(2 * workerCount);
    this.workers = new Thread[workerCount];
    int loader = LOADERS.incrementAndGet();
    for (int w = 0; w < workerCount; w++) {
      int id = w;
      workers[w] = new Thread(() -> work(id), THREAD_PREFIX + loader + "-worker-" + w);
      workers[w].setDaemon(true);
      workers[w].start();
    }
  }

  private void work(int id) {
    while (!stopped) {
      try {
        room.acquire();
      } catch (InterruptedException e) {
        return;
      }
      int k = nextBatch.getAndIncrement();
      if (k >= slots.length || stopped) return;
      builtBy[k] = id;
      try {
        slots[k].complete(build.apply(k));
      } catch (Throwable t) {
        slots[k].completeExceptionally(t);
      }
    }
  }

  /** Waits for batch k; a worker's failure is rethrown here with the original exception as cause. */
  Batch take(int k) {
    try {
      Batch b = slots[k].get();
      slots[k] = null;
      room.release();
      return b;
    } catch (ExecutionException e) {
      stop();
      Throwable cause = e.getCause();
      throw new TorchException("Caught " + cause.getClass().getSimpleName() + " in DataLoader worker " + builtBy[k]
          + " while building batch " + k + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new TorchException("interrupted while waiting for DataLoader batch " + k, e);
    }
  }

  /** Stops the workers; idempotent and safe from any thread (including the Cleaner's). */
  void stop() {
    stopped = true;
    for (Thread t : workers) t.interrupt();
  }

  /** Stops the workers and waits (briefly) until they have ended. */
  void stopAndJoin() {
    stop();
    for (Thread t : workers) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
