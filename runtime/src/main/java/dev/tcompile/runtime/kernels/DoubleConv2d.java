package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.Shapes;

/**
 * {@link Conv2d}'s three operations in float64: im2col and plain double products, per image and group. Every
 * result element is summed by one task in a fixed order (see each method), so results are the same bits at any
 * thread count. PyTorch's float64 convolution is also im2col and a product, but its BLAS sums in another order:
 * values agree to rounding (about 1e-14 relative), not bit for bit. Layouts and
 * hyper-parameters are {@link Conv2d}'s; inputs of any strides are read densely.
 */
public final class DoubleConv2d {
  private DoubleConv2d() {}

  private static double[] dense(NDArray a) { return a.to(DType.FLOAT64).dense().doubles(); }

  /** Output planes (or input planes, weight filters) per parallel chunk: at least ~32K multiply-adds each. */
  private static int grain(long workPerUnit) { return (int) Math.max(1, 32768 / Math.max(1, workPerUnit)); }

  /**
   * im2col of image {@code n}, group {@code grp}: {@code col[k * ohw + q]} with row {@code k = (c*kh + a)*kw + b}
   * (channel of the group, kernel row, kernel column) and column {@code q = i*ow + j} (output pixel); zero where
   * the tap falls in the padding.
   */
  private static void im2col(double[] x, ConvGeometry g, int n, int grp, double[] col) {
    Conv2d.Params p = g.p();
    int h = g.h(), w = g.w(), oh = g.oh(), ow = g.ow(), ohw = g.ohw();
    for (int c = 0; c < g.cg(); c++) {
      int xBase = (n * g.c() + grp * g.cg() + c) * h * w;
      for (int a = 0; a < g.kh(); a++)
        for (int b = 0; b < g.kw(); b++) {
          int row = ((c * g.kh() + a) * g.kw() + b) * ohw;
          for (int i = 0; i < oh; i++) {
            int ih = i * p.strideH() - p.padH() + a * p.dilH(), q = row + i * ow;
            if (ih < 0 || ih >= h) { java.util.Arrays.fill(col, q, q + ow, 0); continue; }
            int xr = xBase + ih * w;
            for (int j = 0; j < ow; j++) {
              int iw = j * p.strideW() - p.padW() + b * p.dilW();
              col[q + j] = iw >= 0 && iw < w ? x[xr + iw] : 0;
            }
          }
        }
    }
  }

  /** The adjoint of {@link #im2col}: adds {@code col} back into image {@code n}'s channels of group {@code grp}. */
  private static void col2im(double[] col, ConvGeometry g, int n, int grp, double[] x) {
    Conv2d.Params p = g.p();
    int h = g.h(), w = g.w(), oh = g.oh(), ow = g.ow(), ohw = g.ohw();
    for (int c = 0; c < g.cg(); c++) {
      int xBase = (n * g.c() + grp * g.cg() + c) * h * w;
      for (int a = 0; a < g.kh(); a++)
        for (int b = 0; b < g.kw(); b++) {
          int row = ((c * g.kh() + a) * g.kw() + b) * ohw;
          for (int i = 0; i < oh; i++) {
            int ih = i * p.strideH() - p.padH() + a * p.dilH();
            if (ih < 0 || ih >= h) continue;
            int xr = xBase + ih * w, q = row + i * ow;
            for (int j = 0; j < ow; j++) {
              int iw = j * p.strideW() - p.padW() + b * p.dilW();
              if (iw >= 0 && iw < w) x[xr + iw] += col[q + j];
            }
          }
        }
    }
  }

  /**
   * {@code conv2d(x, w, bias)} in float64, {@code relu} applied after the bias (NaN kept) when true; into
   * {@code outOrNull} when given (a dense float64 buffer of the output's shape). Per image and group,
   * {@code out = W_g (ocg x kk) @ col (kk x ohw)}: each output element sums its kk products in row order.
   */
  public static NDArray forward(NDArray x, NDArray w, NDArray biasOrNull, Conv2d.Params p, boolean relu, NDArray outOrNull) {
    ConvGeometry g = Conv2d.geometry(x.shape(), w.shape(), p);
    if (biasOrNull != null && (biasOrNull.dim() != 1 || biasOrNull.size(0) != g.oc()))
      throw new TorchException("Given weight of size " + Shapes.str(w.shape()) + ", expected bias to be 1-dimensional with "
          + g.oc() + " elements, but got bias of size " + Shapes.str(biasOrNull.shape()) + " instead");
    NDArray out = OutputBuffer.of(outOrNull, DType.FLOAT64, new int[]{g.n(), g.oc(), g.oh(), g.ow()}, "conv2d");
    if (out.numel() == 0) return out;
    double[] xd = dense(x), wd = dense(w), bd = biasOrNull == null ? null : dense(biasOrNull), od = out.doubles();
    int kk = g.kk(), ohw = g.ohw(), ocg = g.ocg(), groups = g.groups();
    Parallel.forRange(g.n() * groups, grain((long) ocg * kk * ohw), (u0, u1) -> {
      double[] col = new double[kk * ohw];
      for (int u = u0; u < u1; u++) {
        int n = u / groups, grp = u % groups;
        im2col(xd, g, n, grp, col);
        for (int o = 0; o < ocg; o++) {
          int oc = grp * ocg + o, ob = (n * g.oc() + oc) * ohw, wb = oc * kk;
          java.util.Arrays.fill(od, ob, ob + ohw, 0);
          for (int k = 0; k < kk; k++) {
            double wv = wd[wb + k];
            int cb = k * ohw;
            for (int q = 0; q < ohw; q++) od[ob + q] += wv * col[cb + q];
          }
          double bias = bd == null ? 0 : bd[oc];
          if (bd != null || relu)
            for (int q = 0; q < ohw; q++) {
              double v = od[ob + q] + bias;
              od[ob + q] = relu && v < 0 ? 0 : v;
            }
        }
      }
    });
    return out;
  }

