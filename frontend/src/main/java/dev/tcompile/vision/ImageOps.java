package dev.tcompile.vision;

import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;

/**
 * The array work behind {@link Transforms}: each function reads an image {@code [..., H, W]} and writes a
 * fresh array, so no autograd history is recorded on data. int64 images stand for torchvision's uint8 ones.
 */
final class ImageOps {
  private ImageOps() {}

  static void checkImage(String op, Tensor img) {
    if (img.dim() < 2)
      throw new TorchException(op + ": expected an image tensor of shape [..., H, W], got " + img.shape());
    if (img.dtype() == DType.BOOL) throw new TorchException(op + ": bool images are not supported");
  }

  static int height(Tensor img) { return img.size(-2); }

  static int width(Tensor img) { return img.size(-1); }

  /** uint8-valued HW or HWC to float CHW: int64 pixels are divided by 255 (checked to be 0..255), floats kept. */
  static Tensor toTensor(Tensor pic) {
    if (pic.dim() != 2 && pic.dim() != 3)
      throw new TorchException("pic should be 2/3 dimensional. Got " + pic.dim() + " dimensions.");
    if (pic.dtype() == DType.BOOL) throw new TorchException("ToTensor: bool images are not supported");
    NDArray a = pic.array().dense();
    int h = pic.size(0), w = pic.size(1), c = pic.dim() == 3 ? pic.size(2) : 1;
    float[] out = new float[c * h * w];
    boolean bytes = pic.dtype() == DType.INT64;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int ch = 0; ch < c; ch++) {
          int src = (y * w + x) * c + ch, dst = (ch * h + y) * w + x;
          if (bytes) {
            long v = a.longs()[src];
            if (v < 0 || v > 255)
              throw new TorchException("ToTensor: integer images hold uint8 pixel values 0..255, found " + v + " at " + src);
            out[dst] = (float) v / 255f;
          } else {
            out[dst] = a.floats()[src];
          }
        }
      }
    }
    return Tensor.wrap(NDArray.wrap(out, c, h, w));
  }

  /** out[..., y, x] = img[..., rows[y], cols[x]], or fill where an index is -1. */
  static Tensor remap(Tensor img, int[] rows, int[] cols, double fill) {
    NDArray a = img.array().dense();
    int h = height(img), w = width(img), oh = rows.length, ow = cols.length;
    int planes = outerCount(img);
    int[] shape = img.shapeArray();
    shape[shape.length - 2] = oh;
    shape[shape.length - 1] = ow;
    NDArray out = NDArray.empty(img.dtype(), shape);
    boolean f = img.dtype() == DType.FLOAT32;
    for (int p = 0; p < planes; p++) {
      int in0 = p * h * w, out0 = p * oh * ow;
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          int o = out0 + y * ow + x;
          boolean inside = rows[y] >= 0 && cols[x] >= 0;
          int s = in0 + rows[y] * w + cols[x];
          if (f) out.floats()[o] = inside ? a.floats()[s] : (float) fill;
          else out.longs()[o] = inside ? a.longs()[s] : (long) fill;
        }
      }
    }
    return Tensor.wrap(out);
  }

  private static int outerCount(Tensor img) {
    int n = 1;
    for (int d = 0; d < img.dim() - 2; d++) n *= img.size(d);
    return n;
  }

  /** Source index along one side for an output of size n + before + after, by torchvision's padding modes. */
  static int[] padIndex(int n, int before, int after, String mode) {
    int m = n + before + after;
    if (m < 0) throw new TorchException("pad: padding (" + before + ", " + after + ") leaves a negative size for a side of " + n);
    int[] src = new int[m];
    for (int o = 0; o < m; o++) {
      int i = o - before;
      if (i >= 0 && i < n) { src[o] = i; continue; }
      src[o] = switch (mode) {
        case "constant" -> -1;
        case "edge" -> Math.max(0, Math.min(n - 1, i));
        case "reflect" -> i < 0 ? -i : 2 * (n - 1) - i;
        case "symmetric" -> i < 0 ? -i - 1 : 2 * n - 1 - i;
        default -> throw new TorchException("Padding mode should be either constant, edge, reflect or symmetric, got " + mode);
      };
      if (src[o] < 0 && !mode.equals("constant") || src[o] >= n)
        throw new TorchException("pad: padding (" + before + ", " + after + ") in " + mode + " mode is too large for a side of "
            + n + " (at most " + (mode.equals("symmetric") ? n : n - 1) + ")");
    }
    return src;
  }

  /** Rows start..start+len (or -1 outside the image). */
  static int[] range(int start, int len, int n) {
    int[] r = new int[len];
    for (int i = 0; i < len; i++) r[i] = start + i >= 0 && start + i < n ? start + i : -1;
    return r;
  }

  /**
   * PyTorch's upsample_bilinear2d (align_corners=False, no antialias) on the CPU, in float32 as its kernel
   * computes: source index {@code scale * (dst + 0.5) - 0.5} clamped at 0, weights from its fraction. int64
   * images are interpolated as float and rounded half to even, as torchvision does for uint8.
   */
  static Tensor resizeBilinear(Tensor img, int oh, int ow) {
    int h = height(img), w = width(img);
    float[] src = img.array().to(DType.FLOAT32).dense().floats();
    int planes = outerCount(img);
    Axis ys = new Axis(h, oh), xs = new Axis(w, ow);
    int[] shape = img.shapeArray();
    shape[shape.length - 2] = oh;
    shape[shape.length - 1] = ow;
    float[] out = new float[planes * oh * ow];
    for (int p = 0; p < planes; p++) {
      int in0 = p * h * w;
      for (int y = 0; y < oh; y++) {
        int r0 = in0 + ys.i0[y] * w, r1 = in0 + ys.i1[y] * w;
        for (int x = 0; x < ow; x++) {
          float top = src[r0 + xs.i0[x]] * xs.w0[x] + src[r0 + xs.i1[x]] * xs.w1[x];
          float bottom = src[r1 + xs.i0[x]] * xs.w0[x] + src[r1 + xs.i1[x]] * xs.w1[x];
          out[(p * oh + y) * ow + x] = top * ys.w0[y] + bottom * ys.w1[y];
        }
      }
    }
    NDArray result = NDArray.wrap(out, shape);
    if (img.dtype() == DType.INT64) {
      long[] l = new long[out.length];
      for (int i = 0; i < l.length; i++) l[i] = (long) Math.rint(out[i]);
      result = NDArray.wrap(l, shape);
    }
    return Tensor.wrap(result);
  }

  /** Neighbour indices and weights along one axis, computed as PyTorch's compute_indices_weights_linear. */
  private static final class Axis {
    final int[] i0, i1;
    final float[] w0, w1;

    Axis(int in, int out) {
      i0 = new int[out]; i1 = new int[out]; w0 = new float[out]; w1 = new float[out];
      float scale = (float) in / out;
      for (int d = 0; d < out; d++) {
        float real = (float) (scale * (d + 0.5) - 0.5);
        if (real < 0) real = 0;
        int lo = (int) real;
        i0[d] = lo;
        i1[d] = lo + (lo < in - 1 ? 1 : 0);
        w1[d] = real - lo;
        w0[d] = 1f - w1[d];
      }
    }
  }
}
