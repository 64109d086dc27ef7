package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pooling against window enumerations written here, and against values printed by PyTorch 1.13. */
class Pool2dTest {

  @Test void outSizeMatchesPyTorch() {
    // (in, k, s, p, d) -> {floor, ceil}, from torch.nn.functional.max_pool2d
    int[][] cases = {{5, 2, 2, 0, 1, 2, 3}, {6, 3, 2, 1, 1, 3, 4}, {7, 3, 3, 1, 1, 3, 3}, {4, 3, 2, 1, 1, 2, 3},
        {10, 3, 4, 1, 2, 2, 3}, {9, 2, 3, 1, 1, 4, 4}, {1, 1, 1, 0, 1, 1, 1}, {8, 4, 3, 2, 1, 3, 4}};
    for (int[] c : cases) {
      assertEquals(c[5], Pool2d.outSize(c[0], c[1], c[2], c[3], c[4], false), java.util.Arrays.toString(c));
      assertEquals(c[6], Pool2d.outSize(c[0], c[1], c[2], c[3], c[4], true), java.util.Arrays.toString(c));
    }
  }

  private static NDArray arange5x5(float sign) {
    NDArray x = NDArray.empty(DType.FLOAT32, 1, 1, 5, 5);
    for (int i = 0; i < 25; i++) x.floats()[i] = sign * (i + 1);
    return x;
  }

  @Test void valuesFromPyTorch() {
    Pool2d.Params p = Pool2d.Params.of(3, 2, 1, true);
    assertArrayEquals(new float[]{1.7777778f, 3.6666667f, 3.1111112f, 7.6666665f, 13.0f, 9.666667f, 8.444445f, 13.666667f, 9.777778f},
        Pool2d.avgForward(arange5x5(1), p, true).floats(), 1e-6f);
    assertArrayEquals(new float[]{4.0f, 5.5f, 7.0f, 11.5f, 13.0f, 14.5f, 19.0f, 20.5f, 22.0f},
        Pool2d.avgForward(arange5x5(1), p, false).floats(), 1e-6f);
    NDArray[] m = Pool2d.maxForward(arange5x5(-1), p);
    assertArrayEquals(new float[]{-1, -2, -4, -6, -7, -9, -16, -17, -19}, m[0].floats());
    assertArrayEquals(new long[]{0, 1, 3, 5, 6, 8, 15, 16, 18}, m[1].longs());
    NDArray y = NDArray.wrap(new float[]{1, Float.NaN, 3, Float.NaN, 5, 6, 7, 8}, 1, 2, 4); // 3-d input
    NDArray[] n = Pool2d.maxForward(y, Pool2d.Params.of(2, 0, 0, false));
    assertArrayEquals(new int[]{1, 1, 2}, n[0].shape());
    assertTrue(Float.isNaN(n[0].floats()[0]) && Float.isNaN(n[0].floats()[1]));
    assertArrayEquals(new long[]{1, 3}, n[1].longs());
  }

  /** Reference max pooling: enumerate window taps; padding never wins. */
  private static void checkMax(Random r, int[] shape, Pool2d.Params p) {
    NDArray x = Conv2dTest.rand(r, shape);
    // a few ties to exercise first-wins
    for (int i = 0; i < x.numel(); i += 5) x.floats()[i] = 0.5f;
    NDArray[] got = Pool2d.maxForward(x, p);
    int nd = shape.length, h = shape[nd - 2], w = shape[nd - 1];
    int oh = Pool2d.outSize(h, p.kH(), p.sH(), p.pH(), p.dH(), p.ceilMode()), ow = Pool2d.outSize(w, p.kW(), p.sW(), p.pW(), p.dW(), p.ceilMode());
    assertEquals(oh, got[0].size(nd - 2));
    assertEquals(ow, got[0].size(nd - 1));
    int planes = x.numel() / (h * w);
    float[] xs = x.floats();
    NDArray g = Conv2dTest.rand(r, got[0].shape());
    double[] gi = new double[x.numel()];
    for (int c = 0; c < planes; c++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
      float best = Float.NEGATIVE_INFINITY;
      int bi = -1;
      for (int a = 0; a < p.kH(); a++) for (int b = 0; b < p.kW(); b++) {
        int ih = i * p.sH() - p.pH() + a * p.dH(), iw = j * p.sW() - p.pW() + b * p.dW();
        if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
        float v = xs[c * h * w + ih * w + iw];
        if (bi < 0 || v > best) { best = v; bi = ih * w + iw; }
      }
      int o = (c * oh + i) * ow + j;
      String at = "plane " + c + " out (" + i + "," + j + ") " + p;
      assertEquals(best, got[0].floats()[o], 0f, at);
      assertEquals(bi, got[1].longs()[o], at);
      gi[c * h * w + bi] += g.floats()[o];
    }
    NDArray back = Pool2d.maxBackward(g, got[1], shape);
    for (int i = 0; i < gi.length; i++) assertEquals(gi[i], back.floats()[i], 1e-5 * (1 + Math.abs(gi[i])));
  }

