package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Conv2d forward and both backward passes against a direct (seven-loop) convolution written here, and, on the
 * large seed shapes, against the adjoint identity {@code <conv(x,w), g> == <x, convBackInput(g,w)> ==
 * <w, convBackWeight(g,x)>}. Tolerances are float32 error bounds of the sums involved (see {@link #bound}).
 */
class Conv2dTest {
  private static final double U = Math.ulp(1f) / 2;

  @AfterEach void restoreThreads() { Parallel.setThreads(Runtime.getRuntime().availableProcessors()); }

  static NDArray rand(Random r, int... shape) {
    NDArray a = NDArray.empty(DType.FLOAT32, shape);
    float[] d = a.floats();
    for (int i = 0; i < d.length; i++) d[i] = r.nextFloat() * 2 - 1;
    return a;
  }

  /** Direct convolution in double; with {@code abs} it sums |x||w| (the magnitude used for error bounds). */
  static double[] naiveForward(NDArray x, NDArray w, NDArray bias, Conv2d.Params p, boolean abs) {
    int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), oc = w.size(0), cg = w.size(1), kh = w.size(2), kw = w.size(3);
    int g = p.groups(), ocg = oc / g;
    int oh = Conv2d.outSize(h, kh, p.strideH(), p.padH(), p.dilH()), ow = Conv2d.outSize(wd, kw, p.strideW(), p.padW(), p.dilW());
    float[] xs = x.floats(), ws = w.floats();
    double[] out = new double[n * oc * oh * ow];
    for (int i = 0; i < n; i++) for (int o = 0; o < oc; o++) for (int y = 0; y < oh; y++) for (int z = 0; z < ow; z++) {
      double s = bias == null ? 0 : (abs ? Math.abs(bias.floats()[o]) : bias.floats()[o]);
      int gr = o / ocg;
      for (int ci = 0; ci < cg; ci++) for (int a = 0; a < kh; a++) for (int b = 0; b < kw; b++) {
        int ih = y * p.strideH() - p.padH() + a * p.dilH(), iw = z * p.strideW() - p.padW() + b * p.dilW();
        if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
        double xv = xs[((i * c + gr * cg + ci) * h + ih) * wd + iw], wv = ws[((o * cg + ci) * kh + a) * kw + b];
        s += abs ? Math.abs(xv * wv) : xv * wv;
      }
      out[((i * oc + o) * oh + y) * ow + z] = s;
    }
    return out;
  }

  /** Direct gradients in double: [0] = d/dx, [1] = d/dw of <conv(x,w), gout>. */
  static double[][] naiveBackward(NDArray x, NDArray w, NDArray gout, Conv2d.Params p) {
    int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), oc = w.size(0), cg = w.size(1), kh = w.size(2), kw = w.size(3);
    int g = p.groups(), ocg = oc / g, oh = gout.size(2), ow = gout.size(3);
    float[] xs = x.floats(), ws = w.floats(), gs = gout.floats();
    double[] gx = new double[xs.length], gw = new double[ws.length];
    for (int i = 0; i < n; i++) for (int o = 0; o < oc; o++) for (int y = 0; y < oh; y++) for (int z = 0; z < ow; z++) {
      double go = gs[((i * oc + o) * oh + y) * ow + z];
      int gr = o / ocg;
      for (int ci = 0; ci < cg; ci++) for (int a = 0; a < kh; a++) for (int b = 0; b < kw; b++) {
        int ih = y * p.strideH() - p.padH() + a * p.dilH(), iw = z * p.strideW() - p.padW() + b * p.dilW();
        if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
        int xi = ((i * c + gr * cg + ci) * h + ih) * wd + iw, wi = ((o * cg + ci) * kh + a) * kw + b;
        gx[xi] += go * ws[wi];
        gw[wi] += go * xs[xi];
      }
    }
    return new double[][]{gx, gw};
  }

  private static void assertClose(String what, double[] expected, float[] got, double[] magnitude, int terms) {
    assertEquals(expected.length, got.length, what + " size");
    for (int i = 0; i < got.length; i++) {
      double tol = 2 * (terms + 2) * U * magnitude[i] + 1e-30;
      if (!(Math.abs(expected[i] - got[i]) <= tol))
        fail(what + "[" + i + "] = " + got[i] + ", expected " + expected[i] + " (tol " + tol + ")");
    }
  }

  private static double[] absOf(double[] a) { double[] r = new double[a.length]; for (int i = 0; i < a.length; i++) r[i] = Math.abs(a[i]); return r; }

  /** Checks forward, backwardInput and backwardWeight against the direct loops on one small configuration. */
  private static void checkSmall(Random r, int[] xs, int oc, int kh, int kw, Conv2d.Params p, boolean bias) {
    NDArray x = rand(r, xs), w = rand(r, oc, xs[1] / p.groups(), kh, kw), b = bias ? rand(r, oc) : null;
    String cfg = java.util.Arrays.toString(xs) + " oc=" + oc + " k=" + kh + "x" + kw + " " + p;
    NDArray out = Conv2d.forward(x, w, b, p);
    int oh = Conv2d.outSize(xs[2], kh, p.strideH(), p.padH(), p.dilH()), ow = Conv2d.outSize(xs[3], kw, p.strideW(), p.padW(), p.dilW());
    assertArrayEquals(new int[]{xs[0], oc, oh, ow}, out.shape(), cfg);
    int cgkk = xs[1] / p.groups() * kh * kw;
    assertClose("forward " + cfg, naiveForward(x, w, b, p, false), out.floats(), naiveForward(x, w, b, p, true), cgkk + 1);
    NDArray g = rand(r, out.shape());
    double[][] ref = naiveBackward(x, w, g, p);
    // magnitudes: the same sums over |terms|
    NDArray ax = abs(x), aw = abs(w), ag = abs(g);
    double[][] mag = naiveBackward(ax, aw, ag, p);
    NDArray gi = Conv2d.backwardInput(g, w, xs, p);
    assertArrayEquals(xs, gi.shape());
    assertClose("backwardInput " + cfg, ref[0], gi.floats(), mag[0], oc / p.groups() * kh * kw);
    NDArray gw = Conv2d.backwardWeight(g, x, w.shape(), p);
    assertArrayEquals(w.shape(), gw.shape());
    assertClose("backwardWeight " + cfg, ref[1], gw.floats(), mag[1], xs[0] * oh * ow);
  }

  static NDArray abs(NDArray a) {
    NDArray r = a.copy();
    float[] d = r.floats();
    for (int i = 0; i < d.length; i++) d[i] = Math.abs(d[i]);
    return r;
  }

  @Test void outSizeMatchesPyTorch() {
    assertEquals(24, Conv2d.outSize(50, 3, 2, 0, 1));
    assertEquals(49, Conv2d.outSize(100, 3, 2, 0, 1));
    assertEquals(28, Conv2d.outSize(50, 3, 2, 4, 1));
    assertEquals(100, Conv2d.outSize(100, 5, 1, 2, 1));
    assertEquals(26, Conv2d.outSize(50, 3, 2, 4, 3));
    assertEquals(24, Conv2d.outSize(28, 5, 1, 0, 1));
  }

  @Test void manyConfigurationsAgainstDirectLoops() {
    Random r = new Random(21);
    int[][] strides = {{1, 1}, {2, 2}, {2, 1}, {3, 2}};
    int[][] pads = {{0, 0}, {1, 1}, {2, 0}, {4, 2}};
    int[][] dils = {{1, 1}, {2, 2}, {3, 1}};
    int[][] kernels = {{1, 1}, {3, 3}, {3, 5}, {2, 1}};
    int cfg = 0;
    for (int[] s : strides) for (int[] pd : pads) for (int[] d : dils) for (int[] k : kernels) {
      Conv2d.Params p = new Conv2d.Params(s[0], s[1], pd[0], pd[1], d[0], d[1], 1);
      int h = 9 + (cfg % 3), w = 11 + (cfg % 4);
      cfg++;
      if (Conv2d.outSize(h, k[0], s[0], pd[0], d[0]) <= 0 || Conv2d.outSize(w, k[1], s[1], pd[1], d[1]) <= 0) continue;
      checkSmall(r, new int[]{2, 3, h, w}, 5, k[0], k[1], p, cfg % 2 == 0);
    }
  }

  @Test void groupsDepthwiseAndEdgeShapes() {
    Random r = new Random(22);
    checkSmall(r, new int[]{2, 6, 10, 9}, 4, 3, 3, new Conv2d.Params(1, 1, 1, 1, 1, 1, 2), true);
    checkSmall(r, new int[]{3, 6, 8, 8}, 9, 3, 2, new Conv2d.Params(2, 1, 1, 0, 1, 2, 3), false);
    checkSmall(r, new int[]{2, 4, 7, 7}, 4, 3, 3, new Conv2d.Params(1, 1, 1, 1, 1, 1, 4), true);   // depthwise
    checkSmall(r, new int[]{1, 8, 6, 5}, 16, 1, 1, new Conv2d.Params(1, 1, 0, 0, 1, 1, 4), true);  // grouped 1x1, direct path
    checkSmall(r, new int[]{1, 1, 1, 1}, 1, 1, 1, Conv2d.Params.defaults(), true);                 // all ones
    checkSmall(r, new int[]{1, 2, 5, 5}, 3, 5, 5, Conv2d.Params.defaults(), false);                // kernel == input: 1x1 output
    checkSmall(r, new int[]{2, 3, 13, 17}, 7, 4, 6, new Conv2d.Params(5, 7, 3, 2, 1, 1, 1), true); // stride > kernel
    checkSmall(r, new int[]{3, 2, 4, 4}, 3, 3, 3, new Conv2d.Params(1, 1, 5, 5, 1, 1, 1), true);   // padding > kernel
    checkSmall(r, new int[]{5, 17, 11, 23}, 37, 3, 3, Conv2d.Params.of(1, 1, 1, 1), true);         // primes, GEMM edges
    // column matrices larger than one im2col chunk: one output row per chunk, and chunks of 2 rows + a remainder
    checkSmall(r, new int[]{2, 64, 9, 37}, 4, 5, 5, Conv2d.Params.of(1, 2, 1, 1), true);
    checkSmall(r, new int[]{2, 32, 9, 70}, 4, 3, 3, Conv2d.Params.of(1, 1, 1, 1), false);
    checkSmall(r, new int[]{1, 32, 17, 140}, 3, 3, 3, new Conv2d.Params(2, 2, 1, 1, 1, 1, 1), true);
  }

  /**
   * The implicit GEMM's own edges: 11-row weight panels (33 channels) and their remainders, weight matrices
   * longer than one k-block (beta = 1 passes), several pixel blocks per image, runs longer than one GEMM panel
   * with stride 2 and padding (even-lane copies, interleaved tap pairs in col2im, masked loads at the borders),
   * larger strides (element by element), batches of one, and weight gradients over chunks of several images.
   */
  @Test void implicitGemmEdges() {
    Random r = new Random(27);
    for (int threads : new int[]{1, 2}) {
      Parallel.setThreads(threads);
      checkSmall(r, new int[]{2, 5, 9, 40}, 33, 3, 3, Conv2d.Params.of(1, 1, 1, 1), true);                // 3 x 11 rows
      checkSmall(r, new int[]{1, 4, 7, 9}, 34, 1, 3, new Conv2d.Params(1, 2, 0, 1, 1, 1, 2), false);       // 17 per group
      checkSmall(r, new int[]{2, 11, 6, 37}, 13, 1, 3, new Conv2d.Params(1, 2, 0, 3, 1, 2, 1), true);      // kk = 33
      checkSmall(r, new int[]{1, 64, 5, 6}, 5, 3, 3, Conv2d.Params.of(1, 1, 1, 1), false);                // kk = 576 > one k-block
      checkSmall(r, new int[]{1, 1, 90, 91}, 3, 3, 3, Conv2d.Params.defaults(), true);                     // several pixel blocks
      checkSmall(r, new int[]{2, 3, 11, 101}, 7, 3, 5, new Conv2d.Params(2, 2, 2, 3, 1, 1, 1), true);      // stride 2, long runs
      checkSmall(r, new int[]{1, 2, 9, 77}, 4, 2, 4, new Conv2d.Params(1, 2, 1, 2, 1, 3, 1), false);       // stride 2, dilation 3
      checkSmall(r, new int[]{2, 2, 10, 50}, 3, 3, 3, new Conv2d.Params(3, 3, 1, 1, 2, 1, 1), true);       // stride 3
      checkSmall(r, new int[]{40, 2, 6, 6}, 3, 3, 3, Conv2d.Params.defaults(), false);                     // many images per chunk
      checkSmall(r, new int[]{3, 2, 40, 40}, 3, 3, 3, new Conv2d.Params(2, 1, 0, 1, 1, 1, 1), true);       // one image per chunk
    }
  }

  @Test void singleAndMultiThreadAgree() {
    Random r = new Random(23);
    NDArray x = rand(r, 3, 5, 20, 21), w = rand(r, 6, 5, 3, 3), b = rand(r, 6);
    Conv2d.Params p = Conv2d.Params.of(1, 1, 1, 1);
    Parallel.setThreads(1);
    NDArray o1 = Conv2d.forward(x, w, b, p), g = rand(r, o1.shape());
    NDArray i1 = Conv2d.backwardInput(g, w, x.shape(), p), w1 = Conv2d.backwardWeight(g, x, w.shape(), p);
    Parallel.setThreads(2);
    NDArray o2 = Conv2d.forward(x, w, b, p);
    NDArray i2 = Conv2d.backwardInput(g, w, x.shape(), p), w2 = Conv2d.backwardWeight(g, x, w.shape(), p);
    assertArrayEquals(o1.floats(), o2.floats()); // per-image work is identical whichever thread does it
    assertArrayEquals(i1.floats(), i2.floats());
    double[][] ref = naiveBackward(x, w, g, p), mag = naiveBackward(abs(x), abs(w), abs(g), p);
    assertClose("backwardWeight 2 threads", ref[1], w2.floats(), mag[1], 3 * 20 * 21);
    assertClose("backwardWeight 1 thread", ref[1], w1.floats(), mag[1], 3 * 20 * 21);
  }

  /**
   * The padded forward (each image copied into a zero-bordered buffer first) gives the bits of an unpadded
   * convolution of the explicitly zero-padded input: per (image, block) tasks (few images) and per image tasks.
   */
  @Test void paddedForwardEqualsConvOfExplicitlyPaddedInput() {
    Random r = new Random(31);
    Conv2d.Params padded = new Conv2d.Params(2, 1, 4, 2, 3, 1, 1), none = new Conv2d.Params(2, 1, 0, 0, 3, 1, 1);
    NDArray w = rand(r, 33, 4, 3, 5), b = rand(r, 33);
    for (int n : new int[]{1, 2, 5}) {
      NDArray x = rand(r, n, 4, 17, 23);
      float[] xp = new float[n * 4 * 25 * 27];
      for (int i = 0; i < n * 4; i++)
        for (int row = 0; row < 17; row++)
          System.arraycopy(x.floats(), (i * 17 + row) * 23, xp, (i * 25 + row + 4) * 27 + 2, 23);
      for (int threads : new int[]{1, 2}) {
        Parallel.setThreads(threads);
        NDArray want = Conv2d.forward(NDArray.wrap(xp, n, 4, 25, 27), w, b, none, true);
        assertArrayEquals(want.floats(), Conv2d.forward(x, w, b, padded, true).floats(), n + " images, " + threads + " threads");
      }
    }
  }

  /** A fixed thread count gives the same bits call after call (weight-gradient parts are summed in part order). */
  @Test void bitIdenticalRunToRunAtFixedThreadCount() {
    Random r = new Random(28);
    Object[][] cases = {{new int[]{64, 1, 28, 28}, new int[]{20, 1, 5, 5}, Conv2d.Params.defaults()},
        {new int[]{64, 20, 12, 12}, new int[]{50, 20, 5, 5}, Conv2d.Params.defaults()},
        {new int[]{4, 16, 30, 40}, new int[]{33, 16, 3, 3}, Conv2d.Params.of(2, 0, 1, 1)}};
    for (int threads : new int[]{1, 2}) {
      Parallel.setThreads(threads);
      for (Object[] c : cases) {
        NDArray x = rand(r, (int[]) c[0]), w = rand(r, (int[]) c[1]), b = rand(r, ((int[]) c[1])[0]);
        Conv2d.Params p = (Conv2d.Params) c[2];
        NDArray o = Conv2d.forward(x, w, b, p), g = rand(r, o.shape());
        NDArray gi = Conv2d.backwardInput(g, w, x.shape(), p), gw = Conv2d.backwardWeight(g, x, w.shape(), p);
        for (int run = 0; run < 3; run++) {
          String at = threads + " threads, run " + run + ", input " + java.util.Arrays.toString((int[]) c[0]);
          assertArrayEquals(o.floats(), Conv2d.forward(x, w, b, p).floats(), "forward " + at);
          assertArrayEquals(gi.floats(), Conv2d.backwardInput(g, w, x.shape(), p).floats(), "backwardInput " + at);
          assertArrayEquals(gw.floats(), Conv2d.backwardWeight(g, x, w.shape(), p).floats(), "backwardWeight " + at);
        }
      }
    }
  }

  @Test void fusedBiasReluAndNonContiguousInput() {
    Random r = new Random(24);
    NDArray x = rand(r, 2, 3, 9, 8), w = rand(r, 4, 3, 3, 3), b = rand(r, 4);
    Conv2d.Params p = Conv2d.Params.of(1, 1, 1, 1);
    NDArray plain = Conv2d.forward(x, w, b, p), fused = Conv2d.forward(x, w, b, p, true);
    for (int i = 0; i < plain.numel(); i++) assertEquals(Math.max(plain.floats()[i], 0f), fused.floats()[i], 0f);
    // the same input stored as [N, C, W, H] and viewed transposed
    NDArray t = NDArray.empty(DType.FLOAT32, 2, 3, 8, 9);
    for (int n = 0; n < 2; n++) for (int c = 0; c < 3; c++) for (int h = 0; h < 9; h++) for (int ww = 0; ww < 8; ww++)
      t.floats()[((n * 3 + c) * 8 + ww) * 9 + h] = x.floats()[((n * 3 + c) * 9 + h) * 8 + ww];
    NDArray view = t.view(new int[]{2, 3, 9, 8}, new int[]{216, 72, 1, 9}, 0);
    assertArrayEquals(plain.floats(), Conv2d.forward(view, w, b, p).floats());
  }

  /** The shapes from the seed's Conv2d examples, checked by the adjoint identity (and the forward by direct loops). */
  @Test void seedShapesAdjointIdentity() {
    Random r = new Random(25);
    NDArray x = rand(r, 20, 16, 50, 100);
    Object[][] cases = {
        {3, 3, Conv2d.Params.of(2, 0, 1, 1), new int[]{20, 33, 24, 49}},
        {3, 5, new Conv2d.Params(2, 1, 4, 2, 1, 1, 1), new int[]{20, 33, 28, 100}},
        {3, 5, new Conv2d.Params(2, 1, 4, 2, 3, 1, 1), new int[]{20, 33, 26, 100}},
    };
    for (Object[] cs : cases) {
      int kh = (int) cs[0], kw = (int) cs[1];
      Conv2d.Params p = (Conv2d.Params) cs[2];
      NDArray w = rand(r, 33, 16, kh, kw);
      NDArray out = Conv2d.forward(x, w, null, p);
      assertArrayEquals((int[]) cs[3], out.shape());
      assertClose("seed forward " + p, naiveForward(x, w, null, p, false), out.floats(), naiveForward(x, w, null, p, true), 16 * kh * kw);
      NDArray g = rand(r, out.shape());
      NDArray gi = Conv2d.backwardInput(g, w, x.shape(), p), gw = Conv2d.backwardWeight(g, x, w.shape(), p);
      double lhs = dot(out, g), mid = dot(x, gi), rhs = dot(w, gw);
      // bound: every product x*w*g appears once in each sum; the longest float32 sum has N*OH*OW terms
      double total = dot(naiveForward(abs(x), abs(w), null, p, false), abs(g));
      int terms = Math.max(20 * out.size(2) * out.size(3), 33 * kh * kw) + 16 * kh * kw;
      double tol = 2 * (terms + 2) * U * total;
      assertEquals(lhs, mid, tol, "<conv(x,w),g> vs <x,backInput(g,w)> for " + p);
      assertEquals(lhs, rhs, tol, "<conv(x,w),g> vs <w,backWeight(g,x)> for " + p);
      assertTrue(Math.abs(lhs) > 0);
    }
  }

  private static double dot(NDArray a, NDArray b) {
    double s = 0;
    for (int i = 0; i < a.numel(); i++) s += (double) a.floats()[i] * b.floats()[i];
    return s;
  }

  private static double dot(double[] a, NDArray b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b.floats()[i];
    return s;
  }

  @Test void errorsSpeakPyTorch() {
    Random r = new Random(26);
    TorchException e = assertThrows(TorchException.class,
        () -> Conv2d.forward(rand(r, 20, 15, 50, 100), rand(r, 33, 16, 3, 3), null, Conv2d.Params.defaults()));
    assertEquals("Given groups=1, weight of size [33, 16, 3, 3], expected input[20, 15, 50, 100] to have 16 channels, but got 15 channels instead", e.getMessage());
    assertThrows(TorchException.class, () -> Conv2d.forward(rand(r, 1, 1, 2, 2), rand(r, 1, 1, 3, 3), null, Conv2d.Params.defaults()));
    assertThrows(TorchException.class, () -> new Conv2d.Params(0, 1, 0, 0, 1, 1, 1));
  }

  /** Into given buffers with stale contents (a compiled program's planned memory) exactly as into new arrays. */
  @Test void intoGivenBuffersEqualsNewArrays() {
    java.util.Random r = new java.util.Random(12);
    for (Conv2d.Params p : new Conv2d.Params[]{Conv2d.Params.of(1, 0, 1, 1), Conv2d.Params.of(2, 1, 1, 2)}) {
      NDArray x = rand(r, new int[]{3, 4, 9, 8}), w = rand(r, new int[]{6, 4 / p.groups(), 3, 3}), b = rand(r, new int[]{6});
      for (boolean relu : new boolean[]{false, true}) {
        NDArray want = Conv2d.forward(x, w, b, p, relu);
        NDArray out = NDArray.full(dev.tcompile.DType.FLOAT32, Double.NaN, want.shape());
        org.junit.jupiter.api.Assertions.assertSame(out, Conv2d.forward(x, w, b, p, relu, out));
        org.junit.jupiter.api.Assertions.assertArrayEquals(want.toFloatArray(), out.toFloatArray());
      }
      NDArray g = rand(r, Conv2d.forward(x, w, null, p).shape());
      NDArray gi = NDArray.full(dev.tcompile.DType.FLOAT32, 7, x.shape()), gw = NDArray.full(dev.tcompile.DType.FLOAT32, 7, w.shape());
      org.junit.jupiter.api.Assertions.assertArrayEquals(Conv2d.backwardInput(g, w, x.shape(), p).toFloatArray(),
          Conv2d.backwardInput(g, w, x.shape(), p, gi).toFloatArray());
      org.junit.jupiter.api.Assertions.assertArrayEquals(Conv2d.backwardWeight(g, x, w.shape(), p).toFloatArray(),
          Conv2d.backwardWeight(g, x, w.shape(), p, gw).toFloatArray());
    }
  }
}
