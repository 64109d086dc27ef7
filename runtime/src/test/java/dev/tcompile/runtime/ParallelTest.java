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

  @Test void rejectsZeroThreads() {
    assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
  }
}
