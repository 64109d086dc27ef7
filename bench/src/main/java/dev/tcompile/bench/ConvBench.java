package dev.tcompile.bench;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.kernels.Conv2d;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * conv2d forward, backward-input and backward-weight (no bias) on the seed's shapes and the MNIST CNN's layers.
 * Cases: seed_3x3_s2 = Conv2d(16,33,3,stride 2) on [20,16,50,100]; seed_3x5_s21_p42 = (3,5) stride (2,1) pad (4,2);
 * seed_3x5_s21_p42_d31 = the same with dilation (3,1); mnist_conv1 = Conv2d(1,20,5) on [64,1,28,28];
 * mnist_conv2 = Conv2d(20,50,5) on [64,20,12,12].
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// AlwaysPreTouch: every call returns a fresh multi-megabyte array, and until the whole 2 GB heap has been handed
// out once (about 3 s of these benchmarks) each one lands on never-touched pages, so the kernel page-faults and
// zeroes them: a one-off cost of a new JVM (25-35% of a call) that the 1.5 s warm-up would otherwise leave in the
// first measured iterations. PyTorch's allocator reuses its freed blocks from the second call on.
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class ConvBench {
  @Param({"seed_3x3_s2", "seed_3x5_s21_p42", "seed_3x5_s21_p42_d31", "mnist_conv1", "mnist_conv2"}) public String shape;
  @Param({"1", "2"}) public int threads;

  NDArray x, w, g;
  Conv2d.Params p;

  static NDArray rand(Random r, int... s) {
    NDArray a = NDArray.empty(DType.FLOAT32, s);
    float[] d = a.floats();
    for (int i = 0; i < d.length; i++) d[i] = r.nextFloat() - 0.5f;
    return a;
  }

  @Setup public void setup() {
    Parallel.setThreads(threads);
    Random r = new Random(42);
    switch (shape) {
      case "seed_3x3_s2" -> { x = rand(r, 20, 16, 50, 100); w = rand(r, 33, 16, 3, 3); p = new Conv2d.Params(2, 2, 0, 0, 1, 1, 1); }
      case "seed_3x5_s21_p42" -> { x = rand(r, 20, 16, 50, 100); w = rand(r, 33, 16, 3, 5); p = new Conv2d.Params(2, 1, 4, 2, 1, 1, 1); }
      case "seed_3x5_s21_p42_d31" -> { x = rand(r, 20, 16, 50, 100); w = rand(r, 33, 16, 3, 5); p = new Conv2d.Params(2, 1, 4, 2, 3, 1, 1); }
      case "mnist_conv1" -> { x = rand(r, 64, 1, 28, 28); w = rand(r, 20, 1, 5, 5); p = Conv2d.Params.defaults(); }
      case "mnist_conv2" -> { x = rand(r, 64, 20, 12, 12); w = rand(r, 50, 20, 5, 5); p = Conv2d.Params.defaults(); }
      default -> throw new IllegalArgumentException(shape);
    }
    g = rand(r, Conv2d.forward(x, w, null, p).shape());
  }

  @Benchmark public NDArray forward() { return Conv2d.forward(x, w, null, p); }
  @Benchmark public NDArray backwardInput() { return Conv2d.backwardInput(g, w, x.shape(), p); }
  @Benchmark public NDArray backwardWeight() { return Conv2d.backwardWeight(g, x, w.shape(), p); }
}
