package dev.tcompile.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ring between replicas, with threads standing in for barrier tasks (no Spark). */
class RingTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach void stop() { pool.shutdownNow(); }

  interface RankBody<T> {
    T run(Ring ring) throws Exception;
  }

  /** Runs {@code body} on {@code n} connected ranks; the rendezvous is a barrier over shared slots. */
  private <T> List<Future<T>> onRing(int n, RankBody<T> body) {
    AtomicReferenceArray<String> slots = new AtomicReferenceArray<>(n);
    CyclicBarrier barrier = new CyclicBarrier(n);
    List<Future<T>> out = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      int rank = r;
      out.add(pool.submit(() -> {
        try (Ring ring = Ring.connect(rank, n, "127.0.0.1", mine -> {
          slots.set(rank, mine);
          try {
            barrier.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          String[] all = new String[n];
          for (int i = 0; i < n; i++) all[i] = slots.get(i);
          return all;
        }, () -> { }, 20_000)) {
          return body.run(ring);
        }
      }));
    }
    return out;
  }

  /** Rank r's buffer: values whose sums depend on the order they are added in. */
  private static float[] gradient(int rank, int length) {
    float[] g = new float[length];
    for (int i = 0; i < length; i++) g[i] = (float) Math.sin(rank * 7919 + i) * (float) Math.pow(10, (i + rank) % 7 - 3);
    return g;
  }

  @Test void sumsAreTheSameBitsOnEveryRankAndFollowTheRingOrder() throws Exception {
    int n = 3, length = 1001;  // not a multiple of n: uneven chunks
    List<Future<float[]>> results = onRing(n, ring -> {
      float[] g = gradient(ring.rank(), length);
      ring.allReduceSum(g);
      return g;
    });
    float[] first = results.get(0).get();
    for (Future<float[]> f : results) assertArrayEquals(first, f.get());
    // Chunk c is summed along the ring from rank c, as ((g[c] + g[c+1]) + ...) + g[c-1], ranks mod n.
    float[][] g = new float[n][];
    for (int r = 0; r < n; r++) g[r] = gradient(r, length);
    for (int c = 0; c < n; c++) {
      int from = c * length / n, to = (c + 1) * length / n;
      for (int i = from; i < to; i++) {
        float sum = g[c][i];
        for (int k = 1; k < n; k++) sum = sum + g[(c + k) % n][i];
        assertEquals(Float.floatToIntBits(sum), Float.floatToIntBits(first[i]), "element " + i);
      }
    }
  }

  @Test void broadcastGivesEveryRankRankZerosBytes() throws Exception {
    List<Future<byte[]>> results = onRing(4, ring -> ring.broadcast(ring.rank() == 0 ? new byte[]{1, 2, 3, 42} : null));
    for (Future<byte[]> f : results) assertArrayEquals(new byte[]{1, 2, 3, 42}, f.get());
  }

  @Test void oneRankIsANoOp() throws Exception {
    float[] g = onRing(1, ring -> {
      float[] b = {1f, 2f};
      ring.allReduceSum(b);
      return b;
    }).get(0).get();
    assertArrayEquals(new float[]{1f, 2f}, g);
  }

  @Test void aRankThatDiesFailsItsNeighbourInsteadOfHangingIt() {
    List<Future<float[]>> results = onRing(2, ring -> {
      if (ring.rank() == 1) throw new IllegalStateException("rank 1 dies");
      float[] b = new float[10];
      ring.allReduceSum(b);
      return b;
    });
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> results.get(0).get());
    assertInstanceOf(IOException.class, e.getCause());
    assertTrue(e.getCause().getMessage().startsWith("ring: rank"), e.getCause().getMessage());
  }
}
