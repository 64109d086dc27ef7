package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/**
 * Elementwise kernels over strided, broadcasting operands. Operands are walked by {@link ParallelRows}, which
 * merges dims wherever the layouts allow (dense operands of equal shape, or a tensor and a scalar, become one
 * run) and splits long walks over the thread pool; runs go to the vectorised loops of {@link FloatLoops}.
 */
public final class Pointwise {
  private Pointwise() {}

  @FunctionalInterface public interface FloatFn { float apply(float x); }
  @FunctionalInterface public interface FloatFn2 { float apply(float a, float b); }

  /**
   * Result dtype of a unary op on {@code in}: float functions keep float64 and promote integers and bools to float32; the
   * integer-valued ones keep the dtype (of those, only sign accepts bool: the op's shape rule rejects the rest).
   */
  public static DType unaryDType(UnaryOp op, DType in) {
    return op.keepsInteger() ? in : in.floatResult();
  }

  public static NDArray unary(UnaryOp op, NDArray x) {
    DType outType = unaryDType(op, x.dtype());
    if (outType == DType.FLOAT64) return DoublePointwise.unary(op, x);
    if (outType == DType.FLOAT32) {
      NDArray xf = x.to(DType.FLOAT32);
      NDArray out = NDArray.emptyToOverwrite(DType.FLOAT32, x.shape());
      if (xf.isDense()) { FloatLoops.unaryParallel(op, xf.floats(), 0, out.floats(), 0, out.numel()); return out; }
      float[] src = xf.floats(), dst = out.floats();
      ParallelRows.Layout l = ParallelRows.of(x.shape(), xf.strides(), out.strides());
      int st = l.inner(0);
      l.rows(new int[]{xf.offset(), 0}, (o, len) -> {
        if (st == 1) { FloatLoops.unary(op, src, o[0], dst, o[1], len); return; }
        // a strided run: gathered into the output first, then computed in place as a dense run (same bits)
        FloatLoops.gather(src, o[0], st, dst, o[1], len);
        FloatLoops.unary(op, dst, o[1], dst, o[1], len);
      });
      return out;
    }
    NDArray xl = x.to(DType.INT64);
    NDArray out = NDArray.empty(DType.INT64, x.shape());
    long[] src = xl.longs(), dst = out.longs();
    ParallelRows.Layout l = ParallelRows.of(x.shape(), xl.strides(), out.strides());
    int st = l.inner(0);
    l.rows(new int[]{xl.offset(), 0}, (o, len) -> {
      for (int i = 0; i < len; i++) dst[o[1] + i] = op.apply(src[o[0] + i * st]);
    });
    return outType == DType.INT64 ? out : out.to(outType);
  }

  /**
   * The dense float fast path of {@link #unary}: {@code out[i] = op(x[i])} for i in [0, n), vectorised for
   * exp/log/tanh/sqrt/sigmoid/gelu ({@link VectorMath}) and split over the thread pool for long runs.
   * {@code out} may be {@code x} (in place). For callers that manage their own buffers (compiled code, benchmarks).
   */
  public static void unaryDense(UnaryOp op, float[] x, float[] out, int n) {
    FloatLoops.unaryParallel(op, x, 0, out, 0, n);
  }

  /**
   * The exact GELU's backward {@code g * (cdf(x) + x * pdf(x))} of float32 {@code g} and {@code x}, broadcast
   * against each other, in one pass ({@link VectorMath#geluBackward}: PyTorch 1.13's formula, operation for
   * operation), split over the pool for long runs (lanes are independent: no element's bits depend on the split).
   * A gradient that is one value along a run (a sum's expanded gradient) is read as that value, not copied out.
   */
  public static NDArray geluBackward(NDArray g, NDArray x) {
    if (g.dtype() != DType.FLOAT32 || x.dtype() != DType.FLOAT32)
      throw new IllegalArgumentException("gelu backward takes float32 grad and input, not " + g.dtype() + " and " + x.dtype());
    int[] shape = Shapes.broadcast(g.shape(), x.shape());
    NDArray out = NDArray.emptyToOverwrite(DType.FLOAT32, shape);
    ParallelRows.Layout l = layout(g, x, out);
    // the lanes read x (and a varying g) with stride 1: other layouts are copied out dense first
    if (l.inner(1) != 1 && out.numel() > 1) { x = broadcastCopy(x, shape); l = layout(g, x, out); }
    if (l.inner(0) != 1 && l.inner(0) != 0) { g = broadcastCopy(g, shape); l = layout(g, x, out); }
    float[] gv = g.floats(), xv = x.floats(), d = out.floats();
    int gs = l.inner(0);
    l.rows(new int[]{g.offset(), x.offset(), 0}, (o, len) -> {
      if (gs == 0) VectorMath.geluBackwardScalarGrad(gv, o[0], xv, o[1], d, o[2], len);
      else VectorMath.geluBackward(gv, o[0], xv, o[1], d, o[2], len);
    });
    return out;
  }

