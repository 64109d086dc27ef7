package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
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
 * <p>Algorithm: implicit GEMMs ({@link ConvGemm}): per group {@code out_g = W_g (OCg x Cg*KH*KW) @ col
 * (Cg*KH*KW x OH*OW)}, with the weights packed once per call and the column matrix (im2col) built a block at a
 * time straight from the input into the GEMM's panels; backwardInput multiplies {@code W_g^T} by gradOut panel by
 * panel and adds each result panel back into the input gradient (col2im); backwardWeight accumulates
 * {@code gradOut_g @ col^T} over chunks of the batch's output pixels. Work is spread over
 * {@link dev.tcompile.runtime.Parallel#threads()} threads.
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

  /** The shapes' geometry, or PyTorch's error for inconsistent ones (shared with {@link DoubleConv2d}). */
  static ConvGeometry geometry(int[] xs, int[] ws, Params p) {
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
    return ConvGeometry.of(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], oh, ow, g,
        p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilH(), p.dilW(), p);
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
    return forward(x, w, biasOrNull, p, relu, null);
  }

  /** {@link #forward(NDArray, NDArray, NDArray, Params, boolean)} into a given dense buffer (null: a new array). */
  public static NDArray forward(NDArray x, NDArray w, NDArray biasOrNull, Params p, boolean relu, NDArray outOrNull) {
    ConvGeometry g = geometry(x.shape(), w.shape(), p);
    if (biasOrNull != null && (biasOrNull.dim() != 1 || biasOrNull.size(0) != g.oc()))
      throw new TorchException("Given weight of size " + Shapes.str(w.shape()) + ", expected bias to be 1-dimensional with "
          + g.oc() + " elements, but got bias of size " + Shapes.str(biasOrNull.shape()) + " instead");
    NDArray out = OutputBuffer.of(outOrNull, DType.FLOAT32, g.n(), g.oc(), g.oh(), g.ow(), "conv2d");
    if (outOrNull != null && g.kk() == 0) java.util.Arrays.fill(out.floats(), 0, out.numel(), 0f);
    if (out.numel() == 0) return out;
    float[] xd = dense(x), wd = dense(w), bd = biasOrNull == null ? null : dense(biasOrNull), od = out.floats();
    if (g.kk() == 0) {
      for (int i = 0; i < g.n(); i++) epilogue(od, i * g.oc() * g.ohw(), g.oc(), g.ohw(), 0, g.ohw(), bd, relu);
      return out;
    }
    ConvGemm.forward(g, xd, wd, od, bd, relu);
    return out;
  }

  /** o[off + c*ohw + j] = (relu)(o + bias[c]) for every channel c < oc and j in [j0, j0+nb). */
  static void epilogue(float[] o, int off, int oc, int ohw, int j0, int nb, float[] bias, boolean relu) {
    if (bias == null && !relu) return;
    for (int c = 0; c < oc; c++) {
      int base = off + c * ohw + j0;
      float b = bias == null ? 0f : bias[c];
      if (relu) addRelu(o, base, nb, b);
      else add(o, base, nb, b);
    }
  }

  // One small method per form, each vector made inside the iteration that uses it: with both forms in the channel
  // loop (a vector merged from two branches, a broadcast carried into the loop), C2 sometimes compiled the loop
  // with boxed vectors (128 KB allocated per MNIST conv2 forward, in some JVM runs only).

  /** o[base, base+n) += b. */
  private static void add(float[] o, int base, int n, float b) {
    int vl = S.length(), j = 0;
    for (int e = n - vl; j <= e; j += vl)
      FloatVector.fromArray(S, o, base + j).add(FloatVector.broadcast(S, b)).intoArray(o, base + j);
    for (; j < n; j++) o[base + j] += b;
  }

  /** o[base, base+n) = relu(o + b), NaN-preserving: only values below 0 become 0. */
  private static void addRelu(float[] o, int base, int n, float b) {
    int vl = S.length(), j = 0;
    for (int e = n - vl; j <= e; j += vl) {
      FloatVector v = FloatVector.fromArray(S, o, base + j).add(FloatVector.broadcast(S, b));
      v.blend(0f, v.lt(0f)).intoArray(o, base + j);
    }
    for (; j < n; j++) {
      float v = o[base + j] + b;
      o[base + j] = v < 0f ? 0f : v;
    }
  }

  // ------------------------------------------------------------------------------------------------ backward

  /**
   * Gradient of the convolution with respect to its input: {@code gradOut [N, OC, OH, OW]}, weight
   * {@code [OC, C/groups, KH, KW]}, result of shape {@code inputShape [N, C, H, W]}. Input positions that no
   * output reads (e.g. the last rows when the stride does not divide evenly) get 0.
   */
  public static NDArray backwardInput(NDArray gradOut, NDArray w, int[] inputShape, Params p) {
    return backwardInput(gradOut, w, inputShape, p, null);
  }

  /** {@link #backwardInput(NDArray, NDArray, int[], Params)} into a given dense buffer (null: a new array). */
  public static NDArray backwardInput(NDArray gradOut, NDArray w, int[] inputShape, Params p, NDArray outOrNull) {
    ConvGeometry g = geometry(inputShape, w.shape(), p);
    checkGradOut(gradOut, g);
    NDArray gi = OutputBuffer.of(outOrNull, DType.FLOAT32, inputShape, "conv2d_backward_input");
    if (outOrNull != null) java.util.Arrays.fill(gi.floats(), 0, gi.numel(), 0f);   // the kernel adds into it
    if (gi.numel() == 0 || g.oc() == 0) return gi;
    ConvGemm.backwardInput(g, dense(gradOut), dense(w), gi.floats());   // gi is fresh, hence zero
    return gi;
  }

  /**
   * Gradient of the convolution with respect to its weight: {@code gradOut [N, OC, OH, OW]}, input
   * {@code x [N, C, H, W]}, result of shape {@code weightShape [OC, C/groups, KH, KW]}, summed over the batch.
   */
  public static NDArray backwardWeight(NDArray gradOut, NDArray x, int[] weightShape, Params p) {
    return backwardWeight(gradOut, x, weightShape, p, null);
  }

  /** {@link #backwardWeight(NDArray, NDArray, int[], Params)} into a given dense buffer (null: a new array). */
  public static NDArray backwardWeight(NDArray gradOut, NDArray x, int[] weightShape, Params p, NDArray outOrNull) {
    ConvGeometry g = geometry(x.shape(), weightShape, p);
    checkGradOut(gradOut, g);
    NDArray gw = OutputBuffer.of(outOrNull, DType.FLOAT32, weightShape, "conv2d_backward_weight");
    if (outOrNull != null) java.util.Arrays.fill(gw.floats(), 0, gw.numel(), 0f);   // as a fresh array would be
    int size = gw.numel();
    if (size == 0) return gw;
    ConvGemm.backwardWeight(g, dense(gradOut), dense(x), gw.floats());
    return gw;
  }

  /** Gradient with respect to the bias: {@code gradOut} summed over N, OH, OW (accumulated in double). */
  public static NDArray backwardBias(NDArray gradOut) {
    if (gradOut.dim() != 4) throw new TorchException("conv2d bias gradient expects a 4-d gradOut, got " + Shapes.str(gradOut.shape()));
    int n = gradOut.size(0), oc = gradOut.size(1), ohw = gradOut.size(2) * gradOut.size(3);
    float[] go = dense(gradOut);
    NDArray gb = NDArray.empty(DType.FLOAT32, oc);
    float[] out = gb.floats();
    // one task per channel range; each channel is summed by one task in image order: the same bits at any thread count
    dev.tcompile.runtime.Parallel.forRange(oc, Math.max(1, (1 << 15) / Math.max(1, n * ohw)), (c0, c1) -> {
      for (int c = c0; c < c1; c++) {
        double s = 0;
        for (int i = 0; i < n; i++) s += sum(go, (i * oc + c) * ohw, ohw);
        out[c] = (float) s;
      }
    });
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
      s += Lanes.sum(acc);
      acc = FloatVector.zero(S);
    }
    for (; i < n; i++) s += a[off + i];
    return s;
  }

  static void checkGradOut(NDArray gradOut, ConvGeometry g) {
    int[] s = gradOut.shape();
    if (s.length != 4 || s[0] != g.n() || s[1] != g.oc() || s[2] != g.oh() || s[3] != g.ow())
      throw new TorchException("conv2d backward: expected gradOut of size " + Shapes.str(new int[]{g.n(), g.oc(), g.oh(), g.ow()})
          + ", but got " + Shapes.str(s));
  }

}
