package dev.tcompile.goldens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.runtime.NDArray;

/**
 * Rebuilds golden tensors in Java and compares results with them.
 *
 * <p>Tolerances. "Exact" ops (IEEE add/sub/mul/div/sqrt, data movement, comparisons, selections) must
 * reproduce PyTorch's bits: both sides perform the same single correctly rounded operation per element.
 * Everything else — transcendental functions (PyTorch uses SLEEF's 1-ulp vector kernels, Java the correctly
 * rounded double functions), reductions (PyTorch sums float32 in a cascade, we accumulate in double, so the
 * two differ by PyTorch's rounding error) and gradients (derivative formulas equal up to rounding order) — is
 * compared with torch.testing.assert_close's float32 defaults, rtol 1.3e-6 and atol 1e-5, plus the golden's
 * "slack": how far PyTorch's own float32 answer lies from the float64 one beyond rtol (tools/goldens/ops.py
 * measures it). It is 0 except where float32 accumulation order matters: our sums accumulate in double, so we
 * sit near the float64 answer and may be up to that far from PyTorch's.
 */
final class GoldenTensors {
  private GoldenTensors() {}

  static final double RTOL = 1.3e-6, ATOL = 1e-5;

  static DType dtype(String name) {
    return switch (name) {
      case "float32" -> DType.FLOAT32;
      case "float64" -> DType.FLOAT64;
      case "int64" -> DType.INT64;
      case "bool" -> DType.BOOL;
      default -> throw new IllegalArgumentException(name);
    };
  }

  static int[] ints(JsonArray a) {
    int[] r = new int[a.size()];
    for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsInt();
    return r;
  }

