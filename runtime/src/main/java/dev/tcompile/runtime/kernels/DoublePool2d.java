package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.Shapes;

/**
 * {@link Pool2d}'s max and average pooling (and {@link AdaptivePool2d}'s) and their backward passes in float64, with the same window rules
 * ({@link Pool2d.Params}, {@link Pool2d#outSize}): -inf padding for max (the last NaN of a window wins, a window
 * of -inf reports its first in-bounds position), zero padding and PyTorch's divisor for average. Planes are
 * independent and each is computed by one task, so results do not depend on the thread count.
 */
public final class DoublePool2d {
  private DoublePool2d() {}

  /** [planes, H, W, OH, OW] of one call, validated. */
  private record Geo(int[] outShape, int planes, int h, int w, int oh, int ow) {}

  private static Geo geometry(String op, int[] xs, Pool2d.Params p) {
    if (xs.length != 3 && xs.length != 4)
      throw new TorchException("non-empty 3D or 4D (batch mode) tensor expected for input to " + op + ", but got " + Shapes.str(xs));
    int nd = xs.length, h = xs[nd - 2], w = xs[nd - 1];
    int oh = Pool2d.outSize(h, p.kH(), p.sH(), p.pH(), p.dH(), p.ceilMode()), ow = Pool2d.outSize(w, p.kW(), p.sW(), p.pW(), p.dW(), p.ceilMode());
    if (oh < 1 || ow < 1)
      throw new TorchException("Given input size: (" + xs[nd - 3] + "x" + h + "x" + w + "). Calculated output size: ("
          + xs[nd - 3] + "x" + oh + "x" + ow + "). Output size is too small");
    int[] out = xs.clone();
    out[nd - 2] = oh;
    out[nd - 1] = ow;
    int planes = 1;
    for (int i = 0; i < nd - 2; i++) planes *= xs[i];
    return new Geo(out, planes, h, w, oh, ow);
  }

  private static double[] dense(NDArray a) { return a.to(DType.FLOAT64).dense().doubles(); }

  private static int planeGrain(int workPerPlane) { return Math.max(1, 32768 / Math.max(1, workPerPlane)); }

  /** {@code {values, int64 plane-flat indices}}, into the given dense buffers when not null. */
  public static NDArray[] maxForward(NDArray x, Pool2d.Params p, NDArray outOrNull, NDArray idxOrNull) {
    Geo g = geometry("max_pool2d", x.shape(), p);
    NDArray out = OutputBuffer.of(outOrNull, DType.FLOAT64, g.outShape(), "max_pool2d"),
        idx = OutputBuffer.of(idxOrNull, DType.INT64, g.outShape(), "max_pool2d");
    double[] xd = dense(x), od = out.doubles();
    long[] id = idx.longs();
    int h = g.h(), w = g.w(), hw = h * w, ohw = g.oh() * g.ow();
    Parallel.forRange(g.planes(), planeGrain(ohw * p.kH() * p.kW()), (c0, c1) -> {
      for (int c = c0; c < c1; c++) {
        int xo = c * hw, oo = c * ohw;
        for (int oh = 0; oh < g.oh(); oh++) {
          int ih0 = oh * p.sH() - p.pH(), ih1 = Math.min(ih0 + (p.kH() - 1) * p.dH() + 1, h);
          while (ih0 < 0) ih0 += p.dH();
          for (int ow = 0; ow < g.ow(); ow++) {
            int iw0 = ow * p.sW() - p.pW(), iw1 = Math.min(iw0 + (p.kW() - 1) * p.dW() + 1, w);
            while (iw0 < 0) iw0 += p.dW();
            int best = ih0 * w + iw0;
            double max = Double.NEGATIVE_INFINITY;
            for (int ih = ih0; ih < ih1; ih += p.dH())
              for (int iw = iw0; iw < iw1; iw += p.dW()) {
                double v = xd[xo + ih * w + iw];
                if (v > max || Double.isNaN(v)) { max = v; best = ih * w + iw; }
              }
            od[oo + oh * g.ow() + ow] = max;
            id[oo + oh * g.ow() + ow] = best;
          }
        }
      }
    });
    return new NDArray[]{out, idx};
  }

