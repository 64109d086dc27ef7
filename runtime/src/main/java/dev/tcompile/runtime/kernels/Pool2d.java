package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.Shapes;

/**
 * 2-D max and average pooling and their backward passes, with PyTorch's semantics ({@code max_pool2d_with_indices},
 * {@code avg_pool2d} and their CPU kernels): implicit -inf padding for max (padded positions never win), zero
 * padding for average, {@code ceil_mode} windows that may start in the right/bottom padding but never wholly
 * outside the input. Inputs are {@code [C, H, W]} or {@code [N, C, H, W]} arrays of any strides (converted to
 * dense float32); outputs are new dense float32 arrays (indices int64) of the same rank.
 */
public final class Pool2d {
  private Pool2d() {}

  /**
   * Window size {@code kH x kW}, stride, padding and dilation per dim, and {@code ceilMode}.
   * {@code torch.nn.MaxPool2d}'s default stride is the kernel size; {@link #of} applies that default.
   */
  public record Params(int kH, int kW, int sH, int sW, int pH, int pW, int dH, int dW, boolean ceilMode) {
    public Params {
      if (kH <= 0 || kW <= 0)
        throw new TorchException("kernel_size must be greater than zero, but got kH: " + kH + " kW: " + kW);
      if (sH <= 0 || sW <= 0) throw new TorchException("stride should be greater than zero, but got dH: " + sH + " dW: " + sW);
      if (dH <= 0 || dW <= 0)
        throw new TorchException("dilation should be greater than zero, but got dilationH: " + dH + " dilationW: " + dW);
      if (pH < 0 || pW < 0) throw new TorchException("pad must be non-negative, but got padH: " + pH + " padW: " + pW);
      if (pH > kH / 2 || pW > kW / 2)
        throw new TorchException("pad should be smaller than or equal to half of kernel size, but got padW = " + pW
            + ", padH = " + pH + ", kW = " + kW + ", kH = " + kH);
    }

    /** Square window {@code k}, stride {@code stride} (kernel size when 0), padding {@code pad}, no dilation. */
    public static Params of(int k, int stride, int pad, boolean ceilMode) {
      int s = stride == 0 ? k : stride;
      return new Params(k, k, s, s, pad, pad, 1, 1, ceilMode);
    }
  }

  /**
   * PyTorch's {@code pooling_output_shape}: {@code floor_or_ceil((in + 2*pad - dil*(k-1) - 1) / stride) + 1}, and
   * in ceil mode the last window is dropped when it would start at or past {@code in + pad} (inside the right
   * padding only).
   */
  public static int outSize(int in, int k, int stride, int pad, int dil, boolean ceilMode) {
    int num = in + 2 * pad - dil * (k - 1) - 1 + (ceilMode ? stride - 1 : 0);
    int out = Math.floorDiv(num, stride) + 1;
    if (ceilMode && (long) (out - 1) * stride >= in + pad) out--;
    return out;
  }

  /** [planes, H, W, OH, OW] of one call, validated. */
  private record Geo(int[] outShape, int planes, int h, int w, int oh, int ow) {}

  private static Geo geometry(String op, int[] xs, Params p) {
    check(op, xs, p);
    int nd = xs.length, h = xs[nd - 2], w = xs[nd - 1];
    int oh = outSize(h, p.kH(), p.sH(), p.pH(), p.dH(), p.ceilMode()), ow = outSize(w, p.kW(), p.sW(), p.pW(), p.dW(), p.ceilMode());
    return new Geo(outShape(xs, oh, ow), planes(xs), h, w, oh, ow);
  }

  /** PyTorch's errors for an input shape that cannot be pooled with {@code p}. */
  private static void check(String op, int[] xs, Params p) {
    if (xs.length != 3 && xs.length != 4)
      throw new TorchException("non-empty 3D or 4D (batch mode) tensor expected for input to " + op + ", but got " + Shapes.str(xs));
    int nd = xs.length, h = xs[nd - 2], w = xs[nd - 1];
    int oh = outSize(h, p.kH(), p.sH(), p.pH(), p.dH(), p.ceilMode()), ow = outSize(w, p.kW(), p.sW(), p.pW(), p.dW(), p.ceilMode());
    if (oh < 1 || ow < 1)
      throw new TorchException("Given input size: (" + xs[nd - 3] + "x" + h + "x" + w + "). Calculated output size: ("
          + xs[nd - 3] + "x" + oh + "x" + ow + "). Output size is too small");
  }

  /** The input shape with its last two dims replaced by the output's. */
  private static int[] outShape(int[] xs, int oh, int ow) {
    int[] out = xs.clone();
    out[xs.length - 2] = oh;
    out[xs.length - 1] = ow;
    return out;
  }

