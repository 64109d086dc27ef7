package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A kernel called into given buffers allocates nothing in a steady state, on the calling thread or on the pool's
 * threads: its parallel tasks are per-thread records it refills (no capturing lambda, no job object per call),
 * its geometry is looked up, its shape checks build no arrays. A compiled train step calls these kernels every
 * step, so every object here would be garbage per step.
 *
 * <p>Measured: the bytes the calling thread and the pool threads allocate over {@link #CALLS} calls, less what the
 * measurement itself allocates. Until C2 has compiled the kernel (interpreted or C1 code boxes every vector), a
 * round can allocate; rounds repeat until one stays under {@link #BOUND} bytes in all (under 1 byte per call: one
 * object per call would be 16 bytes or more per call), at least {@link #MIN_ROUNDS} and for up to a time limit (on
 * a loaded machine the JIT's queue can take long). A scenario still over the bound is measured again alone in a
 * fresh JVM ({@link #assertAllSteady} says why).
 */
class KernelAllocationTest {
  private static final int CALLS = 200, MIN_ROUNDS = 3, BOUND = CALLS;
  private static final long LIMIT_NANOS = 20_000_000_000L;

  @AfterEach void restore() { Parallel.setThreads(Runtime.getRuntime().availableProcessors()); }

  private static NDArray randn(Random r, int... shape) {
    NDArray a = NDArray.empty(DType.FLOAT32, shape);
    float[] d = a.floats();
    for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
    return a;
  }

  private static NDArray labels(Random r, int n, int classes) {
    NDArray a = NDArray.empty(DType.INT64, n);
    for (int i = 0; i < n; i++) a.longs()[i] = r.nextInt(classes);
    return a;
  }

  /** A named kernel call on prepared arrays (made by {@code setUp}, so that a child JVM can make them too). */
  private record Scenario(String name, int threads, java.util.function.Supplier<Runnable> setUp) {}

  private static final Conv2d.Params PLAIN = Conv2d.Params.defaults(), PADDED = Conv2d.Params.of(1, 1, 1, 1);

  /** sgemm on each parallel path: shared packed blocks, a split by columns, A B^T as (B A^T)^T; C ends in a partial tile. */
  private static List<Scenario> sgemm(int threads) {
    return List.of(
        new Scenario("sgemm 130x70x200 (blocks shared by the threads)", threads, () -> {
          Random r = new Random(1);
          float[] a = randn(r, 130 * 200).floats(), b = randn(r, 200 * 70).floats(), c = new float[130 * 70];
          return () -> Gemm.sgemm(false, false, 130, 70, 200, 1f, a, 0, 200, b, 0, 70, 0f, c, 0, 70);
        }),
        new Scenario("sgemm 16x520x256 (split by columns)", threads, () -> {
          Random r = new Random(1);
          float[] a = randn(r, 16 * 256).floats(), b = randn(r, 256 * 520).floats(), c = new float[16 * 520];
          return () -> Gemm.sgemm(false, false, 16, 520, 256, 1f, a, 0, 256, b, 0, 520, 1f, c, 0, 520);
        }),
        new Scenario("sgemm 64x500x800 A B^T", threads, () -> {
          Random r = new Random(1);
          float[] a = randn(r, 64 * 800).floats(), b = randn(r, 500 * 800).floats(), c = new float[64 * 500];
          return () -> Gemm.sgemm(false, true, 64, 500, 800, 1f, a, 0, 800, b, 0, 800, 0f, c, 0, 500);
        }));
  }

  /** The MNIST CNN's convolutions (and a padded one) forward and backward into given buffers. */
  private static List<Scenario> conv2d(int threads) {
    return List.of(
        new Scenario("conv1 forward + bias + relu", threads, () -> {
          Random r = new Random(2);
          NDArray x = randn(r, 8, 1, 28, 28), w = randn(r, 20, 1, 5, 5), b = randn(r, 20), o = randn(r, 8, 20, 24, 24);
          return () -> Conv2d.forward(x, w, b, PLAIN, true, o);
        }),
        new Scenario("conv2 forward", threads, () -> {
          Random r = new Random(2);
          NDArray x = randn(r, 8, 20, 12, 12), w = randn(r, 50, 20, 5, 5), b = randn(r, 50), o = randn(r, 8, 50, 8, 8);
          return () -> Conv2d.forward(x, w, b, PLAIN, false, o);
        }),
        new Scenario("padded conv forward", threads, () -> {
          Random r = new Random(2);
          NDArray x = randn(r, 4, 3, 16, 16), w = randn(r, 8, 3, 3, 3), o = randn(r, 4, 8, 16, 16);
          return () -> Conv2d.forward(x, w, null, PADDED, false, o);
        }),
        new Scenario("conv2 backward input", threads, () -> {
          Random r = new Random(2);
          NDArray go = randn(r, 8, 50, 8, 8), w = randn(r, 50, 20, 5, 5), gx = randn(r, 8, 20, 12, 12);
          return () -> Conv2d.backwardInput(go, w, gx.shape(), PLAIN, gx);
        }),
        new Scenario("conv2 backward weight (packed GEMM)", threads, () -> {
          Random r = new Random(2);
          NDArray go = randn(r, 8, 50, 8, 8), x = randn(r, 8, 20, 12, 12), gw = randn(r, 50, 20, 5, 5);
          return () -> Conv2d.backwardWeight(go, x, gw.shape(), PLAIN, gw);
        }),
        new Scenario("conv1 backward weight (dot products)", threads, () -> {
          Random r = new Random(2);
          NDArray go = randn(r, 8, 20, 24, 24), x = randn(r, 8, 1, 28, 28), gw = randn(r, 20, 1, 5, 5);
          return () -> Conv2d.backwardWeight(go, x, gw.shape(), PLAIN, gw);
        }));
  }

  /** Max pooling forward and backward, the fused loss backward, log_softmax, the loss, sums, addmm and a broadcast copy. */
  private static List<Scenario> others(int threads) {
    Pool2d.Params p = Pool2d.Params.of(2, 0, 0, false);
    return List.of(
        new Scenario("max_pool2d forward", threads, () -> {
          NDArray x = randn(new Random(3), 16, 20, 24, 24), out = NDArray.empty(DType.FLOAT32, 16, 20, 12, 12);
          NDArray idx = NDArray.empty(DType.INT64, 16, 20, 12, 12);
          NDArray[] result = new NDArray[2];
          return () -> Pool2d.maxForwardInto(x, p, out, idx, result);
        }),
        new Scenario("max_pool2d forward into a program's registers", threads, () -> {
          NDArray x = randn(new Random(3), 16, 20, 24, 24), out = NDArray.empty(DType.FLOAT32, 16, 20, 12, 12);
          NDArray idx = NDArray.empty(DType.INT64, 16, 20, 12, 12);
          NDArray[] registers = new NDArray[5];
          return () -> Pool2d.maxForwardInto(x, p, out, idx, registers, 3, 1);
        }),
        new Scenario("max_pool2d backward", threads, () -> {
          NDArray x = randn(new Random(3), 16, 20, 24, 24), out = NDArray.empty(DType.FLOAT32, 16, 20, 12, 12);
          NDArray idx = NDArray.empty(DType.INT64, 16, 20, 12, 12), gx = randn(new Random(4), 16, 20, 24, 24);
          Pool2d.maxForwardInto(x, p, out, idx, new NDArray[2]);
          return () -> Pool2d.maxBackward(out, idx, x.shape(), gx);
        }),
        new Scenario("nll_log_softmax backward", threads, () -> {
          Random r = new Random(3);
          NDArray logp = Softmax.forward(randn(r, 64, 10), 1, true), target = labels(r, 64, 10);
          NDArray g = NDArray.scalar(DType.FLOAT32, 1), gLogits = randn(r, 64, 10);
          return () -> NllLogSoftmaxBackward.run(g, target, logp, Losses.Reduction.MEAN, -100, gLogits);
        }),
        new Scenario("log_softmax", threads, () -> {
          NDArray x = randn(new Random(3), 64, 10), y = NDArray.empty(DType.FLOAT32, 64, 10);
          return () -> Softmax.forward(x, 1, true, y);
        }),
        new Scenario("softmax (rows of 10, shorter than a vector; the last at the array's end)", threads, () -> {
          NDArray x = randn(new Random(3), 64, 10), y = NDArray.empty(DType.FLOAT32, 64, 10);
          return () -> Softmax.forward(x, 1, false, y);
        }),
        new Scenario("nll_loss", threads, () -> {
          Random r = new Random(3);
          NDArray logp = Softmax.forward(randn(r, 64, 10), 1, true), target = labels(r, 64, 10), loss = NDArray.scalar(DType.FLOAT32, 0);
          return () -> Losses.nllForward(logp, target, null, Losses.Reduction.MEAN, -100, loss);
        }),
        new Scenario("sum over the batch", threads, () -> {
          NDArray h = randn(new Random(3), 64, 500), sums = NDArray.empty(DType.FLOAT32, 500);
          boolean[] batchDim = {true, false};
          return () -> Reduce.reduce(Reduce.Kind.SUM, h, batchDim, false, sums);
        }),
        new Scenario("sum over a large batch (columns on the pool)", threads, () -> {
          NDArray h = randn(new Random(3), 256, 512), sums = NDArray.empty(DType.FLOAT32, 512);
          boolean[] batchDim = {true, false};
          return () -> Reduce.reduce(Reduce.Kind.SUM, h, batchDim, false, sums);
        }),
        new Scenario("mean of each row (rows on the pool)", threads, () -> {
          NDArray h = randn(new Random(3), 512, 256), means = NDArray.empty(DType.FLOAT32, 512);
          boolean[] rowDim = {false, true};
          return () -> Reduce.reduce(Reduce.Kind.MEAN, h, rowDim, false, means);
        }),
        new Scenario("sum of one long row (blocks on the pool)", threads, () -> {
          NDArray h = randn(new Random(3), 200_000), sum = NDArray.scalar(DType.FLOAT32, 0);
          boolean[] all = {true};
          return () -> Reduce.reduce(Reduce.Kind.SUM, h, all, false, sum);
        }),
        new Scenario("addmm", threads, () -> {
          Random r = new Random(3);
          NDArray h = randn(r, 64, 500), w = randn(r, 500, 10), bias = randn(r, 10), y = randn(r, 64, 10);
          return () -> Matmul.addmm(bias, h, w, y);
        }),
        new Scenario("broadcast copy", threads, () -> {
          NDArray bias = randn(new Random(3), 10), y = NDArray.empty(DType.FLOAT32, 64, 10);
          return () -> y.copyFrom(bias);
        }));
  }

  @Test void sgemmAllocatesNothing() { assertAllSteady(sgemm(2), sgemm(1)); }

  @Test void conv2dAllocatesNothing() { assertAllSteady(conv2d(2), conv2d(1)); }

  @Test void poolingLossesAndSumsAllocateNothing() { assertAllSteady(others(2), others(1)); }

  private static List<Scenario> all() {
    List<Scenario> all = new ArrayList<>();
    for (int threads : new int[]{2, 1}) { all.addAll(sgemm(threads)); all.addAll(conv2d(threads)); all.addAll(others(threads)); }
    return all;
  }

  /**
   * Each scenario in this JVM; one that stays over the bound is measured again alone in a fresh JVM, twice at most.
   * Why: in a JVM that has run many kernels (or tests), C2 now and then compiles a vector loop with boxed vectors
   * (megabytes per call, JIT-dependent: seen in one JVM of several, also before these kernels' records existed),
   * while an object a kernel allocates on purpose shows in every JVM.
   */
  @SafeVarargs
  private static void assertAllSteady(List<Scenario>... groups) {
    for (List<Scenario> group : groups)
      for (Scenario s : group) {
        long bytes = steadyBytes(s);
        for (int retry = 0; retry < 2 && bytes >= BOUND; retry++) bytes = inFreshJvm(s);
        assertTrue(bytes < BOUND, s.name() + ", " + s.threads() + " threads: " + bytes + " bytes allocated over " + CALLS + " calls");
      }
  }

  /** Runs one scenario (named by its index in {@link #all}) and prints the bytes of its last round. */
  public static void main(String[] args) {
    System.out.println("bytes " + steadyBytes(all().get(Integer.parseInt(args[0]))));
  }

  private static long inFreshJvm(Scenario s) {
    int index = -1;
    List<Scenario> all = all();
    for (int i = 0; i < all.size(); i++) if (all.get(i).name().equals(s.name()) && all.get(i).threads() == s.threads()) index = i;
    try {
      String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(javaBin, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
          KernelAllocationTest.class.getName(), Integer.toString(index)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      for (String line : out.split("\\R")) if (line.startsWith("bytes ")) return Long.parseLong(line.substring(6).trim());
      throw new AssertionError("child JVM for " + s.name() + " printed no result: " + out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Bytes allocated by its last round of {@link #CALLS} calls, after the rounds it took to get under the bound. */
  private static long steadyBytes(Scenario s) {
    Parallel.setThreads(s.threads());
    Runnable call = s.setUp().get();
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    call.run();   // the pool's threads exist from here on
    long[] pool = poolThreadIds();
    long overhead = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) overhead = Math.min(overhead, allocated(mx, pool, () -> { }));
    long bytes = Long.MAX_VALUE, until = System.nanoTime() + LIMIT_NANOS;
    for (int round = 0; (round < MIN_ROUNDS || System.nanoTime() < until) && bytes >= BOUND; round++)
      bytes = allocated(mx, pool, call) - overhead;
    return bytes;
  }

  /** Bytes the calling thread and the pool threads allocate over {@link #CALLS} runs of {@code call}. */
  private static long allocated(com.sun.management.ThreadMXBean mx, long[] pool, Runnable call) {
    long before = mx.getCurrentThreadAllocatedBytes();
    for (long id : pool) before += mx.getThreadAllocatedBytes(id);
    for (int i = 0; i < CALLS; i++) call.run();
    long after = mx.getCurrentThreadAllocatedBytes();
    for (long id : pool) after += mx.getThreadAllocatedBytes(id);
    return after - before;
  }

  private static long[] poolThreadIds() {
    List<Long> ids = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().startsWith("tcompile-kernel-")) ids.add(t.threadId());
    return ids.stream().mapToLong(Long::longValue).toArray();
  }
}
