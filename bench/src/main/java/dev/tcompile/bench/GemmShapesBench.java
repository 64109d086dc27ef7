package dev.tcompile.bench;

import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.kernels.Gemm;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * sgemm on the training steps' matrix products, with their transposes: the MLP 784-512-512-10 and the MNIST CNN's
 * fully connected layers (800-500-10) at batch 64 (and 32 for the first layer). Case names are
 * {@code <op(A)><op(B)>_<m>x<n>x<k>}: NT = x W^T (forward), NN = g W (input gradient), TN = g^T x (weight
 * gradient). Row-major, beta = 0, into a preallocated C.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class GemmShapesBench {
  @Param({"NT_64x512x784", "NT_64x512x512", "NT_64x10x512", "NN_64x784x512", "NN_64x512x512", "NN_64x512x10",
      "TN_512x784x64", "TN_512x512x64", "TN_10x512x64", "NT_64x500x800", "NN_64x800x500", "TN_500x800x64",
      "NT_32x500x800", "NN_32x800x500", "TN_500x800x32"})
  public String shape;
  @Param({"1", "2"}) public int threads;

  boolean ta, tb;
  int m, n, k;
  float[] a, b, c;

  @Setup public void setup() {
    Parallel.setThreads(threads);
    String[] parts = shape.split("_");
    ta = parts[0].charAt(0) == 'T';
    tb = parts[0].charAt(1) == 'T';
    String[] dims = parts[1].split("x");
    m = Integer.parseInt(dims[0]);
    n = Integer.parseInt(dims[1]);
    k = Integer.parseInt(dims[2]);
    Random r = new Random(42);
    a = new float[m * k];
    b = new float[k * n];
    c = new float[m * n];
    for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
    for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
  }

  @Benchmark public float[] sgemm() {
    Gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
    return c;
  }
}