  /** A flat array of the given dtype from JSON values (float32 as int bit patterns, float64 as 16 hex digits). */
  static NDArray flat(DType dtype, JsonArray values) {
    int n = values.size();
    return switch (dtype) {
      case FLOAT32 -> {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = Float.intBitsToFloat(values.get(i).getAsInt());
        yield NDArray.wrap(v, n);
      }
      case FLOAT64 -> {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = Double.longBitsToDouble(Long.parseUnsignedLong(values.get(i).getAsString(), 16));
        yield NDArray.wrap(v, n);
      }
      case INT64 -> {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = values.get(i).getAsLong();
        yield NDArray.wrap(v, n);
      }
      case BOOL -> {
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) v[i] = values.get(i).getAsBoolean();
        yield NDArray.wrap(v, n);
      }
    };
  }

  /** A dense golden tensor ({dtype, shape, values}) as a fresh leaf. */
  static Tensor dense(JsonObject t) {
    NDArray f = flat(dtype(t.get("dtype").getAsString()), t.getAsJsonArray("values"));
    int[] shape = ints(t.getAsJsonArray("shape"));
    return Tensor.wrap(f.view(shape, dev.tcompile.runtime.Shapes.contiguousStrides(shape), 0));
  }

  /** A golden input: the leaf with PyTorch's exact geometry (possibly a non-contiguous view of its storage). */
  static Tensor leaf(JsonObject t) {
    NDArray storage = flat(dtype(t.get("dtype").getAsString()), t.getAsJsonArray("storage"));
    NDArray view = storage.view(ints(t.getAsJsonArray("shape")), ints(t.getAsJsonArray("strides")), t.get("offset").getAsInt());
    Tensor x = Tensor.wrap(view);
    if (t.get("requires_grad").getAsBoolean()) x.requiresGrad_(true);
    return x;
  }

  /** The leaf's "through" view ops, applied after it so that gradients flow back through them. */
  static Tensor through(Tensor leaf, JsonObject t) {
    Tensor x = leaf;
    for (JsonElement e : t.getAsJsonArray("through")) {
      JsonArray r = e.getAsJsonArray();
      x = switch (r.get(0).getAsString()) {
        case "t" -> x.t();
        case "transpose" -> x.transpose(r.get(1).getAsInt(), r.get(2).getAsInt());
        case "slice" -> x.slice(r.get(1).getAsInt(), r.get(2).getAsInt(), r.get(3).getAsInt(), r.get(4).getAsInt());
        case "expand" -> x.expand(ints(r.get(1).getAsJsonArray()));
        default -> throw new IllegalArgumentException("unknown view recipe " + r);
      };
    }
    return x;
  }

  /** Asserts dtype, shape and values; floats exactly (bit for bit, any NaN equal) or within the tolerance. */
  static void assertMatches(String what, JsonObject expected, Tensor actual, boolean exact) {
    if (actual == null) fail(what + ": expected a tensor, got null");
    DType dt = dtype(expected.get("dtype").getAsString());
    assertEquals(dt, actual.dtype(), what + ": dtype");
    assertArrayEquals(ints(expected.getAsJsonArray("shape")), actual.shapeArray(), what + ": shape");
    JsonArray values = expected.getAsJsonArray("values");
    double slack = expected.has("slack") ? expected.get("slack").getAsDouble() : 0;
    switch (dt) {
      case FLOAT32 -> {
        float[] got = actual.toFloatArray();
        for (int i = 0; i < got.length; i++) {
          float want = Float.intBitsToFloat(values.get(i).getAsInt());
          if (!(exact ? sameBits(want, got[i]) : close(want, got[i], slack)))
            fail(what + ": element " + i + " is " + got[i] + " (bits " + Integer.toHexString(Float.floatToRawIntBits(got[i]))
                + "), PyTorch gives " + want + " (bits " + Integer.toHexString(Float.floatToRawIntBits(want)) + ")"
                + (exact ? " [exact]" : " [rtol " + RTOL + ", atol " + ATOL + ", slack " + slack + "]"));
        }
      }
      case FLOAT64 -> {
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < got.length; i++) {
          double want = Double.longBitsToDouble(Long.parseUnsignedLong(values.get(i).getAsString(), 16));
          if (!(exact ? sameBits(want, got[i]) : close64(want, got[i])))
            fail(what + ": element " + i + " is " + got[i] + ", PyTorch gives " + want
                + (exact ? " [exact]" : " [rtol " + RTOL64 + ", atol " + ATOL64 + "]"));
        }
      }
      case INT64 -> {
        long[] got = actual.toLongArray();
        for (int i = 0; i < got.length; i++) assertEquals(values.get(i).getAsLong(), got[i], what + ": element " + i);
      }
      case BOOL -> {
        boolean[] got = actual.toBoolArray();
        for (int i = 0; i < got.length; i++) assertEquals(values.get(i).getAsBoolean(), got[i], what + ": element " + i);
      }
    }
  }

  /**
   * float64 tolerances: a few ulps of double in relative terms (Java's Math functions against SLEEF/glibc, and our
   * summation order against ATen's cascade), far tighter than any float32 computation could meet.
   */
  static final double RTOL64 = 1e-12, ATOL64 = 1e-14;

  static boolean sameBits(double want, double got) {
    return Double.isNaN(want) ? Double.isNaN(got) : Double.doubleToRawLongBits(want) == Double.doubleToRawLongBits(got);
  }

  static boolean close64(double want, double got) {
    if (Double.isNaN(want) || Double.isNaN(got)) return Double.isNaN(want) && Double.isNaN(got);
    if (Double.isInfinite(want) || Double.isInfinite(got)) return want == got;
    return Math.abs(want - got) <= ATOL64 + RTOL64 * Math.abs(want);
  }

  static boolean sameBits(float want, float got) {
    return Float.isNaN(want) ? Float.isNaN(got) : Float.floatToRawIntBits(want) == Float.floatToRawIntBits(got);
  }

  static boolean close(float want, float got, double slack) {
    if (Float.isNaN(want) || Float.isNaN(got)) return Float.isNaN(want) && Float.isNaN(got);
    if (Float.isInfinite(want) || Float.isInfinite(got)) return want == got;
    return Math.abs((double) want - got) <= ATOL + RTOL * Math.abs(want) + slack;
  }
}
