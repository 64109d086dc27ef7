package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.nn.F;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.ReLU;
import dev.tcompile.nn.Sequential;
import dev.tcompile.optim.Adam;
import dev.tcompile.optim.Optimizer;
import dev.tcompile.optim.SGD;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one-program train step updates parameters, gradients and optimiser state in their own arrays (donated
 * buffers): after the first step no parameter-sized array is allocated per step.
 */
class TrainStepMemoryTest {
  private static Module mlp() {
    Torch.manualSeed(0);
    return new Sequential(new Linear(256, 256), new ReLU(), new Linear(256, 256), new ReLU(), new Linear(256, 10));
  }

  private static List<Object> arrays(Module m, Optimizer opt) {
    List<Object> a = new ArrayList<>();
    for (Tensor p : m.parameters()) {
      a.add(p.array());
      a.add(p.grad().array());
      for (Map.Entry<String, Tensor> e : opt.state(p).entrySet()) if (e.getValue().numel() > 1) a.add(e.getValue().array());
    }
    return a;
  }

  @Test void parametersGradientsAndStateKeepTheirArrays() {
    for (boolean adam : new boolean[]{false, true}) {
      Module m = mlp();
      Optimizer opt = adam ? new Adam(m.parameters(), 1e-3) : new SGD(m.parameters(), 0.01, 0.9);
      TrainStep step = Torch.compileTrainStep(m, F::crossEntropy, opt);
      Tensor x = Torch.randn(32, 256), y = Torch.randint(0, 10, 32);
      step.step(x, y);
      List<Object> first = arrays(m, opt);
      Tensor w = m.parameters().get(0);
      Tensor gradBefore = w.grad();
      for (int i = 0; i < 3; i++) step.step(x, y);
      List<Object> later = arrays(m, opt);
      assertEquals(first.size(), later.size());
      for (int i = 0; i < first.size(); i++) assertSame(first.get(i), later.get(i), (adam ? "Adam" : "SGD") + " array " + i + " was replaced");
      assertSame(gradBefore, w.grad(), "the gradient tensor is overwritten in place, as zero_grad() and backward leave it");
      assertEquals(List.of(), step.notes());
    }
  }

  /**
   * Heap allocated by all threads per step, after warm-up: less than one copy of the parameters (before donation:
   * over three — new parameters, gradients and momentum each step). What remains is small per-call bookkeeping,
   * and vectors the JIT boxes where a JVM shared with many other tests has polluted its profiles (~90 KB per step
   * in a fresh JVM here, ~230 KB in the full suite).
   */
  @Test void aStepAllocatesFarLessThanTheParameters() {
    Module m = mlp();
    Optimizer opt = new SGD(m.parameters(), 0.01, 0.9);
    TrainStep step = Torch.compileTrainStep(m, F::crossEntropy, opt);
    long perStep = steadyAllocationPerStep(step, Torch.randn(32, 256), Torch.randint(0, 10, 32), paramBytes(m));
    assertTrue(perStep < paramBytes(m), "allocated " + perStep + " bytes per step; parameters take " + paramBytes(m) + ", by thread " + lastByThread);
  }