  private static NDArray broadcastCopy(NDArray a, int[] shape) {
    return a.view(shape, Shapes.broadcastStrides(a.shape(), a.strides(), shape), a.offset()).copy();
  }

  private static ParallelRows.Layout layout(NDArray g, NDArray x, NDArray out) {
    int[] shape = out.shape();
    return ParallelRows.of(shape, Shapes.broadcastStrides(g.shape(), g.strides(), shape),
        Shapes.broadcastStrides(x.shape(), x.strides(), shape), out.strides());
  }

  /** Applies a float function elementwise (parametrised ops: clamp, pow by scalar, leaky relu...). */
  public static NDArray map(NDArray x, FloatFn f) {
    NDArray xf = x.to(DType.FLOAT32);
    return mapFloat(xf, f, NDArray.emptyToOverwrite(DType.FLOAT32, x.shape()));
  }

  private static NDArray mapFloat(NDArray x, FloatFn f, NDArray out) {
    float[] src = x.floats(), dst = out.floats();
    ParallelRows.Layout l = ParallelRows.of(x.shape(), x.strides(), out.strides());
    int st = l.inner(0);
    l.rows(new int[]{x.offset(), 0}, (o, len) -> {
      for (int i = 0; i < len; i++) dst[o[1] + i] = f.apply(src[o[0] + i * st]);
    });
    return out;
  }

  /** Applies a float function of two broadcast operands (derivative helpers, fused elementwise). */
  public static NDArray zip(NDArray a, NDArray b, FloatFn2 f) {
    int[] shape = Shapes.broadcast(a.shape(), b.shape());
    NDArray af = a.to(DType.FLOAT32), bf = b.to(DType.FLOAT32);
    NDArray out = NDArray.emptyToOverwrite(DType.FLOAT32, shape);
    float[] x = af.floats(), y = bf.floats(), d = out.floats();
    int[] sa = Shapes.broadcastStrides(af.shape(), af.strides(), shape), sb = Shapes.broadcastStrides(bf.shape(), bf.strides(), shape);
    ParallelRows.Layout l = ParallelRows.of(shape, sa, sb, out.strides());
    int la = l.inner(0), lb = l.inner(1);
    l.rows(new int[]{af.offset(), bf.offset(), 0}, (o, len) -> {
      for (int i = 0; i < len; i++) d[o[2] + i] = f.apply(x[o[0] + i * la], y[o[1] + i * lb]);
    });
    return out;
  }

