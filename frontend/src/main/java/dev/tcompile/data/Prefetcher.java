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
 * uses it, so a Cleaner can stop it once that iterator is unreachable. Workers that find the window full for
 * {@link #idleMillis} end on their own (an abandoned iterator releases its threads without waiting for a GC),
 * and the next {@link #take} starts them again: batch k's contents depend only on k, never on which thread
 * built it.
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
  private final int loader;
  private final AtomicInteger alive = new AtomicInteger();
  private volatile boolean stopped;
  /** How long a worker waits for room before it ends (tests shorten it). */
  static volatile long idleMillis = 5_000;

  @SuppressWarnings("unchecked")
  Prefetcher(int batches, int workerCount, IntFunction<Batch> build) {
    this.build = build;
    this.slots = new CompletableFuture[batches];
    for (int i = 0; i < batches; i++) slots[i] = new CompletableFuture<>();
    this.builtBy = new int[batches];
    this.room = new Semaphore(2 * workerCount);
    this.workers = new Thread[workerCount];
    this.loader = LOADERS.incrementAndGet();
    startWorkers();
  }

  /** Starts the workers when none is running and batches remain to be built. */
  private synchronized void startWorkers() {
    if (stopped || alive.get() > 0 || nextBatch.get() >= slots.length) return;
    for (int w = 0; w < workers.length; w++) {
      int id = w;
      alive.incrementAndGet();
      workers[w] = new Thread(() -> {
        try { work(id); } finally { alive.decrementAndGet(); }
      }, THREAD_PREFIX + loader + "-worker-" + w);
      workers[w].setDaemon(true);
      workers[w].start();
    }
  }

  private void work(int id) {
    while (!stopped) {
      try {
        if (!room.tryAcquire(idleMillis, TimeUnit.MILLISECONDS)) return;   // nobody is taking batches: end
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
      Batch b;
      while (true) {
        try {
          b = slots[k].get(50, TimeUnit.MILLISECONDS);
          break;
        } catch (java.util.concurrent.TimeoutException idle) {
          if (stopped) throw new TorchException("the DataLoader iterator was closed while waiting for batch " + k);
          startWorkers();   // the workers may have ended while nobody took batches
        }
      }
      slots[k] = null;
      room.release();
      if (alive.get() == 0) startWorkers();
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
  synchronized void stop() {
    stopped = true;
    for (Thread t : workers) if (t != null) t.interrupt();
  }

  /** Stops the workers and waits (briefly) until they have ended. */
  void stopAndJoin() {
    stop();
    Thread[] running;
    synchronized (this) { running = workers.clone(); }
    for (Thread t : running) {
      if (t == null) continue;
      try {
        t.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