  /** Product of the dims before the last two. */
  private static int planes(int[] xs) {
    int planes = 1;
    for (int i = 0; i < xs.length - 2; i++) planes *= xs[i];
    return planes;
  }

  /** A given dense buffer of the input's shape with the output's last two dims, or a new array (null). */
  private static NDArray output(NDArray buffer, DType dtype, int[] xs, int oh, int ow, String op) {
    if (buffer == null) return NDArray.empty(dtype, outShape(xs, oh, ow));
    int nd = xs.length;
    boolean same = buffer.dim() == nd && buffer.size(nd - 2) == oh && buffer.size(nd - 1) == ow;
    for (int i = 0; i < nd - 2 && same; i++) same = buffer.size(i) == xs[i];
    return OutputBuffer.of(buffer, dtype, same ? buffer.shape() : outShape(xs, oh, ow), op);
  }

  private static float[] dense(NDArray a) { return a.to(DType.FLOAT32).dense().floats(); }

  /**
   * Max pooling: returns {@code {values, indices}}, where indices (int64) are flat positions {@code ih * W + iw}
   * inside each input plane, as PyTorch returns them. NaN wins over every number (the last NaN of the window, as PyTorch's CPU kernel picks it), and a
   * window of -inf values reports its first in-bounds position.
   */
  public static NDArray[] maxForward(NDArray x, Params p) { return maxForward(x, p, null, null); }

  /** {@link #maxForward} into given dense buffers (either may be null: a new array). */
  public static NDArray[] maxForward(NDArray x, Params p, NDArray outOrNull, NDArray idxOrNull) {
    NDArray[] r = new NDArray[2];
    maxForwardInto(x, p, outOrNull, idxOrNull, r);
    return r;
  }

  /**
   * {@link #maxForward} into given dense buffers (either may be null: a new array), the two arrays stored in
   * {@code result[0]} and {@code result[1]}: with both buffers given, a call allocates nothing.
   */
  public static void maxForwardInto(NDArray x, Params p, NDArray outOrNull, NDArray idxOrNull, NDArray[] result) {
    maxForwardInto(x, p, outOrNull, idxOrNull, result, 0, 1);
  }

  /**
   * {@link #maxForward} into given dense buffers (either may be null: a new array), the two arrays stored in
   * {@code registers[outAt]} and {@code registers[idxAt]}: a generated program passes its frame, so a warm call
   * allocates no result pair.
   */
  public static void maxForwardInto(NDArray x, Params p, NDArray outOrNull, NDArray idxOrNull, NDArray[] registers, int outAt, int idxAt) {
    int[] xs = x.shape();
    check("max_pool2d", xs, p);
    int nd = xs.length, h = xs[nd - 2], w = xs[nd - 1];
    int oh = outSize(h, p.kH(), p.sH(), p.pH(), p.dH(), p.ceilMode()), ow = outSize(w, p.kW(), p.sW(), p.pW(), p.dW(), p.ceilMode());
    NDArray out = output(outOrNull, DType.FLOAT32, xs, oh, ow, "max_pool2d"), idx = output(idxOrNull, DType.INT64, xs, oh, ow, "max_pool2d");
    MaxPlanes task = MAX_PLANES.take();
    try {
      task.x = dense(x); task.out = out.floats(); task.idx = idx.longs(); task.p = p;
      task.h = h; task.w = w; task.oh = oh; task.ow = ow;
      Parallel.forRange(planes(xs), planeGrain(oh * ow * p.kH() * p.kW()), task);
    } finally {
      MAX_PLANES.give(task);
    }
    registers[outAt] = out;
    registers[idxAt] = idx;
  }

  /** One max-pooling call's planes, reused by the calling thread. */
  private static final class MaxPlanes extends Parallel.Reusable implements Parallel.Range {
    float[] x, out;
    long[] idx;
    Params p;
    int h, w, oh, ow;

    @Override public void run(int c0, int c1) {
      int hw = h * w, ohw = oh * ow;
      for (int c = c0; c < c1; c++) maxPlane(x, c * hw, h, w, oh, ow, p, out, idx, c * ohw);
    }

    @Override protected void clear() { x = out = null; idx = null; p = null; }
  }

  private static final Parallel.PerThread<MaxPlanes> MAX_PLANES = new Parallel.PerThread<>(MaxPlanes::new);

