package dev.tcompile.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
  /** 100 items: x[i] = [i, i + 0.5] (float), y[i] = i % 7 (int64). */
  static TensorDataset numbered(int n) {
    float[] x = new float[2 * n];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) { x[2 * i] = i; x[2 * i + 1] = i + 0.5f; y[i] = i % 7; }
    return new TensorDataset(Torch.fromArray(x, n, 2), Torch.fromArray(y, n));
  }

  static List<Long> firstColumn(DataLoader loader) {
    List<Long> ids = new ArrayList<>();
    for (Batch b : loader) for (float v : b.inputs().select(1, 0).toFloatArray()) ids.add((long) v);
    return ids;
  }

  @Test void tensorDatasetItems() {
    TensorDataset ds = numbered(10);
    assertEquals(10, ds.size());
    Tensor[] item = ds.get(3);
    assertArrayEquals(new float[]{3f, 3.5f}, item[0].toFloatArray());
    assertEquals(3L, item[1].toLongArray()[0]);
    assertEquals(0, item[1].dim());
    TorchException e = assertThrows(TorchException.class, () -> ds.get(10));
    assertEquals("index 10 is out of bounds for dimension 0 with size 10", e.getMessage());
    assertThrows(TorchException.class, () -> new TensorDataset(Torch.zeros(3, 2), Torch.zeros(4)));
  }

  @Test void batchesInOrderWithPartialLastBatch() {
    DataLoader loader = new DataLoader(numbered(100), 32);
    assertEquals(4, loader.size());
    List<int[]> shapes = new ArrayList<>();
    for (Batch b : loader) {
      shapes.add(b.inputs().shapeArray());
      assertEquals(DType.INT64, b.labels().dtype());
      assertEquals(2, b.size());
    }
    assertEquals(4, shapes.size());
    assertArrayEquals(new int[]{32, 2}, shapes.get(0));
    assertArrayEquals(new int[]{4, 2}, shapes.get(3));
    List<Long> ids = firstColumn(loader);
    for (int i = 0; i < 100; i++) assertEquals(i, ids.get(i));
    Batch first = loader.iterator().next();
    assertArrayEquals(new long[]{0, 1, 2, 3, 4, 5, 6, 0}, Arrays.copyOf(first.labels().toLongArray(), 8));
  }

  @Test void dropLastDropsThePartialBatch() {
    DataLoader loader = new DataLoader(numbered(100), 32, false, 0, true);
    assertEquals(3, loader.size());
    int count = 0;
    for (Batch b : loader) { assertEquals(32, b.batchSize()); count++; }
    assertEquals(3, count);
    assertEquals(0, new DataLoader(numbered(10), 32, false, 0, true).size());
    assertFalse(new DataLoader(numbered(10), 32, false, 0, true).iterator().hasNext());
  }

  @Test void seededShuffleIsReproducibleAndChangesPerEpoch() {
    List<Long> a1 = firstColumn(new DataLoader(numbered(100), 10, true, 0, false, 42));
    DataLoader b = new DataLoader(numbered(100), 10, true, 0, false, 42);
    List<Long> b1 = firstColumn(b), b2 = firstColumn(b);
    assertEquals(a1, b1);
    assertNotEquals(b1, b2, "each epoch draws a fresh permutation");
    List<Long> sorted = new ArrayList<>(b2);
    sorted.sort(null);
    for (int i = 0; i < 100; i++) assertEquals(i, sorted.get(i), "a permutation of every item");
    assertNotEquals(a1, firstColumn(new DataLoader(numbered(100), 10, true, 0, false, 43)));
  }

  @Test void unseededShuffleFollowsTheDefaultGenerator() {
    Torch.manualSeed(7);
    List<Long> a = firstColumn(new DataLoader(numbered(50), 8, true));
    Torch.manualSeed(7);
    List<Long> b = firstColumn(new DataLoader(numbered(50), 8, true));
    assertEquals(a, b);
    assertNotEquals(a, firstColumn(new DataLoader(numbered(50), 8, true)));
  }

  @Test void workersGiveTheSameBatchesAsNoWorkers() {
    DataLoader plain = new DataLoader(numbered(1000), 32, true, 0, false, 5);
    DataLoader threaded = new DataLoader(numbered(1000), 32, true, 3, false, 5);
    for (int epoch = 0; epoch < 2; epoch++) {
      List<Batch> x = new ArrayList<>(), y = new ArrayList<>();
      plain.forEach(x::add);
      threaded.forEach(y::add);
      assertEquals(x.size(), y.size());
      for (int i = 0; i < x.size(); i++) {
        assertArrayEquals(x.get(i).inputs().toFloatArray(), y.get(i).inputs().toFloatArray());
        assertArrayEquals(x.get(i).labels().toLongArray(), y.get(i).labels().toLongArray());
      }
    }
    assertNoWorkerThreads();
  }

  @Test void randomDrawsInsideABatchDoNotDependOnWorkers() {
    Dataset<Tensor> noisy = new Dataset<>() {
      @Override public int size() { return 64; }
      @Override public Tensor get(int i) { return Torch.scalar(LoaderRandom.current().nextDouble()); }
    };
    float[] a = new DataLoader(noisy, 64, false, 0, false, 1).iterator().next().inputs().toFloatArray();
    float[] b = new DataLoader(noisy, 64, false, 4, false, 1).iterator().next().inputs().toFloatArray();
    assertArrayEquals(a, b);
    assertNull(LoaderRandom.current(), "outside a loader no generator is installed");
  }

  @Test void workerExceptionSurfacesWithItsCause() {
    IllegalStateException boom = new IllegalStateException("bad item 37");
    Dataset<Tensor> failing = new Dataset<>() {
      @Override public int size() { return 100; }
      @Override public Tensor get(int i) { if (i == 37) throw boom; return Torch.scalar(i); }
    };
    DataLoader loader = new DataLoader(failing, 10, false, 2);
    BatchIterator it = loader.iterator();
    for (int k = 0; k < 3; k++) it.next();
    TorchException e = assertThrows(TorchException.class, it::next);
    assertSame(boom, e.getCause());
    assertTrue(e.getMessage().contains("bad item 37"), e.getMessage());
    assertTrue(e.getMessage().contains("batch 3"), e.getMessage());
    assertFalse(it.hasNext());
    assertNoWorkerThreads();
  }

  @Test void closingEarlyStopsWorkers() {
    try (BatchIterator it = new DataLoader(numbered(10_000), 16, true, 3).iterator()) {
      it.next();
      assertTrue(workerThreads() > 0);
    }
    assertEquals(0, workerThreads());
  }

  @Test void abandonedIteratorsStopTheirWorkers() {
    for (int i = 0; i < 5; i++) new DataLoader(numbered(10_000), 16, true, 2).iterator().next();
    assertNoWorkerThreads();
  }

  /**
   * A reachable iterator nobody takes batches from releases its threads by itself (no GC involved), and picks up
   * where it left off, with the same batches, when it is used again.
   */
  @Test void idleWorkersEndWithoutAGcAndRestartWithTheSameBatches() throws Exception {
    long before = Prefetcher.idleMillis;
    Prefetcher.idleMillis = 200;
    try {
      DataLoader loader = new DataLoader(numbered(1_000), 16, true, 2, false, 5);
      BatchIterator it = loader.iterator();
      List<long[]> seen = new java.util.ArrayList<>();
      seen.add(it.next().labels().toLongArray());
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (workerThreads() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
      assertEquals(0, workerThreads(), "idle workers ended while the iterator is still held");
      while (it.hasNext()) seen.add(it.next().labels().toLongArray());
      DataLoader again = new DataLoader(numbered(1_000), 16, true, 0, false, 5);
      int k = 0;
      for (Batch b : again) assertArrayEquals(b.labels().toLongArray(), seen.get(k++), "batch " + (k - 1));
      assertEquals(seen.size(), k);
    } finally {
      Prefetcher.idleMillis = before;
    }
  }

  @Test void badArguments() {
    assertEquals("batch_size should be a positive integer value, but got batch_size=0",
        assertThrows(TorchException.class, () -> new DataLoader(numbered(3), 0)).getMessage());
    assertThrows(TorchException.class, () -> new DataLoader(numbered(3), 1, false, -1));
  }

  @Test void collatesRecordsAndNumbers() {
    record Pair(Tensor x, long y, double w) {}
    Batch b = Collate.batch(List.of(new Pair(Torch.ones(2), 3, 0.5), new Pair(Torch.zeros(2), 4, 1.5)));
    assertArrayEquals(new int[]{2, 2}, b.inputs().shapeArray());
    assertArrayEquals(new long[]{3, 4}, b.labels().toLongArray());
    assertArrayEquals(new float[]{0.5f, 1.5f}, b.get(2).toFloatArray());
    assertThrows(TorchException.class, () -> Collate.batch(List.of("text")));
  }

  static int workerThreads() {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet())
      if (t.isAlive() && t.getName().startsWith(Prefetcher.THREAD_PREFIX)) n++;
    return n;
  }

  /** Waits (collecting garbage, so that Cleaners run) until no worker thread is left. */
  static void assertNoWorkerThreads() {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (workerThreads() > 0 && System.nanoTime() < deadline) {
      System.gc();
      try { Thread.sleep(20); } catch (InterruptedException e) { throw new AssertionError(e); }
    }
    assertEquals(0, workerThreads(), "DataLoader worker threads still running");
  }
}