  /**
   * {@code op(a, b)} computed in {@code compute} (the promoted dtype), broadcasting; comparisons and logical ops
   * return bool, everything else {@code compute}.
   */
  public static NDArray binary(BinaryOp op, NDArray a, NDArray b, DType compute) {
    if (compute == DType.FLOAT64) return DoublePointwise.binary(op, a, b);
    int[] shape = Shapes.broadcast(a.shape(), b.shape());
    boolean predicate = op.isComparison() || op.isLogical();
    NDArray ac = a.to(compute), bc = b.to(compute);
    NDArray out = NDArray.emptyToOverwrite(predicate ? DType.BOOL : compute, shape);
    int[] sa = Shapes.broadcastStrides(ac.shape(), ac.strides(), shape), sb = Shapes.broadcastStrides(bc.shape(), bc.strides(), shape);
    ParallelRows.Layout l = ParallelRows.of(shape, sa, sb, out.strides());
    int la = l.inner(0), lb = l.inner(1);
    int[] base = {ac.offset(), bc.offset(), 0};
    switch (compute) {
      case FLOAT32 -> {
        float[] x = ac.floats(), y = bc.floats();
        if (predicate) {
          boolean[] d = out.bools();
          l.rows(base, (o, len) -> {
            for (int i = 0; i < len; i++) d[o[2] + i] = op.test(x[o[0] + i * la], y[o[1] + i * lb]);
          });
        } else {
          float[] d = out.floats();
          int[] xi = FloatLoops.gatherIndex(la), yi = FloatLoops.gatherIndex(lb);
          if (l.transposed() && FloatLoops.vectorised(op)) TransposedTiles.binary(op, l, x, base[0], y, base[1], d, 0);
          else l.rows(base, (o, len) -> FloatLoops.binary(op, x, o[0], la, xi, y, o[1], lb, yi, d, o[2], len));
        }
      }
      case INT64 -> {
        long[] x = ac.longs(), y = bc.longs();
        if (predicate) {
          boolean[] d = out.bools();
          l.rows(base, (o, len) -> {
            for (int i = 0; i < len; i++) d[o[2] + i] = op.test(x[o[0] + i * la], y[o[1] + i * lb]);
          });
        } else {
          long[] d = out.longs();
          l.rows(base, (o, len) -> {
            for (int i = 0; i < len; i++) d[o[2] + i] = op.apply(x[o[0] + i * la], y[o[1] + i * lb]);
          });
        }
      }
      case FLOAT64 -> throw new IllegalStateException("float64 runs in DoublePointwise");
      case BOOL -> {
        boolean[] x = ac.bools(), y = bc.bools(), d = out.bools();
        l.rows(base, (o, len) -> {
          for (int i = 0; i < len; i++) d[o[2] + i] = boolOp(op, x[o[0] + i * la], y[o[1] + i * lb]);
        });
      }
    }
    return out;
  }

  private static boolean boolOp(BinaryOp op, boolean a, boolean b) {
    return switch (op) {
      case ADD, LOGICAL_OR, MAXIMUM -> a || b;
      case MUL, LOGICAL_AND, MINIMUM -> a && b;
      case EQ -> a == b;
      case NE -> a != b;
      case GT -> a && !b;
      case GE -> a || !b;
      case LT -> !a && b;
      case LE -> !a || b;
      default -> throw new IllegalStateException(op + " on bool");
    };
  }

  /** {@code cond ? a : b}, broadcasting all three; a and b already share {@code out}'s dtype. */
  public static NDArray where(NDArray cond, NDArray a, NDArray b, DType dtype) {
    int[] shape = Shapes.broadcast(cond.shape(), a.shape(), b.shape());
    NDArray c = cond.to(DType.BOOL), ac = a.to(dtype), bc = b.to(dtype);
    NDArray out = NDArray.empty(dtype, shape);
    int[] sc = Shapes.broadcastStrides(c.shape(), c.strides(), shape);
    int[] sa = Shapes.broadcastStrides(ac.shape(), ac.strides(), shape);
    int[] sb = Shapes.broadcastStrides(bc.shape(), bc.strides(), shape);
    ParallelRows.Layout l = ParallelRows.of(shape, sc, sa, sb, out.strides());
    int lc = l.inner(0), la = l.inner(1), lb = l.inner(2);
    boolean[] cd = c.bools();
    Object ad = ac.data(), bd = bc.data(), od = out.data();
    l.rows(new int[]{c.offset(), ac.offset(), bc.offset(), 0}, (o, len) -> {
      for (int i = 0; i < len; i++) {
        boolean t = cd[o[0] + i * lc];
        int ai = o[1] + i * la, bi = o[2] + i * lb, oi = o[3] + i;
        switch (dtype) {
          case FLOAT32 -> ((float[]) od)[oi] = t ? ((float[]) ad)[ai] : ((float[]) bd)[bi];
          case FLOAT64 -> ((double[]) od)[oi] = t ? ((double[]) ad)[ai] : ((double[]) bd)[bi];
          case INT64 -> ((long[]) od)[oi] = t ? ((long[]) ad)[ai] : ((long[]) bd)[bi];
          case BOOL -> ((boolean[]) od)[oi] = t ? ((boolean[]) ad)[ai] : ((boolean[]) bd)[bi];
        }
      }
    });
    return out;
  }

  static int last(int[] strides) { return strides.length == 0 ? 0 : strides[strides.length - 1]; }
  static int lastStride(NDArray a) { return last(a.strides()); }
}
