package dev.tcompile.codegen.bytecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.DType;
import dev.tcompile.codegen.fused.FusedKernel;
import dev.tcompile.runtime.compiled.VectorKernel;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.FusedOp;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.ir.ops.GeluTanh;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.CodeSizeEvaluator;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Generated kernel loops against the interpreter's blocked loop on the same body: every op the emitter covers,
 * chains with scalar inputs and bool values, lengths around the vector size; every class passes ASM's verifier
 * and every method stays far below HotSpot's 8,000-byte JIT limit.
 */
class GeneratedKernelTest {
  private static final float[] SPECIAL = {0f, -0f, 1f, -1f, 0.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-40f, 90f};

  private static NDArray floats(Random r, int n) {
    NDArray a = NDArray.empty(DType.FLOAT32, n);
    for (int i = 0; i < n; i++) a.floats()[i] = r.nextInt(6) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) r.nextGaussian() * 3;
    return a;
  }

  private static FusedOp single(OpDef op, Attrs attrs, NDArray... in) {
    Graph body = new Graph("k");
    List<Value> vs = new ArrayList<>();
    for (int i = 0; i < in.length; i++) vs.add(body.addInput("x" + i, TensorType.of(in[i].dtype(), in[i].shape())));
    body.setOutputs(List.of(body.add(op, attrs, vs, null, null)));
    return new FusedOp(body);
  }

  /** Verifies the class file, checks method sizes, and compares generated and interpreted results. */
  private static void agree(String what, FusedOp f, int ulps, NDArray... in) {
    byte[] bytes = VectorKernelEmitter.emit(f, KernelLoader.CLASS_NAME);
    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(bytes), GeneratedKernelTest.class.getClassLoader(), false, new PrintWriter(problems));
    assertEquals("", problems.toString(), what + ": the class does not verify");
    assertTrue(maxMethodSize(bytes) < 8000, what);
    NDArray[] got = new FusedKernel(f, KernelLoader.load(f)).run(in), want = new FusedKernel(f).run(in);
    for (int o = 0; o < want.length; o++) {
      if (want[o].dtype() == DType.BOOL) { assertArrayEquals(want[o].toBoolArray(), got[o].toBoolArray(), what); continue; }
      float[] w = want[o].toFloatArray(), g = got[o].toFloatArray();
      for (int i = 0; i < w.length; i++) {
        if (Float.floatToIntBits(w[i]) == Float.floatToIntBits(g[i]) || (Float.isNaN(w[i]) && Float.isNaN(g[i]))) continue;
        assertTrue(ulps > 0 && Math.abs(w[i] - g[i]) <= ulps * Math.ulp(w[i]), what + " element " + i + ": interpreted " + w[i] + ", generated " + g[i]);
      }
    }
  }

  static int maxMethodSize(byte[] bytes) {
    int[] max = {0};
    new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
        return new CodeSizeEvaluator(null) {
          @Override public void visitEnd() { max[0] = Math.max(max[0], getMaxSize()); }
        };
      }
    }, 0);
    return max[0];
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 15, 16, 17, 1000, 70_000})
  void everyCoveredOpMatchesTheInterpreter(int n) {
    Random r = new Random(n);
    NDArray a = floats(r, n), b = floats(r, n), s = floats(r, 1);
    for (UnaryOp k : new UnaryOp[]{UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SQRT, UnaryOp.NEG, UnaryOp.ABS, UnaryOp.RELU,
        UnaryOp.RECIPROCAL, UnaryOp.SIGMOID})
      agree(k.name(), single(Elementwise.unary(k), Attrs.EMPTY, a), a.numel() > 0 ? 0 : 0, a);
    for (BinaryOp k : new BinaryOp[]{BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAXIMUM, BinaryOp.MINIMUM,
        BinaryOp.EQ, BinaryOp.NE, BinaryOp.GT, BinaryOp.GE, BinaryOp.LT, BinaryOp.LE}) {
      agree(k.name(), single(Elementwise.binary(k), Attrs.EMPTY, a, b), 0, a, b);
      agree(k.name() + " scalar", single(Elementwise.binary(k), Attrs.EMPTY, a, s), 0, a, s);
    }
    agree("clamp", single(Elementwise.CLAMP, Attrs.of("min", -0.5, "max", 2.0), a), 0, a);
    agree("leaky_relu", single(Elementwise.LEAKY_RELU, Attrs.of("negative_slope", 0.1), a), 0, a);
    agree("gelu_tanh", single(GeluTanh.GELU_TANH, Attrs.EMPTY, a), 0, a);
    for (double e : new double[]{1, 2, 3, 0.5, -1, -2})
      agree("pow " + e, single(Elementwise.POW_SCALAR, Attrs.of("exponent", e), a), 0, a);
  }

  @Test void boolInputsOutputsAndWhereMatchTheInterpreter() {
    Random r = new Random(5);
    int n = 1001;
    NDArray x = floats(r, n), g = floats(r, n);
    Graph body = new Graph("relu_backward");
    Value xv = body.addInput("x", TensorType.of(DType.FLOAT32, n));
    Value gv = body.addInput("g", TensorType.of(DType.FLOAT32, n));
    Value mask = body.add1(Elementwise.binary(BinaryOp.GT), Attrs.EMPTY, xv, body.scalar(0, DType.FLOAT32));
    Value out = body.add1(Elementwise.WHERE, Attrs.EMPTY, mask, gv, body.scalar(0, DType.FLOAT32));
    Value both = body.add1(Elementwise.binary(BinaryOp.LOGICAL_AND), Attrs.EMPTY, mask,
        body.add1(Elementwise.CAST, Attrs.of("dtype", DType.BOOL), gv));
    Value asFloat = body.add1(Elementwise.CAST, Attrs.of("dtype", DType.FLOAT32), both);
    body.setOutputs(List.of(out, mask, asFloat));
    agree("relu backward", new FusedOp(body), 0, x, g);
    NDArray m = new FusedKernel(new FusedOp(body)).run(x, g)[1];
    Graph body2 = new Graph("masked");
    Value mv = body2.addInput("m", TensorType.of(DType.BOOL, n));
    Value gv2 = body2.addInput("g", TensorType.of(DType.FLOAT32, n));
    body2.setOutputs(List.of(body2.add1(Elementwise.WHERE, Attrs.EMPTY, mv, gv2, body2.scalar(0, DType.FLOAT32))));
    agree("bool input", new FusedOp(body2), 0, m, g);
  }

  /** An optimiser's first-step flag: a bool scalar choosing between two values for every element. */
  @Test void boolScalarMasksMatchTheInterpreter() {
    Random r = new Random(9);
    int n = 777;
    NDArray buf = floats(r, n), g = floats(r, n);
    Graph body = new Graph("momentum");
    Value flag = body.addInput("first", TensorType.of(DType.BOOL));
    Value bv = body.addInput("buf", TensorType.of(DType.FLOAT32, n));
    Value gv = body.addInput("g", TensorType.of(DType.FLOAT32, n));
    Value later = body.add1(Elementwise.binary(BinaryOp.ADD), Attrs.EMPTY,
        body.add1(Elementwise.binary(BinaryOp.MUL), Attrs.EMPTY, bv, body.scalar(0.9, DType.FLOAT32)), gv);
    Value next = body.add1(Elementwise.WHERE, Attrs.EMPTY, flag, gv, later);
    body.setOutputs(List.of(next, body.add1(Elementwise.binary(BinaryOp.LOGICAL_AND), Attrs.EMPTY, flag,
        body.add1(Elementwise.binary(BinaryOp.GT), Attrs.EMPTY, gv, body.scalar(0, DType.FLOAT32)))));
    FusedOp f = new FusedOp(body);
    assertEquals(VectorKernelEmitter.InputKind.SCALAR, VectorKernelEmitter.inputKinds(f)[0], "a bool scalar is read once, as a mask");
    for (boolean first : new boolean[]{true, false}) {
      NDArray flagValue = NDArray.scalar(DType.BOOL, first ? 1 : 0);
      agree("first=" + first, f, 0, flagValue, buf, g);
      float[] got = new FusedKernel(f, KernelLoader.load(f)).run(flagValue, buf, g)[0].toFloatArray();
      assertEquals(first ? g.floats()[5] : buf.floats()[5] * 0.9f + g.floats()[5], got[5]);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 40})
  void sumEpiloguesOfGeneratedLoopsMatchTheInterpreter(int n) {
    Random r = new Random(n);
    int[] shape = {n, 3, 37, 11};
    Graph body = new Graph("sums");
    Value x = body.addInput("x", TensorType.of(DType.FLOAT32, shape));
    Value y = body.add1(Elementwise.unary(UnaryOp.TANH), Attrs.EMPTY, x);
    Value all = body.add1(dev.tcompile.ir.ops.Reductions.SUM, Attrs.EMPTY, y);
    Value some = body.add1(dev.tcompile.ir.ops.Reductions.SUM, Attrs.of("dims", new int[]{0, 2, 3}, "keepdim", false), y);
    body.setOutputs(List.of(all, y, some));
    FusedOp f = new FusedOp(body);
    NDArray xs = NDArray.empty(DType.FLOAT32, shape);
    for (int i = 0; i < xs.numel(); i++) xs.floats()[i] = (float) r.nextGaussian();
    NDArray[] got = new FusedKernel(f, KernelLoader.load(f)).run(xs), want = new FusedKernel(f).run(xs);
    assertArrayEquals(want[1].toFloatArray(), got[1].toFloatArray());
    for (int o : new int[]{0, 2}) {
      float[] w = want[o].toFloatArray(), g = got[o].toFloatArray();
      for (int i = 0; i < w.length; i++) assertEquals(w[i], g[i], 2 * Math.ulp(w[i]), "sum " + o + " element " + i);
    }
  }

  @Test void kernelsAreHiddenClassesThatUnloadWhenNoLongerUsed() throws Exception {
    List<java.lang.ref.WeakReference<Class<?>>> classes = new ArrayList<>();
    for (int n = 1; n <= 300; n++) {   // 300 distinct shapes, each its own kernel
      NDArray a = floats(new Random(n), n);
      VectorKernel k = KernelLoader.load(single(Elementwise.unary(UnaryOp.TANH), Attrs.EMPTY, a));
      assertTrue(k.getClass().isHidden());
      classes.add(new java.lang.ref.WeakReference<>(k.getClass()));
    }
    long alive = 300;
    for (int gc = 0; gc < 20 && alive > 0; gc++) {
      System.gc();
      Thread.sleep(20);
      alive = classes.stream().filter(r -> r.get() != null).count();
    }
    assertEquals(0, alive, "hidden kernel classes still loaded after their instances were dropped");
  }

  private static NDArray shaped(Random r, int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    return floats(r, n).view(shape, dev.tcompile.runtime.Shapes.contiguousStrides(shape), 0);
  }

  /** {@code (x * a + b) / c} over x's shape, a, b, c broadcast: one body with several broadcast inputs. */
  private static FusedOp chain(NDArray x, NDArray a, NDArray b, NDArray c) {
    Graph body = new Graph("k");
    Value vx = body.addInput("x", TensorType.of(DType.FLOAT32, x.shape()));
    Value va = body.addInput("a", TensorType.of(DType.FLOAT32, a.shape()));
    Value vb = body.addInput("b", TensorType.of(DType.FLOAT32, b.shape()));
    Value vc = body.addInput("c", TensorType.of(DType.FLOAT32, c.shape()));
    Value m = body.add(Elementwise.binary(BinaryOp.MUL), Attrs.EMPTY, List.of(vx, va), null, null)[0];
    Value s = body.add(Elementwise.binary(BinaryOp.ADD), Attrs.EMPTY, List.of(m, vb), null, null)[0];
    body.setOutputs(List.of(body.add(Elementwise.binary(BinaryOp.DIV), Attrs.EMPTY, List.of(s, vc), null, null)));
    return new FusedOp(body);
  }

  /**
   * Broadcast inputs (a bias over rows, per-channel and per-row values) are read by the generated row loop: rows
   * shorter and longer than a vector, rows that chunk boundaries (32,768 elements) cut, every lane of each row's
   * masked last vector.
   */
  @ParameterizedTest
  @ValueSource(ints = {4, 10, 16, 17, 33, 784})
  void broadcastInputsAreReadByTheGeneratedRowLoop(int c) {
    Random r = new Random(c);
    int n = 70_000 / c + 3;
    NDArray x = shaped(r, n, c), bias = shaped(r, c), rowStat = shaped(r, n, 1), s = floats(r, 1);
    FusedOp f = single(Elementwise.binary(BinaryOp.ADD), Attrs.EMPTY, x, bias);
    assertEquals(VectorKernelEmitter.InputKind.ROW, VectorKernelEmitter.inputKinds(f)[1]);
    agree("[N, C] + [C], C = " + c, f, 0, x, bias);
    FusedOp g = single(Elementwise.binary(BinaryOp.SUB), Attrs.EMPTY, x, rowStat);
    assertEquals(VectorKernelEmitter.InputKind.COL, VectorKernelEmitter.inputKinds(g)[1]);
    agree("[N, C] - [N, 1], C = " + c, g, 0, x, rowStat);
    agree("x * [C] + [N, 1] / scalar, C = " + c, chain(x, bias, rowStat, s), 0, x, bias, rowStat, s);
    assertEquals((long) n * c, elementsGenerated(f, x, bias), "the generated loop ran every element");
  }

  /** How many elements the generated kernel computed (the rest ran in the interpreter's loop). */
  private static long elementsGenerated(FusedOp f, NDArray... in) {
    VectorKernel k = KernelLoader.load(f);
    long[] done = {0};
    VectorKernel counting = new VectorKernel() {
      @Override public int run(float[][] fin, boolean[][] bin, int[] off, float[] scalars, float[][] fout, boolean[][] bout, float[] scratch, int from, int to) {
        int stop = k.run(fin, bin, off, scalars, fout, bout, scratch, from, to);
        synchronized (done) { done[0] += stop - from; }
        return stop;
      }
      @Override public long[] broadcastInputNumels() { return k.broadcastInputNumels(); }
    };
    new FusedKernel(f, counting).run(in);
    return done[0];
  }

  @Test void perChannelValuesOverImagesAreReadPerRow() {
    Random r = new Random(7);
    NDArray x = shaped(r, 5, 6, 7, 9), ch = shaped(r, 6, 1, 1), w = shaped(r, 9), nc = shaped(r, 5, 6, 1, 1);
    FusedOp f = chain(x, ch, w, nc);
    assertArrayEquals(new VectorKernelEmitter.InputKind[]{VectorKernelEmitter.InputKind.DENSE, VectorKernelEmitter.InputKind.COL,
        VectorKernelEmitter.InputKind.ROW, VectorKernelEmitter.InputKind.COL}, VectorKernelEmitter.inputKinds(f));
    agree("[N, C, H, W] * [C, 1, 1] + [W] / [N, C, 1, 1]", f, 0, x, ch, w, nc);
    // [N, 1, W] over [N, C, W]: neither one row for all rows nor one value per row of any split
    NDArray y = shaped(r, 5, 6, 9), gap = shaped(r, 5, 1, 9);
    var e = assertThrows(VectorKernelEmitter.Unsupported.class, () -> KernelLoader.load(single(Elementwise.binary(BinaryOp.ADD), Attrs.EMPTY, y, gap)));
    assertTrue(e.getMessage().contains("broadcast"), e.getMessage());
    agree("a bias given as a non-contiguous view runs in the interpreter's loop", single(Elementwise.binary(BinaryOp.ADD), Attrs.EMPTY, y, shaped(r, 9)),
        0, y, shaped(r, 9, 2).view(new int[]{9}, new int[]{2}, 1));
  }

  @Test void bodiesTheEmitterDoesNotCoverAreRefusedWithTheReason() {
    NDArray a = floats(new Random(1), 8);
    var e = assertThrows(VectorKernelEmitter.Unsupported.class, () -> KernelLoader.load(single(Elementwise.unary(UnaryOp.SIN), Attrs.EMPTY, a)));
    assertTrue(e.getMessage().contains("sin"), e.getMessage());
    for (UnaryOp k : new UnaryOp[]{UnaryOp.ERF, UnaryOp.GELU}) {
      var b = assertThrows(VectorKernelEmitter.Unsupported.class, () -> KernelLoader.load(single(Elementwise.unary(k), Attrs.EMPTY, a)));
      assertTrue(b.getMessage().contains("blocked loop"), b.getMessage());
    }
    var p = assertThrows(VectorKernelEmitter.Unsupported.class, () -> KernelLoader.load(single(Elementwise.POW_SCALAR, Attrs.of("exponent", 2.5), a)));
    assertTrue(p.getMessage().contains("2.5"), p.getMessage());
  }
}