  /** Each gradient element added at its recorded plane-flat index; the result has {@code inputShape}. */
  public static NDArray maxBackward(NDArray gradOut, NDArray indices, int[] inputShape, NDArray outOrNull) {
    if (!Shapes.equal(gradOut.shape(), indices.shape()))
      throw new TorchException("max_pool2d backward: gradOut " + Shapes.str(gradOut.shape()) + " and indices "
          + Shapes.str(indices.shape()) + " must have the same size");
    int nd = inputShape.length;
    if (nd != gradOut.dim() || (nd != 3 && nd != 4))
      throw new TorchException("max_pool2d backward: input shape " + Shapes.str(inputShape) + " does not match gradOut " + Shapes.str(gradOut.shape()));
    for (int i = 0; i < nd - 2; i++)
      if (inputShape[i] != gradOut.size(i))
        throw new TorchException("max_pool2d backward: input shape " + Shapes.str(inputShape) + " does not match gradOut " + Shapes.str(gradOut.shape()));
    NDArray gi = OutputBuffer.of(outOrNull, DType.FLOAT64, inputShape, "max_pool2d_backward");
    if (outOrNull != null) java.util.Arrays.fill(gi.doubles(), 0, gi.numel(), 0);   // gradients are added into it
    double[] go = dense(gradOut), gd = gi.doubles();
    long[] id = indices.to(DType.INT64).dense().longs();
    int hw = inputShape[nd - 2] * inputShape[nd - 1], ohw = gradOut.size(nd - 2) * gradOut.size(nd - 1);
    int planes = 1;
    for (int i = 0; i < nd - 2; i++) planes *= inputShape[i];
    Parallel.forRange(planes, planeGrain(ohw), (c0, c1) -> {
      for (int c = c0; c < c1; c++) {
        int xo = c * hw, oo = c * ohw;
        for (int j = 0; j < ohw; j++) {
          long k = id[oo + j];
          if (k < 0 || k >= hw) throw new TorchException("max_pool2d backward: index " + k + " out of range for a plane of " + hw + " elements");
          gd[xo + (int) k] += go[oo + j];
        }
      }
    });
    return gi;
  }

  /** Average pooling (no dilation), PyTorch's divisor: the clipped padded window, or its input part alone. */
  public static NDArray avgForward(NDArray x, Pool2d.Params p, boolean countIncludePad) {
    checkNoDilation(p);
    Geo g = geometry("avg_pool2d", x.shape(), p);
    NDArray out = NDArray.empty(DType.FLOAT64, g.outShape());
    double[] xd = dense(x), od = out.doubles();
    int hw = g.h() * g.w(), ohw = g.oh() * g.ow();
    Parallel.forRange(g.planes(), planeGrain(ohw * p.kH() * p.kW()), (c0, c1) -> {
      for (int c = c0; c < c1; c++) avgPlane(xd, c * hw, g, p, countIncludePad, od, c * ohw, false);
    });
    return out;
  }

  /** Gradient of {@link #avgForward}: each window's gradient divided by its divisor, added over the window. */
  public static NDArray avgBackward(NDArray gradOut, int[] inputShape, Pool2d.Params p, boolean countIncludePad) {
    checkNoDilation(p);
    Geo g = geometry("avg_pool2d", inputShape, p);
    if (!Shapes.equal(gradOut.shape(), g.outShape()))
      throw new TorchException("avg_pool2d backward: expected gradOut of size " + Shapes.str(g.outShape()) + ", but got " + Shapes.str(gradOut.shape()));
    NDArray gi = NDArray.empty(DType.FLOAT64, inputShape);
    double[] go = dense(gradOut), gd = gi.doubles();
    int hw = g.h() * g.w(), ohw = g.oh() * g.ow();
    Parallel.forRange(g.planes(), planeGrain(ohw * p.kH() * p.kW()), (c0, c1) -> {
      for (int c = c0; c < c1; c++) avgPlane(gd, c * hw, g, p, countIncludePad, go, c * ohw, true);
    });
    return gi;
  }

