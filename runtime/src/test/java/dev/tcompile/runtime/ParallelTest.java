package dev.tcompile.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @AfterEach void restore() { Parallel.setThreads(Runtime.getRuntime().availableProcessors()); }

  @Test void everyTaskRunsOnceOnPersistentDaemonThreads() {
    Parallel.setThreads(2);
    Set<Thread> seen = ConcurrentHashMap.newKeySet();
    for (int round = 0; round < 200; round++) {
      AtomicIntegerArray hits = new AtomicIntegerArray(7);
      Parallel.run(7, (t, n) -> { assertEquals(7, n); hits.incrementAndGet(t); seen.add(Thread.currentThread()); });
      for (int t = 0; t < 7; t++) assertEquals(1, hits.get(t));
    }
    // the caller plus at most one worker, reused across calls (no thread per call)
    assertTrue(seen.size() <= 2, "threads used: " + seen);
    for (Thread th : seen) if (th != Thread.currentThread()) assertTrue(th.isDaemon());
  }

  @Test void forRangeCoversEachIndexOnce() {
    for (int threads : new int[]{1, 2, 3}) {
      Parallel.setThreads(threads);
      for (int n : new int[]{0, 1, 5, 64, 1001}) {
        AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
        Parallel.forRange(n, 16, (a, b) -> { for (int i = a; i < b; i++) hits.incrementAndGet(i); });
        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " i=" + i);
      }
    }
  }

  /** Over 65,535 tasks go several to a claimed unit; more threads than blocks only help with the others' blocks. */
  @Test void everyTaskRunsOnceWithManyTasksOrManyThreads() {
    int[][] cases = {{3, 200_001}, {2, 65_536}, {70, 100}, {5, 3}};
    for (int[] c : cases) {
      Parallel.setThreads(c[0]);
      AtomicIntegerArray hits = new AtomicIntegerArray(c[1]);
      for (int round = 0; round < 3; round++) Parallel.run(c[1], (t, n) -> { assertEquals(c[1], n); hits.incrementAndGet(t); });
      for (int t = 0; t < c[1]; t++) assertEquals(3, hits.get(t), "threads=" + c[0] + " count=" + c[1] + " task " + t);
    }
  }

  @Test void exceptionsPropagateAndPoolStaysUsable() {
    Parallel.setThreads(2);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Parallel.run(4, (t, n) -> { if (t == 3) throw new IllegalStateException("task 3"); }));
    assertEquals("task 3", e.getMessage());
    AtomicIntegerArray hits = new AtomicIntegerArray(4);
    Parallel.run(4, (t, n) -> hits.incrementAndGet(t));
    for (int t = 0; t < 4; t++) assertEquals(1, hits.get(t));
  }

  @Test void nestedCallsRunInline() {
    Parallel.setThreads(2);
    AtomicIntegerArray hits = new AtomicIntegerArray(16);
    Parallel.run(4, (t, n) -> {
      assertTrue(Parallel.inParallelRegion());
      Thread me = Thread.currentThread();
      Parallel.run(4, (u, m) -> { assertSame(me, Thread.currentThread()); hits.incrementAndGet(t * 4 + u); });
    });
    for (int i = 0; i < 16; i++) assertEquals(1, hits.get(i));
    assertFalse(Parallel.inParallelRegion());
  }

  /**
   * The pool's one job is reused call after call: callers on several threads, calls of varying task counts, and
   * nested forRange calls inside tasks each run every task exactly once (a worker late for one call never runs a
   * task of the next).
   */
  @Test void reusedJobRunsEveryTaskOnceUnderConcurrentAndNestedCalls() throws Exception {
    Parallel.setThreads(2);
    int callers = 4, calls = 1500;
    java.util.List<Thread> ts = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    for (int c = 0; c < callers; c++) {
      int seed = c;
      Thread t = new Thread(() -> {
        try {
          for (int i = 0; i < calls; i++) {
            int count = 1 + (i * 7 + seed) % 9;
            AtomicIntegerArray hits = new AtomicIntegerArray(count * 8);
            Parallel.run(count, (task, n) -> {
              assertEquals(count, n);
              Parallel.forRange(8, 1, (a, b) -> { for (int k = a; k < b; k++) hits.incrementAndGet(task * 8 + k); });
            });
            for (int k = 0; k < count * 8; k++) assertEquals(1, hits.get(k), "caller " + seed + " call " + i + " slot " + k);
            AtomicIntegerArray range = new AtomicIntegerArray(100 + i % 50);
            Parallel.forRange(range.length(), 3, (a, b) -> { for (int k = a; k < b; k++) range.incrementAndGet(k); });
            for (int k = 0; k < range.length(); k++) assertEquals(1, range.get(k), "caller " + seed + " range " + i + " index " + k);
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      ts.add(t);
      t.start();
    }
    for (Thread t : ts) t.join();
    if (failure.get() != null) throw new AssertionError(failure.get());
  }

  @Test void rejectsZeroThreads() {
    assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
  }
}
