package dev.tcompile.runtime;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import java.util.Arrays;

/**
 * A strided view over a primitive array: the value type every kernel reads and writes. No autograd, no
 * tracing: those live above, in the frontend. Views share {@link #data()}; a new array is contiguous.
 * Storage is {@code float[]} (FLOAT32), {@code double[]} (FLOAT64), {@code long[]} (INT64) or {@code boolean[]} (BOOL).
 */
public final class NDArray {
  private final DType dtype;
  private final int[] shape;
  private final int[] strides;
  private final int offset;
  private final Object data;

  // with -Dtcompile.warmup=true, the first array of a JVM starts compiling the Vector API kernels in the background
  static { Warmup.startInBackground(); }

  private NDArray(DType dtype, int[] shape, int[] strides, int offset, Object data) {
    this.dtype = dtype;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.data = data;
  }

  // ---- creation ----

  public static NDArray empty(DType dtype, int... shape) { return empty(dtype, true, shape); }

  /**
   * {@link #empty} for a caller that writes every element before anything reads one: a float32 array may then come
   * from {@link ArrayRecycler}'s pool without being zeroed first (its old values are never seen).
   */
  public static NDArray emptyToOverwrite(DType dtype, int... shape) { return empty(dtype, false, shape); }

  private static NDArray empty(DType dtype, boolean zero, int[] shape) {
    int n = Shapes.numelInt(shape);
    for (int s : shape) if (s < 0) throw new TorchException("Trying to create tensor with negative dimension " + s + ": " + Shapes.str(shape));
    Object data = switch (dtype) {
      case FLOAT32 -> ArrayRecycler.floats(n, zero);
      case FLOAT64 -> new double[n];
      case INT64 -> new long[n];
      case BOOL -> new boolean[n];
    };
    return new NDArray(dtype, shape.length == 0 ? Shapes.NO_DIMS : shape.clone(), Shapes.contiguousStrides(shape), 0, data);
  }

  public static NDArray wrap(float[] data, int... shape) { return wrap(DType.FLOAT32, data, data.length, shape); }
  public static NDArray wrap(double[] data, int... shape) { return wrap(DType.FLOAT64, data, data.length, shape); }
  public static NDArray wrap(long[] data, int... shape) { return wrap(DType.INT64, data, data.length, shape); }
  public static NDArray wrap(boolean[] data, int... shape) { return wrap(DType.BOOL, data, data.length, shape); }

  private static NDArray wrap(DType dt, Object data, int length, int[] shape) {
    if (Shapes.numel(shape) != length)
      throw new TorchException("shape '" + Shapes.str(shape) + "' is invalid for input of size " + length);
    return new NDArray(dt, shape.clone(), Shapes.contiguousStrides(shape), 0, data);
  }

  public static NDArray full(DType dtype, double value, int... shape) {
    NDArray a = empty(dtype, shape);
    a.fill(value);
    return a;
  }

  /** A 0-d array (through NO_DIMS: a varargs call with no dims would allocate an empty int[] per call). */
  public static NDArray scalar(DType dtype, double value) { return full(dtype, value, Shapes.NO_DIMS); }

  /** An alias of the same storage with other geometry (the primitive behind every view op). */
  public NDArray view(int[] shape, int[] strides, int offset) {
    return new NDArray(dtype, shape, strides, offset, data);
  }

  // ---- geometry ----

  public DType dtype() { return dtype; }
  /** The shape array itself (not a copy): callers must not modify it. */
  public int[] shape() { return shape; }
  public int[] strides() { return strides; }
  public int offset() { return offset; }
  public Object data() { return data; }
  public float[] floats() { return (float[]) data; }
  public double[] doubles() { return (double[]) data; }
  public long[] longs() { return (long[]) data; }
  public boolean[] bools() { return (boolean[]) data; }
  public int dim() { return shape.length; }
  public int size(int d) { return shape[d]; }
  public int numel() { return (int) Shapes.numel(shape); }

