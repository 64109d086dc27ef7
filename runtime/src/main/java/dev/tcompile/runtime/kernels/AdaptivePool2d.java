package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;

/**
 * Adaptive average pooling over the last two dims of a 3-d or 4-d float32 array: output cell {@code (i, j)}
 * averages rows {@code [floor(i*H/OH), ceil((i+1)*H/OH))} and the same for columns, as PyTorch's CPU kernel
 * (float accumulation, then {@code sum / kh / kw}).
 */
public final class AdaptivePool2d {
  private AdaptivePool2d() {}

  static int start(int i, int out, int in) { return (int) Math.floorDiv((long) i * in, out); }
  static int end(int i, int out, int in) { return (int) -Math.floorDiv(-(long) (i + 1) * in, out); }

  public static NDArray avgForward(NDArray x, int oh, int ow) {
    int nd = x.dim(), h = x.size(nd - 2), w = x.size(nd - 1);
    int[] shape = x.shape().clone();
    shape[nd - 2] = oh;
    shape[nd - 1] = ow;
    NDArray out = NDArray.empty(DType.FLOAT32, shape);
    float[] xd = x.to(DType.FLOAT32).dense().floats(), od = out.floats();
    int planes = out.numel() == 0 ? 0 : out.numel() / (oh * ow);
    for (int c = 0; c < planes; c++) {
      int xo = c * h * w, oo = c * oh * ow;
      for (int i = 0; i < oh; i++) {
        int h0 = start(i, oh, h), h1 = end(i, oh, h);
        for (int j = 0; j < ow; j++) {
          int w0 = start(j, ow, w), w1 = end(j, ow, w);
          float sum = 0f;
          for (int r = h0; r < h1; r++) for (int q = w0; q < w1; q++) sum += xd[xo + r * w + q];
          od[oo + i * ow + j] = sum / (h1 - h0) / (w1 - w0);
        }
      }
    }
    return out;
  }

  /** Each output cell's gradient divided by its window size and added over its window. */
  public static NDArray avgBackward(NDArray gradOut, int[] inputShape) {
    int nd = inputShape.length, h = inputShape[nd - 2], w = inputShape[nd - 1];
    int oh = gradOut.size(nd - 2), ow = gradOut.size(nd - 1);
    NDArray gi = NDArray.empty(DType.FLOAT32, inputShape);
    float[] go = gradOut.to(DType.FLOAT32).dense().floats(), gd = gi.floats();
    int planes = gi.numel() == 0 ? 0 : gi.numel() / (h * w);
    for (int c = 0; c < planes; c++) {
      int xo = c * h * w, oo = c * oh * ow;
      for (int i = 0; i < oh; i++) {
        int h0 = start(i, oh, h), h1 = end(i, oh, h);
        for (int j = 0; j < ow; j++) {
          int w0 = start(j, ow, w), w1 = end(j, ow, w);
          float g = go[oo + i * ow + j] / (h1 - h0) / (w1 - w0);
          for (int r = h0; r < h1; r++) for (int q = w0; q < w1; q++) gd[xo + r * w + q] += g;
        }
      }
    }
    return gi;
  }
}