  private static void checkAvg(Random r, int[] shape, Pool2d.Params p, boolean includePad) {
    NDArray x = Conv2dTest.rand(r, shape);
    NDArray got = Pool2d.avgForward(x, p, includePad);
    int nd = shape.length, h = shape[nd - 2], w = shape[nd - 1];
    int oh = got.size(nd - 2), ow = got.size(nd - 1);
    assertEquals(Pool2d.outSize(h, p.kH(), p.sH(), p.pH(), 1, p.ceilMode()), oh);
    int planes = x.numel() / (h * w);
    NDArray g = Conv2dTest.rand(r, got.shape());
    double[] gi = new double[x.numel()];
    for (int c = 0; c < planes; c++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
      double s = 0;
      int inside = 0, padded = 0;
      for (int a = 0; a < p.kH(); a++) for (int b = 0; b < p.kW(); b++) {
        int ih = i * p.sH() - p.pH() + a, iw = j * p.sW() - p.pW() + b;
        // taps beyond the padded input (ceil mode) do not count at all
        if (ih >= h + p.pH() || iw >= w + p.pW()) continue;
        padded++;
        if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
        inside++;
        s += x.floats()[c * h * w + ih * w + iw];
      }
      int o = (c * oh + i) * ow + j;
      int div = includePad ? padded : inside;
      double e = inside == 0 ? 0 : s / div;
      assertEquals(e, got.floats()[o], 1e-6 * (1 + Math.abs(e)), "avg " + p + " at " + o);
      if (inside > 0) for (int a = 0; a < p.kH(); a++) for (int b = 0; b < p.kW(); b++) {
        int ih = i * p.sH() - p.pH() + a, iw = j * p.sW() - p.pW() + b;
        if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
        gi[c * h * w + ih * w + iw] += g.floats()[o] / div;
      }
    }
    NDArray back = Pool2d.avgBackward(g, shape, p, includePad);
    for (int i = 0; i < gi.length; i++) assertEquals(gi[i], back.floats()[i], 1e-5 * (1 + Math.abs(gi[i])));
  }

  @Test void manyConfigurations() {
    Random r = new Random(31);
    int[][] shapes = {{2, 3, 9, 11}, {3, 8, 7}, {1, 1, 1, 1}, {2, 2, 28, 28}, {1, 5, 13, 6}};
    for (int[] s : shapes)
      for (int k = 1; k <= 4; k++)
        for (int st = 1; st <= 3; st++)
          for (int pd = 0; pd <= k / 2; pd++)
            for (boolean ceil : new boolean[]{false, true}) {
              int h = s[s.length - 2], w = s[s.length - 1];
              if (Pool2d.outSize(h, k, st, pd, 1, ceil) < 1 || Pool2d.outSize(w, k, st, pd, 1, ceil) < 1) continue;
              checkMax(r, s, new Pool2d.Params(k, k, st, st, pd, pd, 1, 1, ceil));
              checkAvg(r, s, new Pool2d.Params(k, k, st, st, pd, pd, 1, 1, ceil), true);
              checkAvg(r, s, new Pool2d.Params(k, k, st, st, pd, pd, 1, 1, ceil), false);
            }
    // non-square windows, strides and dilation (max only)
    checkMax(r, new int[]{2, 3, 12, 15}, new Pool2d.Params(3, 2, 2, 1, 1, 1, 2, 3, true));
    checkMax(r, new int[]{2, 3, 12, 15}, new Pool2d.Params(2, 4, 3, 2, 0, 2, 2, 1, false));
    checkAvg(r, new int[]{2, 3, 12, 15}, new Pool2d.Params(3, 2, 2, 1, 1, 1, 1, 1, true), true);
  }

