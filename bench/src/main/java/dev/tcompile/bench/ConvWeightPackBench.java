package dev.tcompile.bench;

import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.kernels.Conv2d;
import java.lang.reflect.Method;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * What prepacking a frozen conv weight could save: conv2d's forward packs its weights into GEMM panels on every call
 * ({@code ConvGemm.packWeights}, package-private, called here by reflection exactly as the forward calls it); this
 * times that packing beside the whole forward (bias and ReLU epilogue, as a frozen program runs it) on the MNIST
 * CNN's layers at batch 1 (latency) and 64.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class ConvWeightPackBench {
  @Param({"mnist_conv1", "mnist_conv2"}) public String shape;
  @Param({"1", "64"}) public int batch;
  @Param({"2"}) public int threads;

  NDArray x, w, b;
  Conv2d.Params p = Conv2d.Params.defaults();
  Method pack;
  int oc, kk, panelRows;
  float[] packed;

  @Setup public void setup() throws ReflectiveOperationException {
    Parallel.setThreads(threads);
    Random r = new Random(42);
    switch (shape) {
      case "mnist_conv1" -> { x = ConvBench.rand(r, batch, 1, 28, 28); w = ConvBench.rand(r, 20, 1, 5, 5); }
      case "mnist_conv2" -> { x = ConvBench.rand(r, batch, 20, 12, 12); w = ConvBench.rand(r, 50, 20, 5, 5); }
      default -> throw new IllegalArgumentException(shape);
    }
    oc = w.size(0);
    kk = w.numel() / oc;
    b = ConvBench.rand(r, oc);
    Class<?> gemm = Class.forName("dev.tcompile.runtime.kernels.ConvGemm");
    Method rows = gemm.getDeclaredMethod("panelRows", int.class), computed = gemm.getDeclaredMethod("computedRows", int.class, int.class);
    rows.setAccessible(true);
    computed.setAccessible(true);
    panelRows = (int) rows.invoke(null, oc);
    packed = new float[(int) computed.invoke(null, oc, panelRows) * kk];
    pack = gemm.getDeclaredMethod("packWeights", boolean.class, float[].class, int.class, int.class, int.class, int.class, int.class,
        float[].class, int.class);
    pack.setAccessible(true);
  }

  @Benchmark public NDArray forward() { return Conv2d.forward(x, w, b, p, true); }

  @Benchmark public float[] weightPack() throws ReflectiveOperationException {
    pack.invoke(null, false, w.floats(), 0, kk, oc, kk, panelRows, packed, 0);
    return packed;
  }
}
