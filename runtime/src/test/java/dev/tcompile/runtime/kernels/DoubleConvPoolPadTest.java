package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float64 conv/pool/pad kernels against the float32 ones (an independent implementation: im2col GEMMs, unrolled
 * pooling) over a sweep of hyper-parameters, on inputs that are exactly representable in float32 so both see the
 * same numbers: copies, maxima and indices agree exactly, sums to float32 rounding. PyTorch's own float64 values
 * are checked in the frontend's Float64ConvGoldenTest.
 */
class DoubleConvPoolPadTest {
  /** A float64 array of float32-representable values, and the same values as float32. */
  private static NDArray[] pair(Random r, int... shape) {
    NDArray d = NDArray.empty(DType.FLOAT64, shape), f = NDArray.empty(DType.FLOAT32, shape);
    for (int i = 0; i < d.numel(); i++) {
      float v = (float) r.nextGaussian();
      d.doubles()[i] = v;
      f.floats()[i] = v;
    }
    return new NDArray[]{d, f};
  }

  private static void close(NDArray d, NDArray f, double tol, String what) {
    assertEquals(DType.FLOAT64, d.dtype(), what);
    assertArrayEquals(f.shape(), d.shape(), what);
    for (int i = 0; i < d.numel(); i++)
      assertEquals(f.floats()[i], d.doubles()[i], tol * (1 + Math.abs(d.doubles()[i])), what + " element " + i);
  }

  @Test
  void convolutionAgreesWithTheFloat32KernelOverStridesPaddingDilationAndGroups() {
    Random r = new Random(1);
    for (int groups : new int[]{1, 2})
      for (int stride = 1; stride <= 3; stride++)
        for (int pad = 0; pad <= 2; pad++)
          for (int dil = 1; dil <= 2; dil++) {
            Conv2d.Params p = new Conv2d.Params(stride, 4 - stride, pad, 2 - pad, dil, 3 - dil, groups);
            NDArray[] x = pair(r, 2, 4, 9, 8), w = pair(r, 6, 4 / groups, 3, 2), b = pair(r, 6);
            String what = p.toString();
            NDArray yd = DoubleConv2d.forward(x[0], w[0], b[0], p, false, null), yf = Conv2d.forward(x[1], w[1], b[1], p);
            close(yd, yf, 1e-5, what + " forward");
            NDArray[] g = pair(r, yd.shape());
            close(DoubleConv2d.backwardInput(g[0], w[0], x[0].shape(), p, null), Conv2d.backwardInput(g[1], w[1], x[1].shape(), p), 1e-5, what + " input grad");
            close(DoubleConv2d.backwardWeight(g[0], x[0], w[0].shape(), p, null), Conv2d.backwardWeight(g[1], x[1], w[1].shape(), p), 1e-5, what + " weight grad");
          }
  }

  @Test
  void reluEpilogueAndOutputBuffersGiveTheSameBits() {
    Random r = new Random(2);
    Conv2d.Params p = Conv2d.Params.of(1, 1, 1, 1);
    NDArray[] x = pair(r, 1, 2, 5, 5), w = pair(r, 3, 2, 3, 3), b = pair(r, 3);
    NDArray plain = DoubleConv2d.forward(x[0], w[0], b[0], p, false, null);
    NDArray relu = DoubleConv2d.forward(x[0], w[0], b[0], p, true, null);
    for (int i = 0; i < plain.numel(); i++) assertEquals(Math.max(0, plain.doubles()[i]), relu.doubles()[i], 0);
    NDArray dirty = NDArray.empty(DType.FLOAT64, plain.shape());
    Arrays.fill(dirty.doubles(), 7);
    assertArrayEquals(plain.doubles(), DoubleConv2d.forward(x[0], w[0], b[0], p, false, dirty).doubles(), 0);

    NDArray[] m = DoublePool2d.maxForward(x[0], Pool2d.Params.of(2, 1, 0, false), null, null);
    NDArray fresh = DoublePool2d.maxBackward(m[0], m[1], x[0].shape(), null);
    NDArray reused = NDArray.empty(DType.FLOAT64, x[0].shape());
    Arrays.fill(reused.doubles(), 3);
    assertArrayEquals(fresh.doubles(), DoublePool2d.maxBackward(m[0], m[1], x[0].shape(), reused).doubles(), 0, "a reused buffer is cleared first");
  }