  /**
   * A CNN step (convolutions, pooling, their backward ops, the fused loss, bias-gradient sums): kernels' temporaries
   * come from per-thread reused buffers, parallel tasks are per-thread records and the program's registers live in
   * its reused arena, so a step allocates under a quarter of the parameters in a JVM shared with the whole suite
   * (a fresh JVM measures the returned loss alone, 137 bytes: {@link TrainStepAllocationTest}; it was 1.1 MB, then
   * 63 KB, 36 KB, 14 KB, 241 bytes).
   */
  @Test void aCnnStepAllocatesFarLessThanTheParameters() throws Exception {
    Torch.manualSeed(0);
    // the MNIST CNN's layers
    Module m = new Sequential(new dev.tcompile.nn.Conv2d(1, 20, 5), new ReLU(), new dev.tcompile.nn.MaxPool2d(2),
        new dev.tcompile.nn.Conv2d(20, 50, 5), new ReLU(), new dev.tcompile.nn.MaxPool2d(2), new dev.tcompile.nn.Flatten(),
        new Linear(800, 500), new ReLU(), new Linear(500, 10));
    Optimizer opt = new SGD(m.parameters(), 0.01, 0.9);
    TrainStep step = Torch.compileTrainStep(m, F::crossEntropy, opt);
    long bound = paramBytes(m) / 4;
    long perStep = steadyAllocationPerStep(step, Torch.randn(16, 1, 28, 28), Torch.randint(0, 10, 16), bound);
    String what = "allocated " + perStep + " bytes per step; a quarter of the parameters is " + bound
        + "; programs built " + step.programsBuilt() + ", notes " + step.notes() + ", traces " + step.compiled().traceCount()
        + ", by thread " + lastByThread;
    if (perStep >= bound) {
      // In a JVM that has run the whole suite's kernels, C2 now and then compiles a vector loop with its vectors
      // boxed (about 2 MB per call of the conv weight gradient's column packing, on each thread running it): the
      // JIT's doing, not an array of the step's. The same step measured in a fresh JVM must still stay far below.
      long fresh = TrainStepAllocationTest.measureInFreshJvm().get("mnist_cnn_b32_sgd");
      assertTrue(fresh < bound, what + "; in a fresh JVM " + fresh);
      System.out.println("TrainStepMemoryTest: in this JVM " + what + "; in a fresh JVM " + fresh + " bytes per step");
    }
  }

  private static long paramBytes(Module m) {
    long b = 0;
    for (Tensor p : m.parameters()) b += 4L * p.numel();
    return b;
  }

  /**
   * Heap allocated by all threads per step in steady state: until the JIT has compiled the vector loops
   * (interpreted, each vector is an object), rounds of 100 steps are measured until one falls under {@code bound}:
   * at least 40 rounds, and for up to a minute (on a loaded machine the JIT's queue can take that long).
   */
  private static long steadyAllocationPerStep(TrainStep step, Tensor x, Tensor y, long bound) {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long perStep = Long.MAX_VALUE, until = System.nanoTime() + 60_000_000_000L;
    java.util.Map<String, Long> byThread = Map.of();
    for (int round = 0; (round < 40 || System.nanoTime() < until) && perStep >= bound; round++) {
      java.util.Map<Long, Long> startOf = threadBytes(mx);
      long before = mx.getTotalThreadAllocatedBytes();
      for (int i = 0; i < 100; i++) step.step(x, y);
      perStep = (mx.getTotalThreadAllocatedBytes() - before) / 100;
      byThread = perThreadPerStep(mx, startOf);
    }
    lastByThread = byThread;
    return perStep;
  }

  /** The last measured round's bytes per step by thread (for failure messages). */
  private static java.util.Map<String, Long> lastByThread = Map.of();

  private static java.util.Map<Long, Long> threadBytes(com.sun.management.ThreadMXBean mx) {
    long[] ids = mx.getAllThreadIds();
    long[] bytes = mx.getThreadAllocatedBytes(ids);
    java.util.Map<Long, Long> m = new java.util.HashMap<>();
    for (int i = 0; i < ids.length; i++) m.put(ids[i], bytes[i]);
    return m;
  }

  /** Which threads allocated, per step, since {@code startOf} (a failure names them: another test's leftover thread, say). */
  private static java.util.Map<String, Long> perThreadPerStep(com.sun.management.ThreadMXBean mx, java.util.Map<Long, Long> startOf) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (var e : threadBytes(mx).entrySet()) {
      long d = (e.getValue() - startOf.getOrDefault(e.getKey(), 0L)) / 100;
      var info = mx.getThreadInfo(e.getKey());
      if (d > 1024 && info != null) out.put(info.getThreadName() + "#" + e.getKey(), d);
    }
    return out;
  }
}