  private static void maxPlane(float[] x, int xo, int h, int w, int oh, int ow, Params p, float[] out, long[] idx, int oo) {
    if (p.kH() == 2 && p.kW() == 2 && p.sH() == 2 && p.sW() == 2 && p.pH() == 0 && p.pW() == 0 && p.dH() == 1 && p.dW() == 1
        && 2 * oh <= h && 2 * ow <= w) {   // every window inside (ceil_mode can add a partial one)
      MaxPool2x2.plane(x, xo, w, oh, ow, out, idx, oo);
      return;
    }
    maxPlaneGeneral(x, xo, h, w, oh, ow, p, out, idx, oo);
  }

  /** Any window: the rule {@link MaxPool2x2} reproduces (package-private so that tests compare the two). */
  static void maxPlaneGeneral(float[] x, int xo, int h, int w, int ohs, int ows, Params p, float[] out, long[] idx, int oo) {
    for (int oh = 0; oh < ohs; oh++) {
      int ih0 = oh * p.sH() - p.pH(), ih1 = Math.min(ih0 + (p.kH() - 1) * p.dH() + 1, h);
      while (ih0 < 0) ih0 += p.dH();
      for (int ow = 0; ow < ows; ow++) {
        int iw0 = ow * p.sW() - p.pW(), iw1 = Math.min(iw0 + (p.kW() - 1) * p.dW() + 1, w);
        while (iw0 < 0) iw0 += p.dW();
        int best = ih0 * w + iw0;
        float max = Float.NEGATIVE_INFINITY;
        for (int ih = ih0; ih < ih1; ih += p.dH()) {
          int row = ih * w;
          for (int iw = iw0; iw < iw1; iw += p.dW()) {
            float v = x[xo + row + iw];
            if (v > max || Float.isNaN(v)) { max = v; best = row + iw; }
          }
        }
        out[oo + oh * ows + ow] = max;
        idx[oo + oh * ows + ow] = best;
      }
    }
  }

  /**
   * Gradient of max pooling: each {@code gradOut} element is added at its recorded index of its plane; the
   * result has {@code inputShape} (3-d or 4-d, matching gradOut's rank).
   */
  public static NDArray maxBackward(NDArray gradOut, NDArray indices, int[] inputShape) {
    return maxBackward(gradOut, indices, inputShape, null);
  }

  /** {@link #maxBackward} into a given dense buffer (null: a new array). */
  public static NDArray maxBackward(NDArray gradOut, NDArray indices, int[] inputShape, NDArray outOrNull) {
    if (!Shapes.equal(gradOut.shape(), indices.shape()))
      throw new TorchException("max_pool2d backward: gradOut " + Shapes.str(gradOut.shape()) + " and indices "
          + Shapes.str(indices.shape()) + " must have the same size");
    int nd = inputShape.length;
    if (nd != gradOut.dim() || (nd != 3 && nd != 4))
      throw new TorchException("max_pool2d backward: input shape " + Shapes.str(inputShape) + " does not match gradOut " + Shapes.str(gradOut.shape()));
    NDArray gi = OutputBuffer.of(outOrNull, DType.FLOAT32, inputShape, "max_pool2d_backward");
    boolean zero = outOrNull != null;   // gradients are added into it: a given buffer is zeroed plane by plane below
    float[] go = dense(gradOut), gd = gi.floats();
    long[] id = indices.to(DType.INT64).dense().longs();
    int hw = inputShape[nd - 2] * inputShape[nd - 1];
    int ohw = gradOut.size(nd - 2) * gradOut.size(nd - 1);
    int planes = 1;
    for (int i = 0; i < nd - 2; i++) planes *= inputShape[i];
    for (int i = 0; i < nd - 2; i++)
      if (inputShape[i] != gradOut.size(i))
        throw new TorchException("max_pool2d backward: input shape " + Shapes.str(inputShape) + " does not match gradOut " + Shapes.str(gradOut.shape()));
    MaxScatter task = MAX_SCATTER.take();
    try {
      task.go = go; task.gd = gd; task.idx = id; task.hw = hw; task.ohw = ohw; task.zero = zero;
      Parallel.forRange(planes, planeGrain(ohw), task);
    } finally {
      MAX_SCATTER.give(task);
    }
    return gi;
  }

  /** One max-pooling backward call's planes, reused by the calling thread. */
  private static final class MaxScatter extends Parallel.Reusable implements Parallel.Range {
    float[] go, gd;
    long[] idx;
    int hw, ohw;
    boolean zero;

    @Override public void run(int c0, int c1) {
      for (int c = c0; c < c1; c++) {
        int xo = c * hw, oo = c * ohw;
        // zeroed just before its scatter, by the thread doing it, so the plane is in L1 (one fill of the whole
        // buffer first ran on the calling thread alone; MNIST's first pooling, 2.9 MB: 220 -> ~200 us at one thread)
        if (zero) java.util.Arrays.fill(gd, xo, xo + hw, 0f);
        for (int j = 0; j < ohw; j++) {
          long k = idx[oo + j];
          if (k < 0 || k >= hw) throw new TorchException("max_pool2d backward: index " + k + " out of range for a plane of " + hw + " elements");
          gd[xo + (int) k] += go[oo + j];
        }
      }
    }

