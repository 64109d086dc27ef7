package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.Shapes;

/**
 * {@link Conv2d}'s three operations in float64, as direct loops: every result element is one double sum taken by
 * one task in a fixed order (channel, kernel row, kernel column, then image and output pixel for the weight's
 * gradient), so results are the same bits at any thread count. PyTorch's float64 convolution is an im2col product
 * summed in another order: values agree to rounding (about 1e-15 relative), not bit for bit. Layouts and
 * hyper-parameters are {@link Conv2d}'s; inputs of any strides are read densely.
 */
public final class DoubleConv2d {
  private DoubleConv2d() {}

  private static double[] dense(NDArray a) { return a.to(DType.FLOAT64).dense().doubles(); }

  private static ConvGeometry geometry(int[] xs, int[] ws, Conv2d.Params p) {
    if (ws.length != 4) throw new TorchException("Expected 4-dimensional weight for conv2d, but got weight of size " + Shapes.str(ws));
    if (xs.length != 4)
      throw new TorchException("Expected 4-dimensional input for 4-dimensional weight " + Shapes.str(ws)
          + ", but got " + xs.length + "-dimensional input of size " + Shapes.str(xs) + " instead");
    int g = p.groups();
    if (ws[0] % g != 0) throw new TorchException("out_channels must be divisible by groups (got " + ws[0] + " and groups=" + g + ")");
    if (xs[1] != ws[1] * g)
      throw new TorchException("Given groups=" + g + ", weight of size " + Shapes.str(ws) + ", expected input"
          + Shapes.str(xs) + " to have " + (ws[1] * g) + " channels, but got " + xs[1] + " channels instead");
    int oh = Conv2d.outSize(xs[2], ws[2], p.strideH(), p.padH(), p.dilH()), ow = Conv2d.outSize(xs[3], ws[3], p.strideW(), p.padW(), p.dilW());
    if (oh <= 0 || ow <= 0)
      throw new TorchException("Calculated padded input size per channel: (" + (xs[2] + 2 * p.padH()) + " x "
          + (xs[3] + 2 * p.padW()) + "). Kernel size: (" + ((ws[2] - 1) * p.dilH() + 1) + " x " + ((ws[3] - 1) * p.dilW() + 1)
          + "). Kernel size can't be greater than actual input size");
    return new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], oh, ow, g, p);
  }

  private static void checkGradOut(NDArray gradOut, ConvGeometry g) {
    int[] s = gradOut.shape();
    if (s.length != 4 || s[0] != g.n() || s[1] != g.oc() || s[2] != g.oh() || s[3] != g.ow())
      throw new TorchException("conv2d backward: expected gradOut of size " + Shapes.str(new int[]{g.n(), g.oc(), g.oh(), g.ow()})
          + ", but got " + Shapes.str(s));
  }

  /** Output planes (or input planes, weight filters) per parallel chunk: at least ~32K multiply-adds each. */
  private static int grain(long workPerUnit) { return (int) Math.max(1, 32768 / Math.max(1, workPerUnit)); }

  /**
   * {@code conv2d(x, w, bias)} in float64, {@code relu} applied after the bias (NaN kept) when true; into
   * {@code outOrNull} when given (a dense float64 buffer of the output's shape).
   */
  public static NDArray forward(NDArray x, NDArray w, NDArray biasOrNull, Conv2d.Params p, boolean relu, NDArray outOrNull) {
    ConvGeometry g = geometry(x.shape(), w.shape(), p);
    if (biasOrNull != null && (biasOrNull.dim() != 1 || biasOrNull.size(0) != g.oc()))
      throw new TorchException("Given weight of size " + Shapes.str(w.shape()) + ", expected bias to be 1-dimensional with "
          + g.oc() + " elements, but got bias of size " + Shapes.str(biasOrNull.shape()) + " instead");
    NDArray out = OutputBuffer.of(outOrNull, DType.FLOAT64, new int[]{g.n(), g.oc(), g.oh(), g.ow()}, "conv2d");
    if (out.numel() == 0) return out;
    double[] xd = dense(x), wd = dense(w), bd = biasOrNull == null ? null : dense(biasOrNull), od = out.doubles();
    int cg = g.cg(), ocg = g.ocg(), kh = g.kh(), kw = g.kw(), h = g.h(), wi = g.w(), oh = g.oh(), ow = g.ow();
    int sH = p.strideH(), sW = p.strideW(), pH = p.padH(), pW = p.padW(), dH = p.dilH(), dW = p.dilW();
    Parallel.forRange(g.n() * g.oc(), grain((long) g.ohw() * g.kk()), (u0, u1) -> {
      for (int u = u0; u < u1; u++) {
        int n = u / g.oc(), oc = u % g.oc(), c0 = (oc / ocg) * cg;
        int wBase = oc * cg * kh * kw, oBase = u * oh * ow;
        for (int i = 0; i < oh; i++)
          for (int j = 0; j < ow; j++) {
            double s = 0;
            for (int c = 0; c < cg; c++) {
              int xBase = (n * g.c() + c0 + c) * h * wi, wc = wBase + c * kh * kw;
              for (int a = 0; a < kh; a++) {
                int ih = i * sH - pH + a * dH;
                if (ih < 0 || ih >= h) continue;
                for (int b = 0; b < kw; b++) {
                  int iw = j * sW - pW + b * dW;
                  if (iw >= 0 && iw < wi) s += xd[xBase + ih * wi + iw] * wd[wc + a * kw + b];
                }
              }
            }
            if (bd != null) s += bd[oc];
            od[oBase + i * ow + j] = relu && s < 0 ? 0 : s;
          }
      }
    });
    return out;
  }

  /**
   * The input's gradient {@code [N, C, H, W]}: each element gathers the gradients of the outputs that read it
   * (positions no output reads get 0).
   */
  public static NDArray backwardInput(NDArray gradOut, NDArray w, int[] inputShape, Conv2d.Params p, NDArray outOrNull) {
    ConvGeometry g = geometry(inputShape, w.shape(), p);
    checkGradOut(gradOut, g);
    NDArray gi = OutputBuffer.of(outOrNull, DType.FLOAT64, inputShape, "conv2d_backward_input");
    if (gi.numel() == 0) return gi;
    double[] go = dense(gradOut), wd = dense(w), gd = gi.doubles();
    int cg = g.cg(), ocg = g.ocg(), kh = g.kh(), kw = g.kw(), h = g.h(), wi = g.w(), oh = g.oh(), ow = g.ow();
    int sH = p.strideH(), sW = p.strideW(), pH = p.padH(), pW = p.padW(), dH = p.dilH(), dW = p.dilW();
    Parallel.forRange(g.n() * g.c(), grain((long) g.hw() * ocg * kh * kw), (u0, u1) -> {
      for (int u = u0; u < u1; u++) {
        int n = u / g.c(), ch = u % g.c(), grp = ch / cg, c = ch % cg;
        for (int ih = 0; ih < h; ih++)
          for (int iw = 0; iw < wi; iw++) {
            double s = 0;
            for (int k = 0; k < ocg; k++) {
              int oc = grp * ocg + k, gBase = (n * g.oc() + oc) * oh * ow, wc = (oc * cg + c) * kh * kw;
              for (int a = 0; a < kh; a++) {
                int th = ih + pH - a * dH;   // = i * sH for the output row i that reads ih through tap a
                if (th < 0 || th % sH != 0 || th / sH >= oh) continue;
                for (int b = 0; b < kw; b++) {
                  int tw = iw + pW - b * dW;
                  if (tw < 0 || tw % sW != 0 || tw / sW >= ow) continue;
                  s += go[gBase + (th / sH) * ow + tw / sW] * wd[wc + a * kw + b];
                }
              }
            }
            gd[u * h * wi + ih * wi + iw] = s;
          }
      }
    });
    return gi;
  }

  /** The weight's gradient {@code [OC, C/groups, KH, KW]}, summed over images and output pixels in order. */
  public static NDArray backwardWeight(NDArray gradOut, NDArray x, int[] weightShape, Conv2d.Params p, NDArray outOrNull) {
    ConvGeometry g = geometry(x.shape(), weightShape, p);
    checkGradOut(gradOut, g);
    NDArray gw = OutputBuffer.of(outOrNull, DType.FLOAT64, weightShape, "conv2d_backward_weight");
    if (gw.numel() == 0) return gw;
    double[] go = dense(gradOut), xd = dense(x), gd = gw.doubles();
    int cg = g.cg(), ocg = g.ocg(), kh = g.kh(), kw = g.kw(), h = g.h(), wi = g.w(), oh = g.oh(), ow = g.ow();
    int sH = p.strideH(), sW = p.strideW(), pH = p.padH(), pW = p.padW(), dH = p.dilH(), dW = p.dilW();
    Parallel.forRange(g.oc(), grain((long) g.n() * g.ohw() * g.kk()), (o0, o1) -> {
      for (int oc = o0; oc < o1; oc++) {
        int c0 = (oc / ocg) * cg;
        for (int c = 0; c < cg; c++)
          for (int a = 0; a < kh; a++)
            for (int b = 0; b < kw; b++) {
              double s = 0;
              for (int n = 0; n < g.n(); n++) {
                int gBase = (n * g.oc() + oc) * oh * ow, xBase = (n * g.c() + c0 + c) * h * wi;
                for (int i = 0; i < oh; i++) {
                  int ih = i * sH - pH + a * dH;
                  if (ih < 0 || ih >= h) continue;
                  for (int j = 0; j < ow; j++) {
                    int iw = j * sW - pW + b * dW;
                    if (iw >= 0 && iw < wi) s += go[gBase + i * ow + j] * xd[xBase + ih * wi + iw];
                  }
                }
              }
              gd[((oc * cg + c) * kh + a) * kw + b] = s;
            }
      }
    });
    return gw;
  }
}
