package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packed-GEMM weight gradient ({@link ConvWeightGemm}) against the direct loops of {@link Conv2dTest} (float32
 * error bound of a sum over the batch's pixels) and against the dot-product kernel it replaces, on the shapes its
 * edges come from: channel panels of 11/12 rows and short last panels, column-matrix panels cut by kk, pixel
 * passes that straddle images, strides, dilations, groups, a batch of one, and part splits at two threads (at image
 * boundaries and inside images).
 */
class ConvWeightGemmTest {
  private static final double U = Math.ulp(1f) / 2;

  @AfterEach void restoreThreads() { Parallel.setThreads(Runtime.getRuntime().availableProcessors()); }

  private static float[] packed(NDArray go, NDArray x, int[] ws, Conv2d.Params p) {
    ConvGeometry g = Conv2d.geometry(x.shape(), ws, p);
    float[] gw = new float[ws[0] * ws[1] * ws[2] * ws[3]];
    java.util.Arrays.fill(gw, Float.NaN);   // every element must be written
    ConvWeightGemm.backwardWeight(g, go.floats(), x.floats(), gw);
    return gw;
  }

  private static float[] dots(NDArray go, NDArray x, int[] ws, Conv2d.Params p) {
    ConvGeometry g = Conv2d.geometry(x.shape(), ws, p);
    float[] gw = new float[ws[0] * ws[1] * ws[2] * ws[3]];
    ConvGemm.backwardWeightDots(g, go.floats(), x.floats(), gw);
    return gw;
  }

  private static void check(Random r, int[] xs, int oc, int kh, int kw, Conv2d.Params p) {
    int[] ws = {oc, xs[1] / p.groups(), kh, kw};
    NDArray x = Conv2dTest.rand(r, xs), w = Conv2dTest.rand(r, ws);
    int oh = Conv2d.outSize(xs[2], kh, p.strideH(), p.padH(), p.dilH()), ow = Conv2d.outSize(xs[3], kw, p.strideW(), p.padW(), p.dilW());
    NDArray go = Conv2dTest.rand(r, xs[0], oc, oh, ow);
    String cfg = java.util.Arrays.toString(xs) + " oc=" + oc + " k=" + kh + "x" + kw + " " + p + ", " + Parallel.threads() + " threads";
    double[] want = Conv2dTest.naiveBackward(x, w, go, p)[1];
    double[] mag = Conv2dTest.naiveBackward(Conv2dTest.abs(x), Conv2dTest.abs(w), Conv2dTest.abs(go), p)[1];
    float[] got = packed(go, x, ws, p), old = dots(go, x, ws, p);
    int terms = xs[0] * oh * ow;
    for (int i = 0; i < got.length; i++) {
      double tol = 2 * (terms + 2) * U * mag[i] + 1e-30;
      if (!(Math.abs(want[i] - got[i]) <= tol)) fail(cfg + ": gw[" + i + "] = " + got[i] + ", expected " + want[i] + " (tol " + tol + ")");
      if (!(Math.abs(old[i] - got[i]) <= 2 * tol)) fail(cfg + ": gw[" + i + "] = " + got[i] + ", dot-product kernel " + old[i]);
    }
    assertArrayEquals(got, packed(go, x, ws, p), cfg + ": second call");
  }

  @Test void againstDirectLoopsAndDotKernel() {
    Random r = new Random(41);
    for (int threads : new int[]{1, 2}) {
      Parallel.setThreads(threads);
      check(r, new int[]{64, 20, 12, 12}, 50, 5, 5, Conv2d.Params.defaults());                 // MNIST conv2: 4 x 12 + 2 rows
      check(r, new int[]{1, 20, 12, 12}, 50, 5, 5, Conv2d.Params.defaults());                  // batch of one
      check(r, new int[]{3, 16, 21, 30}, 33, 3, 3, Conv2d.Params.of(2, 0, 1, 1));              // 3 x 11 rows, kk 144 (last panel 16)
      check(r, new int[]{2, 7, 13, 17}, 13, 3, 5, new Conv2d.Params(2, 1, 0, 0, 3, 1, 1));     // dilation (3,1), kk 105, odd sizes
      check(r, new int[]{3, 9, 11, 19}, 5, 2, 4, new Conv2d.Params(3, 2, 0, 0, 1, 2, 1));      // strides 3/2, dilation 2, 5 rows
      check(r, new int[]{2, 12, 9, 10}, 22, 3, 3, new Conv2d.Params(1, 1, 0, 0, 1, 1, 2));     // groups: 11 channels each
      check(r, new int[]{1, 1, 37, 41}, 7, 8, 9, Conv2d.Params.defaults());                    // one channel, kk 72 (panels 32+32+8)
      check(r, new int[]{5, 3, 7, 7}, 1, 5, 5, Conv2d.Params.defaults());                      // one output channel, 9 pixels per image
      check(r, new int[]{1, 64, 5, 6}, 5, 3, 3, Conv2d.Params.defaults());                     // kk 576, 12 pixels in all
      check(r, new int[]{3, 4, 40, 41}, 9, 3, 3, Conv2d.Params.defaults());                    // 4446 pixels: parts end mid-image
    }
  }

  /** A fixed thread count gives the same bits run to run; the dispatch picks this path for the MNIST layer. */
  @Test void bitIdenticalRunToRunAndDispatched() {
    Random r = new Random(42);
    NDArray x = Conv2dTest.rand(r, 64, 20, 12, 12), go = Conv2dTest.rand(r, 64, 50, 8, 8);
    int[] ws = {50, 20, 5, 5};
    Conv2d.Params p = Conv2d.Params.defaults();
    assertTrue(ConvWeightGemm.applies(Conv2d.geometry(x.shape(), ws, p)));
    for (int threads : new int[]{1, 2}) {
      Parallel.setThreads(threads);
      float[] first = Conv2d.backwardWeight(go, x, ws, p).floats();
      assertArrayEquals(first, packed(go, x, ws, p), threads + " threads: Conv2d.backwardWeight takes the packed path");
      for (int run = 0; run < 3; run++)
        assertArrayEquals(first, Conv2d.backwardWeight(go, x, ws, p).floats(), threads + " threads, run " + run);
    }
  }
}
