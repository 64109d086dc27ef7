package dev.tcompile.bench;

import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.kernels.Gemm;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/** sgemm C = A B, square n x n, row-major, beta = 0; GFLOPS = 2 n^3 / time. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class GemmBench {
  @Param({"128", "256", "512", "1024"}) public int n;
  @Param({"1", "2"}) public int threads;

  float[] a, b, c;

  @Setup public void setup() {
    Parallel.setThreads(threads);
    Random r = new Random(42);
    a = new float[n * n]; b = new float[n * n]; c = new float[n * n];
    for (int i = 0; i < n * n; i++) { a[i] = r.nextFloat() - 0.5f; b[i] = r.nextFloat() - 0.5f; }
  }

  @Benchmark public float[] sgemm() {
    Gemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    return c;
  }
}
