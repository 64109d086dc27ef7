package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.Shapes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-D convolution (PyTorch's {@code conv2d}, cross-correlation) and its two backward passes, on float32.
 *
 * <p>Layouts are PyTorch's: input {@code x [N, C, H, W]}, weight {@code w [OC, C/groups, KH, KW]}, bias
 * {@code [OC]}, output {@code [N, OC, OH, OW]} with {@code OH = outSize(H, KH, strideH, padH, dilH)} (same for W).
 * Inputs may be any strided float32 (or int64/bool, converted) arrays; results are new dense float32 arrays.
 * Every stride, zero padding, dilation and groups combination and non-square kernels are supported.
 *
 * <p>Algorithm: per image and group, im2col then one {@link Gemm#sgemm}: {@code out_g = W_g (OCg x Cg*KH*KW) @
 * col (Cg*KH*KW x OH*OW)}; a 1x1 kernel with stride 1 and no padding reads the input directly (no im2col).
 * backwardInput is {@code W_g^T @ gradOut_g} then col2im; backwardWeight accumulates {@code gradOut_g @ col^T}
 * over the batch. Images are spread over {@link Parallel#threads()} threads when the batch has at least as many
 * images as threads, otherwise each GEMM is parallel itself. Column buffers are per-thread {@link Scratch}.
 */
public final class Conv2d {
  private Conv2d() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /**
   * Convolution hyper-parameters, as {@code torch.nn.Conv2d} takes them (padding is symmetric zero padding).
   * All must be positive except padding, which must be non-negative.
   */
  public record Params(int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {
    public Params {
      if (strideH <= 0 || strideW <= 0) throw new TorchException("non-positive stride is not supported");
      if (padH < 0 || padW < 0) throw new TorchException("negative padding is not supported");
      if (dilH <= 0 || dilW <= 0) throw new TorchException("dilation should be greater than zero");
      if (groups <= 0) throw new TorchException("non-positive groups is not supported");
    }

    /** stride 1, no padding, no dilation, one group. */
    public static Params defaults() { return new Params(1, 1, 0, 0, 1, 1, 1); }

    /** Square stride, padding and dilation. */
    public static Params of(int stride, int pad, int dil, int groups) {
      return new Params(stride, stride, pad, pad, dil, dil, groups);
    }
  }

  /** PyTorch's output size: {@code (in + 2*pad - dil*(k-1) - 1) / stride + 1} (floor; may be <= 0 for bad shapes). */
  public static int outSize(int in, int k, int stride, int pad, int dil) {
    return Math.floorDiv(in + 2 * pad - dil * (k - 1) - 1, stride) + 1;
  }

  /** Geometry of one call, checked once. */
  private record Geo(int n, int c, int h, int w, int oc, int kh, int kw, int oh, int ow, int groups, Params p) {
    int cg() { return c / groups; }
    int ocg() { return oc / groups; }
    int kk() { return cg() * kh * kw; }           // rows of the column matrix
    int ohw() { return oh * ow; }
    boolean direct() {                              // 1x1, stride 1, no padding: the input is its own column matrix
      return kh == 1 && kw == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0;
    }
  }

  private static Geo geometry(int[] xs, int[] ws, Params p) {
    if (ws.length != 4) throw new TorchException("Expected 4-dimensional weight for conv2d, but got weight of size " + Shapes.str(ws));
    if (xs.length != 4)
      throw new TorchException("Expected 4-dimensional input for 4-dimensional weight " + Shapes.str(ws)
          + ", but got " + xs.length + "-dimensional input of size " + Shapes.str(xs) + " instead");
    int g = p.groups();
    if (ws[0] % g != 0) throw new TorchException("out_channels must be divisible by groups (got " + ws[0] + " and groups=" + g + ")");
    if (xs[1] != ws[1] * g)
      throw new TorchException("Given groups=" + g + ", weight of size " + Shapes.str(ws) + ", expected input"
          + Shapes.str(xs) + " to have " + (ws[1] * g) + " channels, but got " + xs[1] + " channels instead");
    int oh = outSize(xs[2], ws[2], p.strideH(), p.padH(), p.dilH()), ow = outSize(xs[3], ws[3], p.strideW(), p.padW(), p.dilW());
    if (oh <= 0 || ow <= 0)
      throw new TorchException("Calculated padded input size per channel: (" + (xs[2] + 2 * p.padH()) + " x "
          + (xs[3] + 2 * p.padW()) + "). Kernel size: (" + ((ws[2] - 1) * p.dilH() + 1) + " x " + ((ws[3] - 1) * p.dilW() + 1)
          + "). Kernel size can't be greater than actual input size");
    return new Geo(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], oh, ow, g, p);
  }

  private static float[] dense(NDArray a) { return a.to(DType.FLOAT32).dense().floats(); }

  // ------------------------------------------------------------------------------------------------ forward

  /** {@code conv2d(x, w, bias, stride, padding, dilation, groups)}; {@code biasOrNull [OC]} may be null. */
  public static NDArray forward(NDArray x, NDArray w, NDArray biasOrNull, Params p) {
    return forward(x, w, biasOrNull, p, false);
  }

  /**
   * Convolution with a fused epilogue: {@code relu(conv2d(x, w) + bias)} when {@code relu} is true (ReLU keeps
   * NaN, as {@code torch.relu}), {@code conv2d(x, w) + bias} otherwise. The epilogue runs on each image's output
   * while it is still in cache.
   */
  public static NDArray forward(NDArray x, NDArray w, NDArray biasOrNull, Params p, boolean relu) {
    Geo g = geometry(x.shape(), w.shape(), p);
    if (biasOrNull != null && (biasOrNull.dim() != 1 || biasOrNull.size(0) != g.oc()))
      throw new TorchException("Given weight of size " + Shapes.str(w.shape()) + ", expected bias to be 1-dimensional with "
          + g.oc() + " elements, but got bias of size " + Shapes.str(biasOrNull.shape()) + " instead");
    NDArray out = NDArray.empty(DType.FLOAT32, g.n(), g.oc(), g.oh(), g.ow());
    if (out.numel() == 0) return out;
    float[] xd = dense(x), wd = dense(w), bd = biasOrNull == null ? null : dense(biasOrNull), od = out.floats();
    if (g.kk() == 0) { epilogue(od, 0, g.n(), g.oc(), g.ohw(), bd, relu); return out; }
    perImage(g.n(), i -> {
      forwardImage(g, xd, wd, od, i);
      epilogue(od, i * g.oc() * g.ohw(), 1, g.oc(), g.ohw(), bd, relu);
    });
    return out;
  }

  private static void forwardImage(Geo g, float[] x, float[] w, float[] out, int i) {
    int cg = g.cg(), ocg = g.ocg(), kk = g.kk(), ohw = g.ohw(), hw = g.h() * g.w();
    for (int gr = 0; gr < g.groups(); gr++) {
      int xo = (i * g.c() + gr * cg) * hw;
      float[] col;
      int colOff;
      if (g.direct()) { col = x; colOff = xo; }
      else {
        col = Scratch.floats(Scratch.COLUMNS, kk * ohw);
        colOff = 0;
        im2col(x, xo, cg, g.h(), g.w(), g.kh(), g.kw(), g.p(), g.oh(), g.ow(), col);
      }
      Gemm.sgemm(false, false, ocg, ohw, kk, 1f, w, gr * ocg * kk, kk, col, colOff, ohw,
          0f, out, (i * g.oc() + gr * ocg) * ohw, ohw);
    }
  }

  /** out[img][c][*] = (relu)(out + bias[c]) over {@code images} consecutive images. */
  private static void epilogue(float[] o, int off, int images, int oc, int ohw, float[] bias, boolean relu) {
    if (bias == null && !relu) return;
    FloatVector zero = FloatVector.zero(S);
    int vl = S.length();
    for (int im = 0; im < images; im++) {
      for (int c = 0; c < oc; c++) {
        int base = off + (im * oc + c) * ohw;
        float b = bias == null ? 0f : bias[c];
        FloatVector bv = FloatVector.broadcast(S, b);
        int j = 0;
        for (int e = ohw - vl; j <= e; j += vl) {
          FloatVector v = FloatVector.fromArray(S, o, base + j).add(bv);
          // max(v, 0) but NaN-preserving: lanes where v < 0 become 0
          if (relu) v = v.blend(zero, v.lt(zero));
          v.intoArray(o, base + j);
        }
        for (; j < ohw; j++) {
          float v = o[base + j] + b;
          o[base + j] = relu && v < 0f ? 0f : v;
        }
      }
    }
  }

  /**
   * Unfolds one image's {@code C} channels (at {@code x[xo..]}, each {@code H x W}) into the column matrix
   * {@code col [C*KH*KW, OH*OW]}: row {@code (c*KH + kh)*KW + kw}, column {@code oh*OW + ow} holds
   * {@code x[c][oh*sH - pH + kh*dH][ow*sW - pW + kw*dW]}, or 0 in the padding.
   */
  static void im2col(float[] x, int xo, int c, int h, int w, int kh, int kw, Params p, int oh, int ow, float[] col) {
    int ohw = oh * ow, sH = p.strideH(), sW = p.strideW();
    for (int ci = 0; ci < c; ci++) {
      for (int ki = 0; ki < kh; ki++) {
        for (int kj = 0; kj < kw; kj++) {
          int row = ((ci * kh + ki) * kw + kj) * ohw;
          int iw0 = kj * p.dilW() - p.padW();
          // ow range whose iw = ow*sW + iw0 falls inside [0, w)
          int lo = clamp(ceilDiv(-iw0, sW), 0, ow), hi = clamp(ceilDiv(w - iw0, sW), lo, ow);
          for (int o = 0; o < oh; o++) {
            int ih = o * sH - p.padH() + ki * p.dilH();
            int dst = row + o * ow;
            if (ih < 0 || ih >= h) { java.util.Arrays.fill(col, dst, dst + ow, 0f); continue; }
            int src = xo + (ci * h + ih) * w + iw0;
            for (int q = 0; q < lo; q++) col[dst + q] = 0f;
            copyRow(x, src, sW, col, dst, lo, hi);
            for (int q = hi; q < ow; q++) col[dst + q] = 0f;
          }
        }
      }
    }
  }

  private static final int VL = S.length();
  private static final jdk.incubator.vector.VectorShuffle<Float> EVEN = jdk.incubator.vector.VectorShuffle.fromOp(S, i -> 2 * i);

  /** col[dst+q] = x[src + q*sW] for q in [lo, hi): arraycopy for stride 1, even lanes of vector pairs for 2, a loop otherwise. */
  private static void copyRow(float[] x, int src, int sW, float[] col, int dst, int lo, int hi) {
    int q = lo;
    if (sW == 1) {
      int len = hi - lo;
      if (len <= VL) {  // short rows (small feature maps): one masked vector copy beats arraycopy's set-up
        var m = S.indexInRange(0, len);
        FloatVector.fromArray(S, x, src + lo, m).intoArray(col, dst + lo, m);
      } else {
        System.arraycopy(x, src + lo, col, dst + lo, len);
      }
    } else if (sW == 2) {
      // two vectors of input give one of output: keep the even lanes (reads stay at or below src + 2*hi - 2,
      // the last element the row uses, so they never run past the array)
      for (; q < hi - VL; q += VL) {
        int s0 = src + 2 * q;
        FloatVector.fromArray(S, x, s0).rearrange(EVEN, FloatVector.fromArray(S, x, s0 + VL)).intoArray(col, dst + q);
      }
      for (; q < hi; q++) col[dst + q] = x[src + 2 * q];
    } else {
      for (; q < hi; q++) col[dst + q] = x[src + q * sW];
    }
  }

  /** The adjoint of {@link #im2col}: adds each column entry back into {@code x} (which the caller zeroed). */
  static void col2im(float[] col, int c, int h, int w, int kh, int kw, Params p, int oh, int ow, float[] x, int xo) {
    int ohw = oh * ow, sH = p.strideH(), sW = p.strideW();
    for (int ci = 0; ci < c; ci++) {
      for (int ki = 0; ki < kh; ki++) {
        for (int kj = 0; kj < kw; kj++) {
          int row = ((ci * kh + ki) * kw + kj) * ohw;
          int iw0 = kj * p.dilW() - p.padW();
          int lo = clamp(ceilDiv(-iw0, sW), 0, ow), hi = clamp(ceilDiv(w - iw0, sW), lo, ow);
          for (int o = 0; o < oh; o++) {
            int ih = o * sH - p.padH() + ki * p.dilH();
            if (ih < 0 || ih >= h) continue;
            int src = row + o * ow, dst = xo + (ci * h + ih) * w + iw0;
            if (sW == 1) {
              int len = hi - lo;
              if (len > 0 && len <= VL) {
                var m = S.indexInRange(0, len);
                FloatVector.fromArray(S, col, src + lo, m).add(FloatVector.fromArray(S, x, dst + lo, m)).intoArray(x, dst + lo, m);
              } else {
                addTo(col, src + lo, x, dst + lo, len);
              }
            }
            else for (int q = lo; q < hi; q++) x[dst + q * sW] += col[src + q];
          }
        }
      }
    }
  }

  /** y[yo..yo+n) += x[xo..xo+n). */
  private static void addTo(float[] x, int xo, float[] y, int yo, int n) {
    int vl = S.length(), i = 0;
    for (int e = n - vl; i <= e; i += vl)
      FloatVector.fromArray(S, x, xo + i).add(FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
    for (; i < n; i++) y[yo + i] += x[xo + i];
  }

  private static int ceilDiv(int a, int b) { return -Math.floorDiv(-a, b); }
  private static int clamp(int v, int lo, int hi) { return Math.max(lo, Math.min(hi, v)); }

  // ------------------------------------------------------------------------------------------------ backward

  /**
   * Gradient of the convolution with respect to its input: {@code gradOut [N, OC, OH, OW]}, weight
   * {@code [OC, C/groups, KH, KW]}, result of shape {@code inputShape [N, C, H, W]}. Input positions that no
   * output reads (e.g. the last rows when the stride does not divide evenly) get 0.
   */
  public static NDArray backwardInput(NDArray gradOut, NDArray w, int[] inputShape, Params p) {
    Geo g = geometry(inputShape, w.shape(), p);
    checkGradOut(gradOut, g);
    NDArray gi = NDArray.empty(DType.FLOAT32, inputShape);
    if (gi.numel() == 0 || g.oc() == 0) return gi;
    float[] go = dense(gradOut), wd = dense(w), gid = gi.floats();
    perImage(g.n(), i -> backwardInputImage(g, go, wd, gid, i));
    return gi;
  }

  private static void backwardInputImage(Geo g, float[] go, float[] w, float[] gi, int i) {
    int cg = g.cg(), ocg = g.ocg(), kk = g.kk(), ohw = g.ohw(), hw = g.h() * g.w();
    for (int gr = 0; gr < g.groups(); gr++) {
      int xo = (i * g.c() + gr * cg) * hw, goOff = (i * g.oc() + gr * ocg) * ohw;
      if (g.direct()) {
        Gemm.sgemm(true, false, kk, ohw, ocg, 1f, w, gr * ocg * kk, kk, go, goOff, ohw, 0f, gi, xo, hw);
      } else {
        float[] col = Scratch.floats(Scratch.COLUMNS, kk * ohw);
        Gemm.sgemm(true, false, kk, ohw, ocg, 1f, w, gr * ocg * kk, kk, go, goOff, ohw, 0f, col, 0, ohw);
        java.util.Arrays.fill(gi, xo, xo + cg * hw, 0f);
        col2im(col, cg, g.h(), g.w(), g.kh(), g.kw(), g.p(), g.oh(), g.ow(), gi, xo);
      }
    }
  }

  /**
   * Gradient of the convolution with respect to its weight: {@code gradOut [N, OC, OH, OW]}, input
   * {@code x [N, C, H, W]}, result of shape {@code weightShape [OC, C/groups, KH, KW]}, summed over the batch.
   */
  public static NDArray backwardWeight(NDArray gradOut, NDArray x, int[] weightShape, Params p) {
    Geo g = geometry(x.shape(), weightShape, p);
    checkGradOut(gradOut, g);
    NDArray gw = NDArray.empty(DType.FLOAT32, weightShape);
    int size = gw.numel();
    if (size == 0) return gw;
    float[] go = dense(gradOut), xd = dense(x), gwd = gw.floats();
    int parts = g.n() >= 2 ? Math.min(Parallel.threads(), g.n()) : 1;
    if (parts <= 1 || Parallel.inParallelRegion()) {
      for (int i = 0; i < g.n(); i++) backwardWeightImage(g, go, xd, gwd, i, i > 0);
      if (g.n() == 0) java.util.Arrays.fill(gwd, 0f);
      return gw;
    }
    // one accumulator per task (not per thread: with dynamic claiming one thread may run several tasks)
    float[][] partial = new float[parts][];
    partial[0] = gwd;
    for (int t = 1; t < parts; t++) partial[t] = new float[size];
    Parallel.run(parts, (t, cnt) -> {
      int i0 = (int) ((long) g.n() * t / cnt), i1 = (int) ((long) g.n() * (t + 1) / cnt);
      float[] acc = partial[t];
      for (int i = i0; i < i1; i++) backwardWeightImage(g, go, xd, acc, i, i > i0);
      if (i1 == i0) java.util.Arrays.fill(acc, 0, size, 0f);
    });
    for (int t = 1; t < parts; t++) addTo(partial[t], 0, gwd, 0, size);
    return gw;
  }

  private static void backwardWeightImage(Geo g, float[] go, float[] x, float[] gw, int i, boolean accumulate) {
    int cg = g.cg(), ocg = g.ocg(), kk = g.kk(), ohw = g.ohw(), hw = g.h() * g.w();
    for (int gr = 0; gr < g.groups(); gr++) {
      int xo = (i * g.c() + gr * cg) * hw, goOff = (i * g.oc() + gr * ocg) * ohw;
      float[] col;
      int colOff;
      if (g.direct()) { col = x; colOff = xo; }
      else {
        col = Scratch.floats(Scratch.COLUMNS, kk * ohw);
        colOff = 0;
        im2col(x, xo, cg, g.h(), g.w(), g.kh(), g.kw(), g.p(), g.oh(), g.ow(), col);
      }
      Gemm.sgemm(false, true, ocg, kk, ohw, 1f, go, goOff, ohw, col, colOff, ohw,
          accumulate ? 1f : 0f, gw, gr * ocg * kk, kk);
    }
  }

  /** Gradient with respect to the bias: {@code gradOut} summed over N, OH, OW (accumulated in double). */
  public static NDArray backwardBias(NDArray gradOut) {
    if (gradOut.dim() != 4) throw new TorchException("conv2d bias gradient expects a 4-d gradOut, got " + Shapes.str(gradOut.shape()));
    int n = gradOut.size(0), oc = gradOut.size(1), ohw = gradOut.size(2) * gradOut.size(3);
    float[] go = dense(gradOut);
    NDArray gb = NDArray.empty(DType.FLOAT32, oc);
    for (int c = 0; c < oc; c++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        int base = (i * oc + c) * ohw;
        s += sum(go, base, ohw);
      }
      gb.floats()[c] = (float) s;
    }
    return gb;
  }

  private static double sum(float[] a, int off, int n) {
    int vl = S.length(), i = 0;
    FloatVector acc = FloatVector.zero(S);
    double s = 0;
    // blocks of up to 256 vectors summed in float, folded into double per block
    while (n - i >= vl) {
      int end = Math.min(n - vl, i + 256 * vl);
      for (; i <= end; i += vl) acc = acc.add(FloatVector.fromArray(S, a, off + i));
      s += acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
      acc = FloatVector.zero(S);
    }
    for (; i < n; i++) s += a[off + i];
    return s;
  }

  private static void checkGradOut(NDArray gradOut, Geo g) {
    int[] s = gradOut.shape();
    if (s.length != 4 || s[0] != g.n() || s[1] != g.oc() || s[2] != g.oh() || s[3] != g.ow())
      throw new TorchException("conv2d backward: expected gradOut of size " + Shapes.str(new int[]{g.n(), g.oc(), g.oh(), g.ow()})
          + ", but got " + Shapes.str(s));
  }

  /** Runs {@code body} for every image, over the pool when there are at least as many images as threads. */
  private static void perImage(int n, java.util.function.IntConsumer body) {
    int threads = Parallel.threads();
    if (n >= threads && threads > 1 && !Parallel.inParallelRegion()) {
      Parallel.run(n, (i, cnt) -> body.accept(i));   // one task per image, claimed dynamically
    } else {
      for (int i = 0; i < n; i++) body.accept(i);
    }
  }
}