  public boolean isContiguous() {
    int expected = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] == 1) continue;
      if (strides[i] != expected) return false;
      expected *= shape[i];
    }
    return true;
  }

  /** Contiguous and starting at index 0 of its storage with nothing after: data() is exactly the elements. */
  public boolean isDense() {
    return offset == 0 && isContiguous() && storageLength() == numel();
  }

  public int storageLength() {
    return switch (dtype) {
      case FLOAT32 -> floats().length;
      case FLOAT64 -> doubles().length;
      case INT64 -> longs().length;
      case BOOL -> bools().length;
    };
  }

  public boolean sharesStorage(NDArray o) { return o.data == data; }

  // ---- copies ----

  /** This array when already contiguous, else a contiguous copy. */
  public NDArray contiguous() { return isContiguous() ? this : copy(); }

  /** A dense copy: data() holds exactly the elements in row-major order. */
  public NDArray dense() { return isDense() ? this : copy(); }

  public NDArray copy() {
    NDArray out = empty(dtype, shape);
    out.copyFrom(this);
    return out;
  }

  public NDArray to(DType target) {
    if (target == dtype) return this;
    NDArray out = empty(target, shape);
    out.copyFrom(this);
    return out;
  }

  /** Copies src (broadcast to this shape, converted to this dtype) into this array's elements. */
  public void copyFrom(NDArray src) {
    // same shape: src's own strides (what broadcasting them would give); else into the thread's scratch array
    int[] ss = Arrays.equals(src.shape, shape) ? src.strides
        : Shapes.broadcastStrides(src.shape, src.strides, shape, Strided.scratchStrides(shape.length));
    Strided.copy(src, ss, this);
  }

  public void fill(double v) {
    if (!isContiguous()) { Strided.fill(this, v); return; }
    // dense: one Arrays.fill (no row walk; a scalar constant is filled this way every call)
    int from = offset, to = offset + numel();
    switch (dtype) {
      case FLOAT32 -> java.util.Arrays.fill(floats(), from, to, (float) v);
      case FLOAT64 -> java.util.Arrays.fill(doubles(), from, to, v);
      case INT64 -> java.util.Arrays.fill(longs(), from, to, (long) v);
      case BOOL -> java.util.Arrays.fill(bools(), from, to, v != 0);
    }
  }

  // ---- element access (slow path: printing, item(), tests) ----

  /** Storage index of the element at row-major position {@code linear}. */
  public int storageIndex(int linear) {
    int idx = offset;
    for (int d = shape.length - 1; d >= 0; d--) {
      int s = shape[d];
      idx += (linear % s) * strides[d];
      linear /= s;
    }
    return idx;
  }

  public double getDouble(int linear) {
    int i = storageIndex(linear);
    return switch (dtype) {
      case FLOAT32 -> floats()[i];
      case FLOAT64 -> doubles()[i];
      case INT64 -> longs()[i];
      case BOOL -> bools()[i] ? 1 : 0;
    };
  }

  public long getLong(int linear) {
    int i = storageIndex(linear);
    return switch (dtype) {
      case FLOAT32 -> (long) floats()[i];
      case FLOAT64 -> (long) doubles()[i];
      case INT64 -> longs()[i];
      case BOOL -> bools()[i] ? 1 : 0;
    };
  }

  public void setDouble(int linear, double v) {
    int i = storageIndex(linear);
    switch (dtype) {
      case FLOAT32 -> floats()[i] = (float) v;
      case FLOAT64 -> doubles()[i] = v;
      case INT64 -> longs()[i] = (long) v;
      case BOOL -> bools()[i] = v != 0;
    }
  }

  public float[] toFloatArray() {
    if (dtype == DType.FLOAT32 && isDense()) return floats().clone();
    return (float[]) to(DType.FLOAT32).dense().data;
  }

  public double[] toDoubleArray() {
    if (dtype == DType.FLOAT64 && isDense()) return doubles().clone();
    NDArray c = dtype == DType.FLOAT64 ? copy() : to(DType.FLOAT64);
    return (double[]) c.dense().data;
  }

  public long[] toLongArray() {
    if (dtype == DType.INT64 && isDense()) return longs().clone();
    NDArray c = dtype == DType.INT64 ? copy() : to(DType.INT64);
    return (long[]) c.dense().data;
  }

  public boolean[] toBoolArray() {
    if (dtype == DType.BOOL && isDense()) return bools().clone();
    NDArray c = dtype == DType.BOOL ? copy() : to(DType.BOOL);
    return (boolean[]) c.dense().data;
  }

  @Override public String toString() {
    return "NDArray(" + dtype.irName() + Arrays.toString(shape) + ", strides=" + Arrays.toString(strides) + ", offset=" + offset + ")";
  }
}
