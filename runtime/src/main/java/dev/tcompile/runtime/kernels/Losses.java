package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/**
 * Loss kernels: negative log likelihood (forward and backward) and the elementwise terms of the binary
 * cross entropies, with PyTorch's clamps. Reductions of elementwise losses go through {@link #reduce}.
 */
public final class Losses {
  private Losses() {}

  public enum Reduction {
    NONE, MEAN, SUM;

    public static Reduction of(String name) {
      return switch (name) {
        case "none" -> NONE;
        case "mean" -> MEAN;
        case "sum" -> SUM;
        default -> throw new TorchException(name + " is not a valid value for reduction");
      };
    }
  }

  /** mean or sum of all elements (a 0-d result); none returns the array itself. */
  public static NDArray reduce(NDArray loss, Reduction r) {
    if (r == Reduction.NONE) return loss;
    boolean[] all = new boolean[loss.dim()];
    java.util.Arrays.fill(all, true);
    return Reduce.reduce(r == Reduction.MEAN ? Reduce.Kind.MEAN : Reduce.Kind.SUM, loss, all, false);
  }

  /** Layout of an nll_loss input: N samples (1 without a batch dim), C classes, S positions per sample. */
  private record Layout(int n, int c, int s) {
    static Layout of(int[] in) {
      if (in.length == 1) return new Layout(1, in[0], 1);
      int s = 1;
      for (int i = 2; i < in.length; i++) s *= in[i];
      return new Layout(in[0], in[1], s);
    }
  }

  private static float[] weights(NDArray w, int c) {
    if (w == null) { float[] ones = new float[c]; java.util.Arrays.fill(ones, 1f); return ones; }
    return w.to(DType.FLOAT32).dense().floats();
  }

  private static int checkedTarget(long t, int c) {
    if (t < 0 || t >= c) throw new TorchException("Target " + t + " is out of bounds.");
    return (int) t;
  }

  /**
   * nll_loss: {@code -w[t] * x[t]} per (sample, position), 0 where the target is {@code ignoreIndex}; mean
   * divides the sum by the total weight of the counted targets (NaN when nothing counted, as PyTorch).
   * Output: the target's shape for none, else 0-d.
   */
  public static NDArray nllForward(NDArray x, NDArray target, NDArray weightOrNull, Reduction r, long ignoreIndex) {
    return nllForward(x, target, weightOrNull, r, ignoreIndex, null);
  }

  /**
   * {@link #nllForward(NDArray, NDArray, NDArray, Reduction, long)} into a given dense buffer of the result's dtype
   * and shape (null: a new array); a float32 mean or sum of int64 targets into a given buffer allocates nothing.
   */
  public static NDArray nllForward(NDArray x, NDArray target, NDArray weightOrNull, Reduction r, long ignoreIndex, NDArray outOrNull) {
    if (x.dtype() == DType.FLOAT64) {
      NDArray d = DoubleNll.forward(x, target, weightOrNull, r, ignoreIndex);
      if (outOrNull == null) return d;
      NDArray out = OutputBuffer.of(outOrNull, d.dtype(), d.shape(), "nll_loss");
      out.copyFrom(d);
      return out;
    }
    Layout l = Layout.of(x.shape());
    // no weights: w[k] = 1 read as such (no array of ones per call); int64 targets read in place
    float[] xd = x.to(DType.FLOAT32).dense().floats(), w = weightOrNull == null ? null : weights(weightOrNull, l.c());
    boolean direct = target.dtype() == DType.INT64 && target.isContiguous();
    long[] t = direct ? target.longs() : target.toLongArray();
    int to = direct ? target.offset() : 0;
    float[] per = r == Reduction.NONE ? new float[l.n() * l.s()] : null;   // the reductions need only the sum
    double sum = 0, totalWeight = 0;
    for (int i = 0; i < l.n(); i++)
      for (int p = 0; p < l.s(); p++) {
        long ti = t[to + i * l.s() + p];
        if (ti == ignoreIndex) continue;
        int k = checkedTarget(ti, l.c());
        float wk = w == null ? 1f : w[k];
        float loss = -wk * xd[(i * l.c() + k) * l.s() + p];
        if (per != null) per[i * l.s() + p] = loss;
        sum += loss;
        totalWeight += wk;
      }
    if (r == Reduction.NONE) {
      NDArray losses = NDArray.wrap(per, target.shape());
      if (outOrNull == null) return losses;
      NDArray out = OutputBuffer.of(outOrNull, DType.FLOAT32, losses.shape(), "nll_loss");
      out.copyFrom(losses);
      return out;
    }
    double value = r == Reduction.SUM ? sum : sum / totalWeight;
    if (outOrNull == null) return NDArray.scalar(DType.FLOAT32, value);
    NDArray out = OutputBuffer.of(outOrNull, DType.FLOAT32, outOrNull.dim() == 0 ? outOrNull.shape() : new int[0], "nll_loss");
    out.floats()[0] = (float) value;
    return out;
  }

