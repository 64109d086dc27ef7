package dev.tcompile.bench;

import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.kernels.*;
import java.util.*;
/**
 * Median per-call CPU time of the calling thread (one kernel thread) after a warm-up, for a shared machine where
 * wall-clock JMH measures the other tenants: pointwise functions (erf, GELU and its backward too), strided operands,
 * conv forward, max-pool backward and softmax / log_softmax.
 * {@code java -cp bench/target/benchmarks.jar dev.tcompile.bench.KernelCpuTime LABEL exp,log,tanh,...}; prints
 * "LABEL case microseconds" lines; a case {@code conv.SHAPE.PASS} times {@link ConvBench}'s SHAPE and PASS. {@code bench/python/kernel_cpu_time.py} times the same cases in PyTorch.
 */
public class KernelCpuTime {
  static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();
  static double median(Runnable r, double warm, double meas) {
    long t0 = MX.getCurrentThreadCpuTime();
    while (MX.getCurrentThreadCpuTime() - t0 < warm * 1e9) r.run();
    ArrayList<Long> ts = new ArrayList<>();
    t0 = MX.getCurrentThreadCpuTime();
    while (MX.getCurrentThreadCpuTime() - t0 < meas * 1e9) { long a = MX.getCurrentThreadCpuTime(); r.run(); ts.add(MX.getCurrentThreadCpuTime() - a); }
    Collections.sort(ts);
    return ts.get(ts.size() / 2) / 1e3;
  }
  static NDArray rand(Random r, int... s) { int n = 1; for (int v : s) n *= v; float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = r.nextFloat() - 0.5f; return NDArray.wrap(a, s); }
  public static void main(String[] args) {
    Parallel.setThreads(1);
    String label = args[0];
    int N = 1 << 20;
    Random r = new Random(42);
    float[] x = new float[N], xa = new float[N], y = new float[N];
    for (int i = 0; i < N; i++) { x[i] = (float) r.nextGaussian(); xa[i] = Math.abs(x[i]); }
    for (String part : args[1].split(",")) {
      double us = switch (part) {
        case "exp" -> median(() -> Pointwise.unaryDense(UnaryOp.EXP, x, y, N), 1.5, 1.5);
        case "log" -> median(() -> Pointwise.unaryDense(UnaryOp.LOG, xa, y, N), 1.5, 1.5);
        case "tanh" -> median(() -> Pointwise.unaryDense(UnaryOp.TANH, x, y, N), 1.5, 1.5);
        case "sigmoid" -> median(() -> Pointwise.unaryDense(UnaryOp.SIGMOID, x, y, N), 1.5, 1.5);
        case "gelu" -> median(() -> Pointwise.unaryDense(UnaryOp.GELU, x, y, N), 1.5, 1.5);
        case "erf" -> median(() -> Pointwise.unaryDense(UnaryOp.ERF, x, y, N), 1.5, 1.5);
        case "geluBackward" -> median(() -> VectorMath.geluBackward(xa, 0, x, 0, y, 0, N), 1.5, 1.5);
        case "maxPoolBackward_64x20x24x24", "maxPoolBackward_64x50x8x8" -> {
          // MNIST CNN's two poolings (2x2, stride 2): the gradient scattered to the recorded maxima
          int[] s = part.endsWith("20x24x24") ? new int[]{64, 20, 24, 24} : new int[]{64, 50, 8, 8};
          NDArray[] o = Pool2d.maxForward(rand(new Random(3), s), Pool2d.Params.of(2, 2, 0, false));
          NDArray gout = rand(new Random(4), o[0].shape());
          yield median(() -> Pool2d.maxBackward(gout, o[1], s), 1.5, 1.5);
        }
        case "conv_d31", "conv_p42", "conv_s2" -> {
          Random rr = new Random(1);
          NDArray cx = rand(rr, 20, 16, 50, 100), cw = rand(rr, part.equals("conv_s2") ? new int[]{33, 16, 3, 3} : new int[]{33, 16, 3, 5});
          Conv2d.Params p = part.equals("conv_d31") ? new Conv2d.Params(2, 1, 4, 2, 3, 1, 1)
              : part.equals("conv_p42") ? new Conv2d.Params(2, 1, 4, 2, 1, 1, 1) : new Conv2d.Params(2, 2, 0, 0, 1, 1, 1);
          yield median(() -> Conv2d.forward(cx, cw, null, p), 2, 2);
        }
        case "softmax_64x1000", "logSoftmax_64x1000", "softmax_1024x1024", "logSoftmax_1024x1024", "softmax_4096x10",
             "softmaxDim1_32x100x64", "logSoftmaxDim1_32x100x64" -> {
          // float32 softmax / log_softmax, rows along the last dim (classifier logits, attention rows) or along dim 1
          String[] c = part.split("_");
          int[] s = Arrays.stream(c[1].split("x")).mapToInt(Integer::parseInt).toArray();
          NDArray in = rand(new Random(5), s);
          float[] v = in.floats();
          for (int i = 0; i < v.length; i++) v[i] *= 8; // logits in [-4, 4)
          boolean log = c[0].startsWith("log");
          int dim = c[0].endsWith("Dim1") ? 1 : s.length - 1;
          yield median(() -> Softmax.forward(in, dim, log), 1.5, 1.5);
        }
        case "mulTransposed", "addSliced", "tanhSliced" -> {
          NDArray xt = NDArray.wrap(x.clone(), N).view(new int[]{1024, 1024}, new int[]{1, 1024}, 0), ym = NDArray.wrap(xa.clone(), 1024, 1024);
          float[] wide = new float[2 * N];
          for (int i = 0; i < wide.length; i++) wide[i] = (float) r.nextGaussian();
          NDArray sl = NDArray.wrap(wide, 1024, 2048).view(new int[]{1024, 1024}, new int[]{2048, 2}, 0);
          NDArray one = NDArray.scalar(dev.tcompile.DType.FLOAT32, 1);
          Runnable run = part.equals("mulTransposed") ? () -> Pointwise.binary(BinaryOp.MUL, xt, ym, dev.tcompile.DType.FLOAT32)
              : part.equals("addSliced") ? () -> Pointwise.binary(BinaryOp.ADD, sl, one, dev.tcompile.DType.FLOAT32) : () -> Pointwise.unary(UnaryOp.TANH, sl);
          yield median(run, 1.5, 1.5);
        }
        default -> {
          // conv.SHAPE.PASS: ConvBench's case SHAPE (forward, backwardInput or backwardWeight) on one thread
          String[] c = part.split("\\.");
          if (c.length != 3 || !c[0].equals("conv")) throw new IllegalArgumentException(part);
          ConvBench b = new ConvBench();
          b.shape = c[1];
          b.threads = 1;
          b.setup();
          Runnable run = switch (c[2]) {
            case "forward" -> b::forward;
            case "backwardInput" -> b::backwardInput;
            case "backwardWeight" -> b::backwardWeight;
            default -> throw new IllegalArgumentException(part);
          };
          yield median(run, 2, 2);
        }
      };
      System.out.printf("%s %s %.1f%n", label, part, us);
    }
  }
}