  @Test
  void poolingAgreesWithTheFloat32Kernel() {
    Random r = new Random(3);
    for (boolean ceil : new boolean[]{false, true})
      for (int k = 1; k <= 3; k++)
        for (int s = 1; s <= 3; s++)
          for (int pad = 0; pad <= k / 2; pad++) {
            Pool2d.Params p = new Pool2d.Params(k, k + 1, s, 4 - s, pad, (k + 1) / 2 >= pad ? pad : 0, 1, 1, ceil);
            Pool2d.Params pd = new Pool2d.Params(k, k + 1, s, 4 - s, pad, p.pW(), 1 + s % 2, 1, ceil);
            NDArray[] x = pair(r, 2, 3, 8, 7);
            for (Pool2d.Params q : new Pool2d.Params[]{p, pd}) {
              NDArray[] md = DoublePool2d.maxForward(x[0], q, null, null), mf = Pool2d.maxForward(x[1], q);
              close(md[0], mf[0], 0, q + " max");
              assertArrayEquals(mf[1].longs(), md[1].longs(), q + " indices");
              NDArray[] g = pair(r, md[0].shape());
              close(DoublePool2d.maxBackward(g[0], md[1], x[0].shape(), null), Pool2d.maxBackward(g[1], mf[1], x[1].shape()), 1e-6, q + " max grad");
            }
            for (boolean include : new boolean[]{false, true}) {
              NDArray ad = DoublePool2d.avgForward(x[0], p, include);
              close(ad, Pool2d.avgForward(x[1], p, include), 1e-6, p + " avg");
              NDArray[] g = pair(r, ad.shape());
              close(DoublePool2d.avgBackward(g[0], x[0].shape(), p, include), Pool2d.avgBackward(g[1], x[1].shape(), p, include), 1e-6, p + " avg grad");
            }
          }
  }

  @Test
  void maxPoolingTakesTheLastNaNAsThePool2dKernelDoes() {
    double nan = Double.NaN;
    NDArray x = NDArray.empty(DType.FLOAT64, 1, 2, 4);
    System.arraycopy(new double[]{1, nan, 3, nan, 5, 6, 7, 8}, 0, x.doubles(), 0, 8);
    NDArray[] m = DoublePool2d.maxForward(x, Pool2d.Params.of(2, 0, 0, false), null, null);
    NDArray[] f = Pool2d.maxForward(x.to(DType.FLOAT32), Pool2d.Params.of(2, 0, 0, false));
    assertArrayEquals(f[1].longs(), m[1].longs());
    assertEquals(Double.NaN, m[0].doubles()[0]);
  }

  @Test
  void paddingAgreesWithTheFloat32Kernel() {
    Random r = new Random(4);
    int[][] pads = {{1, 2, 0, 1}, {2, 1, 1, 2}, {3, 0}};
    for (Pad.Mode mode : Pad.Mode.values())
      for (int[] pad : pads) {
        NDArray[] x = pair(r, 2, 3, 4, 5);
        NDArray yd = DoublePad.forward(x[0], pad, mode, 0.5), yf = Pad.forward(x[1], pad, mode, 0.5);
        close(yd, yf, 0, mode + " " + Arrays.toString(pad));
        NDArray[] g = pair(r, yd.shape());
        close(DoublePad.backward(g[0], pad, mode, x[0].shape()), Pad.backward(g[1], pad, mode, x[1].shape()), 1e-6, mode + " grad");
      }
    NDArray c = DoublePad.forward(pair(r, 1, 2)[0], new int[]{1, 0}, Pad.Mode.CONSTANT, 0.1);
    assertEquals(0.1, c.doubles()[0], 0, "the constant at full double precision");
  }

  @Test
  void badShapesAreTorchExceptions() {
    Random r = new Random(5);
    Conv2d.Params p = Conv2d.Params.defaults();
    NDArray x = pair(r, 1, 2, 5, 5)[0], w = pair(r, 3, 2, 3, 3)[0];
    assertThrows(TorchException.class, () -> DoubleConv2d.backwardInput(pair(r, 1, 3, 4, 4)[0], w, x.shape(), p, null));
    assertThrows(TorchException.class, () -> DoubleConv2d.backwardWeight(pair(r, 1, 3, 3)[0], x, w.shape(), p, null));
    assertThrows(TorchException.class, () -> DoubleConv2d.forward(x, pair(r, 3, 3, 3, 3)[0], null, p, false, null));
    assertThrows(TorchException.class, () -> DoubleConv2d.forward(x, w, pair(r, 2)[0], p, false, null));
    assertThrows(TorchException.class, () -> DoublePool2d.avgBackward(pair(r, 1, 2, 3, 3)[0], x.shape(), Pool2d.Params.of(2, 2, 0, false), true));
    NDArray badIdx = NDArray.empty(DType.INT64, 1, 2, 2, 2);
    Arrays.fill(badIdx.longs(), 99);
    assertThrows(TorchException.class, () -> DoublePool2d.maxBackward(pair(r, 1, 2, 2, 2)[0], badIdx, x.shape(), null));
  }
}