  /**
   * The input's gradient {@code [N, C, H, W]}: per image and group, {@code colGrad = W_g^T @ gradOut_g} (each
   * element summing the group's output channels in order), added back into the image by col2im in row order
   * (positions no output reads get 0).
   */
  public static NDArray backwardInput(NDArray gradOut, NDArray w, int[] inputShape, Conv2d.Params p, NDArray outOrNull) {
    ConvGeometry g = Conv2d.geometry(inputShape, w.shape(), p);
    Conv2d.checkGradOut(gradOut, g);
    NDArray gi = OutputBuffer.of(outOrNull, DType.FLOAT64, inputShape, "conv2d_backward_input");
    if (outOrNull != null) java.util.Arrays.fill(gi.doubles(), 0, gi.numel(), 0);   // col2im adds into it
    if (gi.numel() == 0) return gi;
    double[] go = dense(gradOut), wd = dense(w), gd = gi.doubles();
    int kk = g.kk(), ohw = g.ohw(), ocg = g.ocg(), groups = g.groups();
    Parallel.forRange(g.n() * groups, grain((long) ocg * kk * ohw), (u0, u1) -> {
      double[] col = new double[kk * ohw];
      for (int u = u0; u < u1; u++) {
        int n = u / groups, grp = u % groups;
        java.util.Arrays.fill(col, 0);
        for (int o = 0; o < ocg; o++) {
          int oc = grp * ocg + o, gb = (n * g.oc() + oc) * ohw, wb = oc * kk;
          for (int k = 0; k < kk; k++) {
            double wv = wd[wb + k];
            int cb = k * ohw;
            for (int q = 0; q < ohw; q++) col[cb + q] += wv * go[gb + q];
          }
        }
        col2im(col, g, n, grp, gd);
      }
    });
    return gi;
  }

  /**
   * The weight's gradient {@code [OC, C/groups, KH, KW]}: {@code sum_n gradOut_n,g @ col_n,g^T}, each element
   * adding the images in order, each image's output pixels in order. Filters are split over threads; a task builds
   * the column matrices its filters' groups need.
   */
  public static NDArray backwardWeight(NDArray gradOut, NDArray x, int[] weightShape, Conv2d.Params p, NDArray outOrNull) {
    ConvGeometry g = Conv2d.geometry(x.shape(), weightShape, p);
    Conv2d.checkGradOut(gradOut, g);
    NDArray gw = OutputBuffer.of(outOrNull, DType.FLOAT64, weightShape, "conv2d_backward_weight");
    if (gw.numel() == 0) return gw;
    double[] go = dense(gradOut), xd = dense(x), gd = gw.doubles();
    java.util.Arrays.fill(gd, 0, gw.numel(), 0);
    int kk = g.kk(), ohw = g.ohw(), ocg = g.ocg();
    Parallel.forRange(g.oc(), grain((long) g.n() * kk * ohw), (o0, o1) -> {
      double[] col = new double[kk * ohw];
      for (int grp = o0 / ocg; grp <= (o1 - 1) / ocg; grp++) {
        int first = Math.max(o0, grp * ocg), last = Math.min(o1, (grp + 1) * ocg);
        for (int n = 0; n < g.n(); n++) {
          im2col(xd, g, n, grp, col);
          for (int oc = first; oc < last; oc++) {
            int gb = (n * g.oc() + oc) * ohw, wb = oc * kk;
            for (int k = 0; k < kk; k++) {
              int cb = k * ohw;
              double s = 0;
              for (int q = 0; q < ohw; q++) s += go[gb + q] * col[cb + q];
              gd[wb + k] += s;
            }
          }
        }
      }
    });
    return gw;
  }
}