  @Test void allMinusInfinityReportsFirstInBoundsTap() {
    NDArray x = NDArray.full(DType.FLOAT32, Double.NEGATIVE_INFINITY, 1, 1, 4, 4);
    NDArray[] m = Pool2d.maxForward(x, Pool2d.Params.of(3, 2, 1, false));
    assertArrayEquals(new long[]{0, 1, 4, 5}, m[1].longs());
  }

  /** PyTorch's rule in every window (the 2x2 stride-2 path is unrolled): greater or NaN replaces, so the last NaN wins. */
  @Test void nanWinsAndTheLastNanIsReported() {
    float nan = Float.NaN;
    NDArray x = NDArray.wrap(new float[]{
        1, nan, 5, 6,
        2, nan, 7, 7,
        -1, -2, nan, 0,
        -3, -4, 3, 9}, 1, 1, 4, 4);
    NDArray[] m = Pool2d.maxForward(x, Pool2d.Params.of(2, 2, 0, false));
    assertArrayEquals(new long[]{5, 6, 8, 10}, m[1].longs());   // PyTorch 1.13 gives these
    assertTrue(Float.isNaN(m[0].floats()[0]));
    assertEquals(7f, m[0].floats()[1]);
    assertEquals(-1f, m[0].floats()[2]);
    assertTrue(Float.isNaN(m[0].floats()[3]));
  }

  /** Into given buffers (stale contents included) exactly as into new ones. */
  @Test void intoGivenBuffersEqualsNewOnes() {
    Random r = new Random(77);
    NDArray x = Conv2dTest.rand(r, new int[]{3, 4, 10, 12});
    Pool2d.Params p = Pool2d.Params.of(2, 2, 0, false);
    NDArray[] want = Pool2d.maxForward(x, p);
    NDArray out = NDArray.full(DType.FLOAT32, 7, 3, 4, 5, 6), idx = NDArray.full(DType.INT64, 3, 3, 4, 5, 6);
    NDArray[] got = Pool2d.maxForward(x, p, out, idx);
    assertSame(out, got[0]);
    assertArrayEquals(want[0].toFloatArray(), out.toFloatArray());
    assertArrayEquals(want[1].longs(), idx.longs());
    NDArray g = Conv2dTest.rand(r, want[0].shape());
    NDArray gi = NDArray.full(DType.FLOAT32, 1, 3, 4, 10, 12);
    assertSame(gi, Pool2d.maxBackward(g, idx, x.shape(), gi));
    assertArrayEquals(Pool2d.maxBackward(g, idx, x.shape()).toFloatArray(), gi.toFloatArray());
  }

  @Test void twoByTwoStrideTwoFastPathTiesNanAndInfinity() {
    // windows (row-major within each): [NaN 1; NaN 2] -> the last NaN; [-inf -inf; -inf -inf] -> the first tap;
    // [3 3; 3 3] -> the first of equal maxima; [0 -1; 5 5] -> the first 5 (PyTorch 1.13 gives these indices)
    float ni = Float.NEGATIVE_INFINITY, nan = Float.NaN;
    NDArray x = NDArray.wrap(new float[]{nan, 1, ni, ni, 3, 3, 0, -1, nan, 2, ni, ni, 3, 3, 5, 5}, 1, 1, 2, 8);
    NDArray[] m = Pool2d.maxForward(x, Pool2d.Params.of(2, 0, 0, false));
    assertArrayEquals(new long[]{8, 2, 4, 14}, m[1].longs());
    float[] v = m[0].floats();
    assertTrue(Float.isNaN(v[0]));
    assertEquals(ni, v[1]);
    assertEquals(3f, v[2]);
    assertEquals(5f, v[3]);
  }

  @Test void errors() {
    assertThrows(TorchException.class, () -> Pool2d.Params.of(2, 2, 2, false)); // pad > k/2
    assertThrows(TorchException.class, () -> Pool2d.maxForward(NDArray.empty(DType.FLOAT32, 1, 1, 1, 1), Pool2d.Params.of(3, 1, 0, false)));
    assertThrows(TorchException.class, () -> Pool2d.maxForward(NDArray.empty(DType.FLOAT32, 4, 4), Pool2d.Params.of(2, 2, 0, false)));
    assertThrows(TorchException.class, () -> Pool2d.avgForward(NDArray.empty(DType.FLOAT32, 1, 4, 4), new Pool2d.Params(2, 2, 1, 1, 0, 0, 2, 2, false), true));
  }
}