    @Override protected void clear() { go = gd = null; idx = null; }
  }

  private static final Parallel.PerThread<MaxScatter> MAX_SCATTER = new Parallel.PerThread<>(MaxScatter::new);

  /**
   * Average pooling (no dilation: {@code dH == dW == 1} is required, as {@code avg_pool2d} has none). Windows are
   * clipped to the padded input; the divisor is the clipped window's size including padding when
   * {@code countIncludePad}, else the number of input elements it covers. A window wholly in the padding gives 0.
   */
  public static NDArray avgForward(NDArray x, Params p, boolean countIncludePad) {
    checkNoDilation(p);
    Geo g = geometry("avg_pool2d", x.shape(), p);
    NDArray out = NDArray.empty(DType.FLOAT32, g.outShape());
    float[] xd = dense(x), od = out.floats();
    int hw = g.h() * g.w(), ohw = g.oh() * g.ow();
    Parallel.forRange(g.planes(), planeGrain(ohw * p.kH() * p.kW()), (c0, c1) -> {
      for (int c = c0; c < c1; c++) avgPlane(xd, c * hw, g, p, countIncludePad, od, c * ohw, false);
    });
    return out;
  }

  /** Gradient of {@link #avgForward}: each window's gradient divided by its divisor, spread over the window. */
  public static NDArray avgBackward(NDArray gradOut, int[] inputShape, Params p, boolean countIncludePad) {
    checkNoDilation(p);
    Geo g = geometry("avg_pool2d", inputShape, p);
    if (!Shapes.equal(gradOut.shape(), g.outShape()))
      throw new TorchException("avg_pool2d backward: expected gradOut of size " + Shapes.str(g.outShape()) + ", but got " + Shapes.str(gradOut.shape()));
    NDArray gi = NDArray.empty(DType.FLOAT32, inputShape);
    float[] go = dense(gradOut), gd = gi.floats();
    int hw = g.h() * g.w(), ohw = g.oh() * g.ow();
    Parallel.forRange(g.planes(), planeGrain(ohw * p.kH() * p.kW()), (c0, c1) -> {
      for (int c = c0; c < c1; c++) avgPlane(gd, c * hw, g, p, countIncludePad, go, c * ohw, true);
    });
    return gi;
  }

  /** Forward: out[o] = mean of the window of x. Backward ({@code adjoint}): x[window] += out[o] / divisor. */
  private static void avgPlane(float[] x, int xo, Geo g, Params p, boolean includePad, float[] out, int oo, boolean adjoint) {
    int h = g.h(), w = g.w();
    for (int oh = 0; oh < g.oh(); oh++) {
      int ih0 = oh * p.sH() - p.pH(), ih1 = Math.min(ih0 + p.kH(), h + p.pH());
      for (int ow = 0; ow < g.ow(); ow++) {
        int iw0 = ow * p.sW() - p.pW(), iw1 = Math.min(iw0 + p.kW(), w + p.pW());
        int poolSize = (ih1 - ih0) * (iw1 - iw0);
        int a0 = Math.max(ih0, 0), b0 = Math.max(iw0, 0), a1 = Math.min(ih1, h), b1 = Math.min(iw1, w);
        int o = oo + oh * g.ow() + ow;
        if (a0 >= a1 || b0 >= b1) { if (!adjoint) out[o] = 0f; continue; }
        int div = includePad ? poolSize : (a1 - a0) * (b1 - b0);
        if (adjoint) {
          float gv = out[o] / div;
          for (int ih = a0; ih < a1; ih++) for (int iw = b0; iw < b1; iw++) x[xo + ih * w + iw] += gv;
        } else {
          float s = 0f;
          for (int ih = a0; ih < a1; ih++) for (int iw = b0; iw < b1; iw++) s += x[xo + ih * w + iw];
          out[o] = s / div;
        }
      }
    }
  }

  private static void checkNoDilation(Params p) {
    if (p.dH() != 1 || p.dW() != 1) throw new TorchException("avg_pool2d does not support dilation (got " + p.dH() + ", " + p.dW() + ")");
  }

  /** Planes per parallel chunk so that each chunk has at least ~32K window reads. */
  private static int planeGrain(int workPerPlane) { return Math.max(1, 32768 / Math.max(1, workPerPlane)); }
}
