package dev.tcompile.codegen.fused;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.DType;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.FusedOp;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.ops.Creation;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.ir.ops.GeluTanh;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every op body, run by the blocked vector loop, against the op's own eager kernel ({@code FusedOp.eval} runs the
 * body node by node with those kernels): special values, broadcast and strided inputs, lengths around the block
 * and vector sizes, one and two threads.
 */
class FusedKernelTest {
  private static final float[] SPECIAL = {0f, -0f, 1f, -1f, 0.5f, -2.5f, 3f, 1e-30f, -1e30f, Float.NaN,
      Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-45f, 88.7f, -103f, 7f};

  private static NDArray randomFloats(Random r, int... shape) {
    NDArray a = NDArray.empty(DType.FLOAT32, shape);
    float[] d = a.floats();
    for (int i = 0; i < d.length; i++) d[i] = r.nextInt(8) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) (r.nextGaussian() * 2);
    return a;
  }

  private static NDArray randomBools(Random r, int... shape) {
    NDArray a = NDArray.empty(DType.BOOL, shape);
    for (int i = 0; i < a.numel(); i++) a.bools()[i] = r.nextBoolean();
    return a;
  }

  /** One-node kernel {@code op(inputs)}, its blocked loop and its reference results. */
  private static NDArray[] both(OpDef op, Attrs attrs, NDArray... in) {
    Graph body = new Graph("k");
    List<Value> vs = new ArrayList<>();
    for (int i = 0; i < in.length; i++) vs.add(body.addInput("x" + i, TensorType.of(in[i].dtype(), in[i].shape())));
    body.setOutputs(List.of(body.add(op, attrs, vs, null, null)));
    FusedOp f = new FusedOp(body);
    NDArray got = new FusedKernel(f).run(in)[0];
    NDArray want = op.eval(attrs, in)[0];
    return new NDArray[]{got, want};
  }

  /** Bit-equal, except transcendental results which may differ by 2 ulp between vector and scalar paths. */
  private static void assertAgree(String what, NDArray got, NDArray want, int ulps) {
    assertEquals(want.dtype(), got.dtype(), what);
    assertArrayEquals(want.shape(), got.shape(), what);
    if (want.dtype() == DType.BOOL) { assertArrayEquals(want.toBoolArray(), got.toBoolArray(), what); return; }
    float[] w = want.toFloatArray(), g = got.toFloatArray();
    for (int i = 0; i < w.length; i++) {
      if (Float.isNaN(w[i]) && Float.isNaN(g[i])) continue;
      if (Float.floatToIntBits(w[i]) == Float.floatToIntBits(g[i])) continue;
      float tol = ulps * Math.ulp(w[i]);
      assertTrue(ulps > 0 && Math.abs(w[i] - g[i]) <= tol, what + " element " + i + ": kernel " + w[i] + ", fused " + g[i]);
    }
  }

  private static boolean transcendental(UnaryOp k) {
    return switch (k) { case NEG, ABS, RELU, RECIPROCAL, SIGN, FLOOR, CEIL, ROUND -> false; default -> true; };
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 16, 511, 513, 1500, 40_000})
  void everyUnaryBodyMatchesItsKernel(int n) {
    Random r = new Random(n);
    NDArray x = randomFloats(r, n);
    for (UnaryOp k : UnaryOp.values()) {
      NDArray[] gw = both(Elementwise.unary(k), Attrs.EMPTY, x);
      assertAgree(k + " n=" + n, gw[0], gw[1], transcendental(k) ? 2 : 0);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 9, 600, 40_000})
  void everyBinaryBodyMatchesItsKernelForEveryOperandShape(int n) {
    Random r = new Random(n);
    NDArray a = randomFloats(r, n), b = randomFloats(r, n), s = randomFloats(r);
    for (BinaryOp k : BinaryOp.values()) {
      if (k.isLogical()) {
        NDArray p = randomBools(r, n), q = randomBools(r, n);
        NDArray[] gw = both(Elementwise.binary(k), Attrs.EMPTY, p, q);
        assertAgree(k.name(), gw[0], gw[1], 0);
        continue;
      }
      int ulps = k == BinaryOp.POW ? 2 : 0;
      for (NDArray[] ops : new NDArray[][]{{a, b}, {a, s}, {s, b}}) {
        NDArray[] gw = both(Elementwise.binary(k), Attrs.EMPTY, ops);
        assertAgree(k + " n=" + n, gw[0], gw[1], ulps);
      }
    }
  }

  @Test void parametrisedBodiesMatchTheirKernels() {
    Random r = new Random(3);
    NDArray x = randomFloats(r, 1037);
    check(Elementwise.POW_SCALAR, Attrs.of("exponent", 2.0), x);
    check(Elementwise.POW_SCALAR, Attrs.of("exponent", 0.37), x);
    check(Elementwise.CLAMP, Attrs.of("min", -0.5, "max", 0.75), x);
    check(Elementwise.CLAMP, Attrs.of("min", 1.0, "max", -1.0), x);
    check(Elementwise.CLAMP, Attrs.of("max", 0.0), x);
    check(Elementwise.LEAKY_RELU, Attrs.of("negative_slope", 0.01), x);
    check(GeluTanh.GELU_TANH, Attrs.EMPTY, x);
    check(Elementwise.CAST, Attrs.of("dtype", DType.BOOL), x);
    check(Elementwise.CAST, Attrs.of("dtype", DType.FLOAT32), randomBools(r, 77));
    check(Elementwise.WHERE, Attrs.EMPTY, randomBools(r, 1037), x, randomFloats(r, 1037));
    check(Elementwise.WHERE, Attrs.EMPTY, randomBools(r, 1037), x, randomFloats(r));
    check(Views.EXPAND, Attrs.of("shape", new int[]{5, 1037}), x);
    check(Creation.FULL_LIKE, Attrs.of("value", 2.5), x);
  }

  private static void check(OpDef op, Attrs a, NDArray... in) {
    NDArray[] gw = both(op, a, in);
    assertAgree(op.name() + " " + a, gw[0], gw[1], op == GeluTanh.GELU_TANH || op == Elementwise.POW_SCALAR ? 2 : 0);
  }

  /** x * b + c with b a row, c a column and x transposed: gathers through every kind of stride. */
  private static FusedOp broadcastChain(int rows, int cols) {
    Graph body = new Graph("chain");
    Value x = body.addInput("x", TensorType.of(DType.FLOAT32, rows, cols));
    Value b = body.addInput("b", TensorType.of(DType.FLOAT32, cols));
    Value c = body.addInput("c", TensorType.of(DType.FLOAT32, rows, 1));
    Value m = body.add1(Elementwise.MUL, Attrs.EMPTY, x, b);
    Value s = body.add1(Elementwise.ADD, Attrs.EMPTY, m, c);
    Value gt = body.add1(Elementwise.binary(BinaryOp.GT), Attrs.EMPTY, s, body.scalar(0, DType.FLOAT32));
    Value y = body.add1(Elementwise.WHERE, Attrs.EMPTY, gt, s, body.add1(Elementwise.unary(UnaryOp.EXP), Attrs.EMPTY, s));
    body.setOutputs(List.of(y, gt));
    return new FusedOp(body);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 33, 257})
  void broadcastAndTransposedInputsAreGatheredCorrectly(int rows) {
    int cols = 131;
    Random r = new Random(rows);
    NDArray xt = randomFloats(r, cols, rows);
    NDArray x = xt.view(new int[]{rows, cols}, new int[]{1, rows}, 0);      // a transposed view
    NDArray b = randomFloats(r, cols), c = randomFloats(r, rows, 1);
    FusedOp f = broadcastChain(rows, cols);
    NDArray[] got = new FusedKernel(f).run(x, b, c), want = f.eval(Attrs.EMPTY, x, b, c);
    assertAgree("values", got[0], want[0], 2);
    assertAgree("mask", got[1], want[1], 0);
  }

  @Test void resultsDoNotDependOnTheThreadCount() {
    Random r = new Random(9);
    int rows = 700, cols = 131;
    NDArray x = randomFloats(r, rows, cols), b = randomFloats(r, cols), c = randomFloats(r, rows, 1);
    FusedKernel k = new FusedKernel(broadcastChain(rows, cols));
    int before = Parallel.threads();
    try {
      Parallel.setThreads(1);
      float[] one = k.run(x, b, c)[0].toFloatArray();
      Parallel.setThreads(2);
      float[] two = k.run(x, b, c)[0].toFloatArray();
      assertArrayEquals(one, two);
    } finally {
      Parallel.setThreads(before);
    }
  }

  /** exp(x) * b, and its sums over every dim, dims (0, 2) and the last dim, keepdim or not. */
  @ParameterizedTest
  @ValueSource(ints = {1, 5, 40})
  void sumEpiloguesMatchTheReductionKernelForEveryThreadCount(int n) {
    Random r = new Random(n);
    int[] shape = {n, 3, 37, 11};
    Graph body = new Graph("sums");
    Value x = body.addInput("x", TensorType.of(DType.FLOAT32, shape));
    Value b = body.addInput("b", TensorType.of(DType.FLOAT32, 11));
    Value y = body.add1(Elementwise.MUL, Attrs.EMPTY, body.add1(Elementwise.unary(UnaryOp.EXP), Attrs.EMPTY, x), b);
    Value all = body.add1(dev.tcompile.ir.ops.Reductions.SUM, Attrs.EMPTY, y);
    Value some = body.add1(dev.tcompile.ir.ops.Reductions.SUM, Attrs.of("dims", new int[]{0, 2}, "keepdim", true), y);
    Value lastDim = body.add1(dev.tcompile.ir.ops.Reductions.SUM, Attrs.of("dims", new int[]{-1}, "keepdim", false), y);
    body.setOutputs(List.of(y, all, some, lastDim));
    FusedOp f = new FusedOp(body);
    NDArray xs = NDArray.empty(DType.FLOAT32, shape), bs = randomFloats(r, 11);
    for (int i = 0; i < xs.numel(); i++) xs.floats()[i] = (float) r.nextGaussian();
    NDArray[] want = f.eval(Attrs.EMPTY, xs, bs);
    int before = Parallel.threads();
    try {
      float[][] byThreads = new float[2][];
      for (int t = 1; t <= 2; t++) {
        Parallel.setThreads(t);
        NDArray[] got = new FusedKernel(f).run(xs, bs);
        for (int i = 0; i < want.length; i++) {
          assertArrayEquals(want[i].shape(), got[i].shape());
          float[] w = want[i].toFloatArray(), g = got[i].toFloatArray();
          for (int j = 0; j < w.length; j++)
            assertEquals(w[j], g[j], 1e-5 * Math.max(1, Math.abs(w[j])), "output " + i + " element " + j);
        }
        byThreads[t - 1] = got[1].toFloatArray();
      }
      assertArrayEquals(byThreads[0], byThreads[1], "the same sum for one and two threads");
    } finally {
      Parallel.setThreads(before);
    }
  }
}
