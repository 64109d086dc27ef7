package dev.tcompile.bench;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.Reduce;
import dev.tcompile.runtime.kernels.Pointwise;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * exp / log (of |x|) / tanh / sigmoid / gelu over 1M floats (standard normal inputs) into a preallocated output, beside a plain copy of
 * the same size; GB/s counts 8 bytes (one read, one write) per element. The eager-shaped rows (mulScalar, add,
 * relu, sum, and the strided mulTransposed, addSliced, tanhSliced) go through the NDArray kernels as an eager op
 * does, fresh output included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class PointwiseBench {
  @Param({"1", "2"}) public int threads;
  static final int N = 1 << 20;
  float[] x, xabs, y;
  NDArray xa, ya, half, one, xt, sliced;
  static final boolean[] ALL = {true};

  @Setup public void setup() {
    Parallel.setThreads(threads);
    Random r = new Random(42);
    x = new float[N]; y = new float[N];
    for (int i = 0; i < N; i++) x[i] = (float) r.nextGaussian();
    xabs = new float[N];
    for (int i = 0; i < N; i++) xabs[i] = Math.abs(x[i]);
    xa = NDArray.wrap(x.clone(), N);
    ya = NDArray.wrap(x.clone(), N);
    half = NDArray.scalar(DType.FLOAT32, 0.5);
    one = NDArray.scalar(DType.FLOAT32, 1);
    xt = xa.view(new int[]{1024, 1024}, new int[]{1, 1024}, 0);                 // x.view(1024, 1024).t()
    float[] wide = new float[2 * N];
    for (int i = 0; i < wide.length; i++) wide[i] = (float) r.nextGaussian();
    sliced = NDArray.wrap(wide, 1024, 2048).view(new int[]{1024, 1024}, new int[]{2048, 2}, 0);   // w[:, ::2]
  }

  @Benchmark public float[] copy() { System.arraycopy(x, 0, y, 0, N); return y; }
  @Benchmark public float[] exp() { Pointwise.unaryDense(UnaryOp.EXP, x, y, N); return y; }
  @Benchmark public float[] log() { Pointwise.unaryDense(UnaryOp.LOG, xabs, y, N); return y; }
  @Benchmark public float[] tanh() { Pointwise.unaryDense(UnaryOp.TANH, x, y, N); return y; }
  @Benchmark public float[] gelu() { Pointwise.unaryDense(UnaryOp.GELU, x, y, N); return y; }
  @Benchmark public NDArray mulScalar() { return Pointwise.binary(BinaryOp.MUL, xa, half, DType.FLOAT32); }
  @Benchmark public NDArray add() { return Pointwise.binary(BinaryOp.ADD, xa, ya, DType.FLOAT32); }
  @Benchmark public NDArray relu() { return Pointwise.unary(UnaryOp.RELU, xa); }
  @Benchmark public NDArray sum() { return Reduce.reduce(Reduce.Kind.SUM, xa, ALL, false); }
  /** Strided operands (non-contiguous views), fresh output: {@code x.t().mul(y)} and {@code w[:, ::2].add(1)}. */
  @Benchmark public NDArray mulTransposed() { return Pointwise.binary(BinaryOp.MUL, xt, ya.view(new int[]{1024, 1024}, new int[]{1024, 1}, 0), DType.FLOAT32); }
  @Benchmark public NDArray addSliced() { return Pointwise.binary(BinaryOp.ADD, sliced, one, DType.FLOAT32); }
  @Benchmark public NDArray tanhSliced() { return Pointwise.unary(UnaryOp.TANH, sliced); }
  @Benchmark public float[] sigmoid() { Pointwise.unaryDense(UnaryOp.SIGMOID, x, y, N); return y; }
}