  /** The total weight mean divides by: the summed class weights of the counted targets. */
  private static double totalWeight(long[] t, float[] w, long ignoreIndex, int c) {
    double tw = 0;
    for (long ti : t) if (ti != ignoreIndex) tw += w[checkedTarget(ti, c)];
    return tw;
  }

  /** Gradient of nll_loss: {@code -g * w[t]} (divided by the total weight for mean) at each target class. */
  public static NDArray nllBackward(NDArray gradOut, NDArray target, NDArray weightOrNull, Reduction r, long ignoreIndex,
                                    int[] inputShape) {
    if (gradOut.dtype() == DType.FLOAT64) return DoubleNll.backward(gradOut, target, weightOrNull, r, ignoreIndex, inputShape);
    Layout l = Layout.of(inputShape);
    float[] w = weights(weightOrNull, l.c());
    long[] t = target.toLongArray();
    float[] g = gradOut.to(DType.FLOAT32).dense().floats();
    NDArray gi = NDArray.empty(DType.FLOAT32, inputShape);
    float[] gd = gi.floats();
    float scale = r == Reduction.MEAN ? (float) (1.0 / totalWeight(t, w, ignoreIndex, l.c())) : 1f;
    for (int i = 0; i < l.n(); i++)
      for (int p = 0; p < l.s(); p++) {
        int j = i * l.s() + p;
        if (t[j] == ignoreIndex) continue;
        int k = checkedTarget(t[j], l.c());
        float gv = r == Reduction.NONE ? g[j] : g[0];
        gd[(i * l.c() + k) * l.s() + p] = -w[k] * gv * scale;
      }
    return gi;
  }

  /** A dense float copy of {@code a} broadcast to {@code shape} (null stays null). */
  private static float[] spread(NDArray a, int[] shape) {
    if (a == null) return null;
    NDArray out = NDArray.empty(DType.FLOAT32, shape);
    out.copyFrom(a);
    return out.floats();
  }

  /**
   * binary_cross_entropy's elementwise loss {@code w * ((t - 1) * max(log(1 - x), -100) - t * max(log(x), -100))};
   * every x must lie in [0, 1].
   */
  public static NDArray binaryCrossEntropy(NDArray x, NDArray target, NDArray weightOrNull) {
    if (x.dtype() == DType.FLOAT64) return DoubleBce.binaryCrossEntropy(x, target, weightOrNull);
    int[] shape = x.shape();
    float[] xd = spread(x, shape), t = spread(target, shape), w = spread(weightOrNull, shape);
    float[] out = new float[xd.length];
    for (int i = 0; i < xd.length; i++) {
      float xi = xd[i];
      if (!(xi >= 0f && xi <= 1f)) throw new TorchException("all elements of input should be between 0 and 1");
      float logX = Math.max((float) Math.log(xi), -100f), log1mX = Math.max((float) Math.log1p(-xi), -100f);
      float l = (t[i] - 1f) * log1mX - t[i] * logX;
      out[i] = w == null ? l : l * w[i];
    }
    return NDArray.wrap(out, shape);
  }

  /**
   * binary_cross_entropy_with_logits' elementwise loss, in PyTorch's stable form: with {@code m = max(-x, 0)},
   * {@code (1 - t) * x + lw * (m + log(exp(-m) + exp(-x - m)))} where {@code lw = 1 + (pos_weight - 1) * t}
   * (1 without pos_weight), times the weight.
   */
  public static NDArray binaryCrossEntropyWithLogits(NDArray x, NDArray target, NDArray weightOrNull, NDArray posWeightOrNull) {
    if (x.dtype() == DType.FLOAT64) return DoubleBce.binaryCrossEntropyWithLogits(x, target, weightOrNull, posWeightOrNull);
    int[] shape = x.shape();
    float[] xd = spread(x, shape), t = spread(target, shape), w = spread(weightOrNull, shape), pw = spread(posWeightOrNull, shape);
    float[] out = new float[xd.length];
    for (int i = 0; i < xd.length; i++) {
      float xi = xd[i], ti = t[i];
      float m = Math.max(-xi, 0f);
      float softplus = (float) Math.log((float) Math.exp(-m) + (float) Math.exp(-xi - m)) + m;
      float lw = pw == null ? 1f : (pw[i] - 1f) * ti + 1f;
      float l = (1f - ti) * xi + lw * softplus;
      out[i] = w == null ? l : l * w[i];
    }
    return NDArray.wrap(out, shape);
  }

  /** Checks that {@code a} broadcasts to {@code shape}, naming the argument. */
  public static void checkBroadcast(String what, int[] a, int[] shape) {
    if (a.length > shape.length) throw new TorchException(what + " of size " + Shapes.str(a) + " does not broadcast to " + Shapes.str(shape));
    for (int i = 0; i < a.length; i++) {
      int s = a[a.length - 1 - i], d = shape[shape.length - 1 - i];
      if (s != 1 && s != d) throw new TorchException(what + " of size " + Shapes.str(a) + " does not broadcast to " + Shapes.str(shape));
    }
  }
}