  /** Forward: out[o] = window sum / divisor. Backward ({@code adjoint}): x[window] += out[o] / divisor. */
  private static void avgPlane(double[] x, int xo, Geo g, Pool2d.Params p, boolean includePad, double[] out, int oo, boolean adjoint) {
    int h = g.h(), w = g.w();
    for (int oh = 0; oh < g.oh(); oh++) {
      int ih0 = oh * p.sH() - p.pH(), ih1 = Math.min(ih0 + p.kH(), h + p.pH());
      for (int ow = 0; ow < g.ow(); ow++) {
        int iw0 = ow * p.sW() - p.pW(), iw1 = Math.min(iw0 + p.kW(), w + p.pW());
        int poolSize = (ih1 - ih0) * (iw1 - iw0);
        int a0 = Math.max(ih0, 0), b0 = Math.max(iw0, 0), a1 = Math.min(ih1, h), b1 = Math.min(iw1, w);
        int o = oo + oh * g.ow() + ow;
        if (a0 >= a1 || b0 >= b1) { if (!adjoint) out[o] = 0; continue; }
        int div = includePad ? poolSize : (a1 - a0) * (b1 - b0);
        if (adjoint) {
          double gv = out[o] / div;
          for (int ih = a0; ih < a1; ih++) for (int iw = b0; iw < b1; iw++) x[xo + ih * w + iw] += gv;
        } else {
          double s = 0;
          for (int ih = a0; ih < a1; ih++) for (int iw = b0; iw < b1; iw++) s += x[xo + ih * w + iw];
          out[o] = s / div;
        }
      }
    }
  }

  /**
   * Adaptive average pooling to {@code oh x ow} ({@link AdaptivePool2d}'s windows): each cell's double sum divided
   * by the window's height, then its width, as PyTorch's CPU kernel does.
   */
  public static NDArray adaptiveAvgForward(NDArray x, int oh, int ow) {
    int nd = x.dim(), h = x.size(nd - 2), w = x.size(nd - 1);
    int[] shape = x.shape().clone();
    shape[nd - 2] = oh;
    shape[nd - 1] = ow;
    NDArray out = NDArray.empty(DType.FLOAT64, shape);
    if (out.numel() == 0) return out;
    double[] xd = dense(x), od = out.doubles();
    int planes = out.numel() / (oh * ow);
    for (int c = 0; c < planes; c++) {
      int xo = c * h * w, oo = c * oh * ow;
      for (int i = 0; i < oh; i++) {
        int h0 = AdaptivePool2d.start(i, oh, h), h1 = AdaptivePool2d.end(i, oh, h);
        for (int j = 0; j < ow; j++) {
          int w0 = AdaptivePool2d.start(j, ow, w), w1 = AdaptivePool2d.end(j, ow, w);
          double sum = 0;
          for (int r = h0; r < h1; r++) for (int q = w0; q < w1; q++) sum += xd[xo + r * w + q];
          od[oo + i * ow + j] = sum / (h1 - h0) / (w1 - w0);
        }
      }
    }
    return out;
  }

  /** Each cell's gradient divided by its window's height, then width, and added over its window. */
  public static NDArray adaptiveAvgBackward(NDArray gradOut, int[] inputShape) {
    int nd = inputShape.length, h = inputShape[nd - 2], w = inputShape[nd - 1];
    int oh = gradOut.size(nd - 2), ow = gradOut.size(nd - 1);
    NDArray gi = NDArray.empty(DType.FLOAT64, inputShape);
    if (gi.numel() == 0 || gradOut.numel() == 0) return gi;
    double[] go = dense(gradOut), gd = gi.doubles();
    int planes = gi.numel() / (h * w);
    for (int c = 0; c < planes; c++) {
      int xo = c * h * w, oo = c * oh * ow;
      for (int i = 0; i < oh; i++) {
        int h0 = AdaptivePool2d.start(i, oh, h), h1 = AdaptivePool2d.end(i, oh, h);
        for (int j = 0; j < ow; j++) {
          int w0 = AdaptivePool2d.start(j, ow, w), w1 = AdaptivePool2d.end(j, ow, w);
          double g = go[oo + i * ow + j] / (h1 - h0) / (w1 - w0);
          for (int r = h0; r < h1; r++) for (int q = w0; q < w1; q++) gd[xo + r * w + q] += g;
        }
      }
    }
    return gi;
  }

  private static void checkNoDilation(Pool2d.Params p) {
    if (p.dH() != 1 || p.dW() != 1) throw new TorchException("avg_pool2d does not support dilation (got " + p.dH() + ", " + p.dW() + ")");
  }
}
