package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Vectorised functions against correctly rounded references (the function in double, rounded once), over a
 * sweep of float bit patterns (every 251st pattern of all 2^32, covering both signs, subnormals and all
 * exponents) plus special values. The error is counted in ulps of the reference.
 */
class VectorMathTest {
  private static final float[] SPECIALS = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
      -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f, -1f, 0.5f, -0.5f, 88.7f, 88.73f,
      -87.3f, -103.9f, -104f, 20f, -20f, 9f, -9f, 5.656f, -5.657f, 0.7071f, -0.7072f, 2.8f, -2.9f, 10f, -10f, -13.5f, -14.5f};

  /** Max ulp error of {@code op} (through {@link FloatLoops#unary}, vector body and scalar tails) vs {@code ref}. */
  private static double maxUlp(UnaryOp op, DoubleUnaryOperator ref) {
    int block = 4096 + 7; // not a multiple of the vector length: tails are exercised too
    float[] x = new float[block], y = new float[block];
    double worst = 0;
    float worstX = 0;
    long step = 251;
    int k = 0;
    // warm up so that C2 compiles the vector loops: only C2 intrinsifies the Vector API (the interpreter's
    // and C1's fallbacks compute each lane with java.lang.Math and would hide the intrinsics' errors)
    for (int i = 0; i < block; i++) x[i] = (i - block / 2) * 0.01f;
    for (int rep = 0; rep < 3000; rep++) FloatLoops.unary(op, x, 0, y, 0, block);
    for (long bits = 0; bits <= 0xFFFF_FFFFL + block * step; bits += step) {
      x[k++] = Float.intBitsToFloat((int) bits);
      if (k == block) {
        if (bits < 2 * block * step) System.arraycopy(SPECIALS, 0, x, 0, SPECIALS.length);
        FloatLoops.unary(op, x, 0, y, 0, block);
        for (int i = 0; i < block; i++) {
          double u = ulps(x[i], y[i], ref);
          if (u > worst) { worst = u; worstX = x[i]; }
        }
        k = 0;
      }
    }
    System.out.println(op + ": max " + worst + " ulp at x = " + worstX);
    return worst;
  }

  private static double ulps(float x, float got, DoubleUnaryOperator ref) {
    float e = (float) ref.applyAsDouble(x);
    if (Float.isNaN(e) || Float.isNaN(got)) return Float.isNaN(e) && Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
    if (Float.isInfinite(e) || Float.isInfinite(got)) return e == got ? 0 : Double.POSITIVE_INFINITY;
    if (e == got) return 0;
    return Math.abs((double) got - e) / Math.ulp(e);
  }

  private static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

  /**
   * PyTorch 1.13's float sigmoid, 1 / (1 + e^-x) in float: e^-x overflows to +inf for -x above 0x1.62e42ep6
   * (log of 2^128), so the result is 0 there, not the subnormal sigmoid (SigmoidGoldenTest checks the bits).
   */
  private static double pytorchSigmoid(double x) { return -x > 0x1.62e42ep6f ? 0 : sigmoid(x); }

  @Test void exp() { assertTrue(maxUlp(UnaryOp.EXP, Math::exp) <= 1); }
  @Test void log() { assertTrue(maxUlp(UnaryOp.LOG, Math::log) <= 1); }
  @Test void tanh() { assertTrue(maxUlp(UnaryOp.TANH, Math::tanh) <= 1); }
  @Test void sqrt() { assertEquals(0, maxUlp(UnaryOp.SQRT, Math::sqrt)); }
  @Test void sigmoid() { assertTrue(maxUlp(UnaryOp.SIGMOID, VectorMathTest::pytorchSigmoid) <= 2); }
  @Test void gelu() { assertTrue(maxUlp(UnaryOp.GELU, x -> x * MathFns.normalCdf(x)) <= 2); }

  @Test void geluTailsAndSpecialValues() {
    // values printed by mpmath-grade references: x * erfc(-x/sqrt 2)/2 from Python's math.erfc
    assertEquals(-7.6198530241604696e-23f, UnaryOp.GELU.apply(-10f), Math.ulp(7.6198530241604696e-23f));
    assertEquals(-1.4332578593959695e-06f, UnaryOp.GELU.apply(-5f), Math.ulp(1.4332578593959695e-06f));
    assertEquals(Float.POSITIVE_INFINITY, UnaryOp.GELU.apply(Float.POSITIVE_INFINITY));
    assertEquals(0.8413447f, UnaryOp.GELU.apply(1f), Math.ulp(0.8413447f));
    float[] v = new float[64];
    for (int i = 0; i < v.length; i++) v[i] = -12f + i * 0.37f;
    NDArray out = Pointwise.unary(UnaryOp.GELU, NDArray.wrap(v, 64));
    for (int i = 0; i < v.length; i++) assertEquals(UnaryOp.GELU.apply(v[i]), out.floats()[i], 2 * Math.ulp(UnaryOp.GELU.apply(v[i])) + Float.MIN_VALUE);
  }

  /** A strided input is gathered and computed as a dense run: the same bits as the dense path. */
  @Test void denseAndStridedPathsAgree() {
    float[] v = new float[300];
    for (int i = 0; i < v.length; i++) v[i] = (i - 150) * 0.05f;
    NDArray dense = NDArray.wrap(v, 300);
    NDArray strided = NDArray.wrap(new float[600], 600).view(new int[]{300}, new int[]{2}, 0);
    strided.copyFrom(dense);
    NDArray third = NDArray.wrap(new float[901], 901).view(new int[]{300}, new int[]{3}, 1);
    third.copyFrom(dense);
    for (UnaryOp op : new UnaryOp[]{UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.GELU, UnaryOp.LOG, UnaryOp.SQRT}) {
      float[] a = Pointwise.unary(op, dense).floats(), b = Pointwise.unary(op, strided).floats(), c = Pointwise.unary(op, third).floats();
      for (int i = 0; i < 300; i++) {
        assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), op + " stride 2 at " + i);
        assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(c[i]), op + " stride 3 at " + i);
      }
    }
    assertEquals(DType.FLOAT32, Pointwise.unary(UnaryOp.EXP, dense).dtype());
  }

  /** Every float in the ranges where tanh's float-lane form is tightest: around the switch to the exp form and saturation. */
  @Test void tanhDenseNearTheSplitAndSaturation() {
    float[][] ranges = {{VectorFns.TANH_SPLIT * 0.95f, VectorFns.TANH_SPLIT * 1.05f}, {8.9f, 9.2f}, {0x1p-13f, 0x1p-11f}};
    for (float[] r : ranges)
      for (float sign : new float[]{1f, -1f}) {
        int lo = Float.floatToRawIntBits(r[0]), hi = Float.floatToRawIntBits(r[1]);
        float[] x = new float[hi - lo + 1], y = new float[x.length];
        for (int i = 0; i < x.length; i++) x[i] = sign * Float.intBitsToFloat(lo + i);
        VectorMath.tanh(x, 0, y, 0, x.length);
        for (int i = 0; i < x.length; i++) assertTrue(ulps(x[i], y[i], Math::tanh) <= 1, "tanh(" + x[i] + ") = " + y[i]);
      }
  }

  /** An element's bits do not depend on whether it lands in a full vector or in the masked tail. */
  @Test void tailElementsGetTheVectorBodysBits() {
    int n = 200;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) Math.sin(i * 0.7) * 12;
    x[5] = Float.NaN; x[6] = -0f; x[7] = Float.NEGATIVE_INFINITY; x[8] = Float.MIN_VALUE;
    for (UnaryOp op : new UnaryOp[]{UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.LOG, UnaryOp.GELU, UnaryOp.ERF}) {
      float[] in = x.clone();
      if (op == UnaryOp.LOG) for (int i = 0; i < n; i++) in[i] = Math.abs(in[i]);
      float[] whole = new float[n];
      VectorMath.apply(op, in, 0, whole, 0, n);
      for (int off = 0; off < 20; off++)
        for (int len : new int[]{1, 3, 15, 17, 33, n - 20}) {
          float[] part = new float[len];
          VectorMath.apply(op, in, off, part, 0, len);
          for (int i = 0; i < len; i++)
            assertEquals(Float.floatToRawIntBits(whole[off + i]), Float.floatToRawIntBits(part[i]), op + " at " + (off + i) + " of a run of " + len);
        }
    }
  }

  @Test void parallelRunsMatchSerial() {
    int n = FloatLoops.PARALLEL_MIN * 3 + 5;
    float[] x = new float[n], y1 = new float[n], y2 = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) Math.sin(i) * 10;
    VectorMath.apply(UnaryOp.TANH, x, 0, y1, 0, n);
    FloatLoops.unaryParallel(UnaryOp.TANH, x, 0, y2, 0, n);
    assertArrayEquals(y1, y2);
  }
}
