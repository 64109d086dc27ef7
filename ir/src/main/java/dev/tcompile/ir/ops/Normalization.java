package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Algebra;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.kernels.Norms;
import java.util.Arrays;

/**
 * native_layer_norm and native_batch_norm. Batch norm is functional, as PyTorch 2's functionalised form: the
 * updated running statistics are extra outputs (the module copies them into its buffers), so the op has no
 * side effects and traces like any other. Both derivatives are written in primitives.
 */
public final class Normalization {
  private Normalization() {}

  public static final OpDef NATIVE_LAYER_NORM = new LayerNorm(), NATIVE_BATCH_NORM = new BatchNorm();

  /** Every operand in the input's floating dtype (the kernels compute in it): PyTorch's mismatch message otherwise. */
  static void sameFloat(String what, TensorType t, TensorType input) {
    if (!t.dtype().isFloatingPoint()) throw new TorchException("\"" + what + "\" not implemented for '" + t.dtype().legacyName() + "'");
    if (t.dtype() != input.dtype())
      throw new TorchException("expected scalar type " + input.dtype().legacyName() + " but found " + t.dtype().legacyName());
  }

  static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) r[i] = from + i;
    return r;
  }

  static <T> T meanKeep(Algebra<T> A, T x, int[] dims) { return A.op(Reductions.MEAN, Attrs.of("dims", dims, "keepdim", true), x); }

  /**
   * The input gradient of a normalisation with statistics over {@code dims}:
   * {@code rstd * (gy - mean(gy) - xhat * mean(gy * xhat))}, where gy is the gradient of the normalised value.
   */
  static <T> T normalizedInputGrad(Algebra<T> A, T gy, T xhat, T rstd, int[] dims) {
    T centred = A.sub(A.sub(gy, meanKeep(A, gy, dims)), A.mul(xhat, meanKeep(A, A.mul(gy, xhat), dims)));
    return A.mul(rstd, centred);
  }

  /**
   * The input gradient flowing back through the statistics outputs themselves (mean and 1/std over
   * {@code count} elements), for second derivatives that read them: d mean/dx = 1/n, d rstd/dx = -rstd^3 (x - mean)/n.
   */
  static <T> T statisticsGrad(Vjp<T> v, T gx, T x, T mean, T rstd, T gMean, T gRstd, double count) {
    Algebra<T> A = v.alg();
    int[] xs = v.inShape(0);
    if (gMean != null) gx = A.add(gx, A.mul(A.expand(gMean, xs), 1 / count));
    if (gRstd != null) {
      T rstd3 = A.mul(A.mul(rstd, rstd), rstd);
      gx = A.add(gx, A.mul(A.mul(gRstd, A.neg(rstd3)), A.mul(A.sub(x, mean), 1 / count)));
    }
    return gx;
  }

  // ------------------------------------------------------------------------------------------------ layer norm

  /** native_layer_norm(x[, weight, bias]): attributes normalized_shape, eps; outputs (y, mean, rstd). */
  static final class LayerNorm extends OpDef {
    LayerNorm() { super("native_layer_norm"); }

    @Override public int arity() { return -1; }
    @Override public int numOutputs(Attrs a) { return 3; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean savesInput(Attrs a, int i) { return i < 2; }
    @Override public boolean savesOutput(Attrs a, int i) { return i > 0; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      if (in.length != 1 && in.length != 3) throw new TorchException("native_layer_norm() expected 1 or 3 inputs but got " + in.length);
      int[] ns = a.getInts("normalized_shape"), xs = in[0].shape();
      if (ns.length < 1)
        throw new TorchException("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []");
      for (int i = 1; i < in.length; i++)
        if (!Shapes.equal(in[i].shape(), ns))
          throw new TorchException("Expected " + (i == 1 ? "weight" : "bias") + " to be of same shape as normalized_shape, but got "
              + (i == 1 ? "weight" : "bias") + " of shape " + Shapes.str(in[i].shape()) + " and normalized_shape = " + Shapes.str(ns));
      if (xs.length < ns.length || !Arrays.equals(Arrays.copyOfRange(xs, xs.length - ns.length, xs.length), ns)) {
        StringBuilder sb = new StringBuilder("Given normalized_shape=" + Shapes.str(ns) + ", expected input with shape [*");
        for (int s : ns) sb.append(", ").append(s);
        throw new TorchException(sb.append("], but got input of size").append(Shapes.str(xs)).toString());
      }
      for (TensorType t : in) sameFloat("LayerNormKernelImpl", t, in[0]);
      TensorType stat = TensorType.of(in[0].dtype(), statShape(xs, ns.length));
      return new TensorType[]{in[0], stat, stat};
    }

    static int[] statShape(int[] xs, int k) {
      int[] s = xs.clone();
      for (int i = xs.length - k; i < xs.length; i++) s[i] = 1;
      return s;
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      int[] ns = a.getInts("normalized_shape");
      int cols = (int) Shapes.numel(ns);
      return Norms.layerNorm(in[0], in.length == 3 ? in[1] : null, in.length == 3 ? in[2] : null, cols, a.getDouble("eps"),
          statShape(in[0].shape(), ns.length));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      int nd = v.inType(0).dim(), k = v.attrs().getInts("normalized_shape").length;
      int[] statDims = range(nd - k, nd), batchDims = range(0, nd - k);
      T g = v.gradOut(0), rstd = v.output(2);
      T xhat = A.mul(A.sub(v.input(0), v.output(1)), rstd);
      boolean affine = v.numInputs() == 3;
      if (v.needsGrad(0)) {
        T gx = normalizedInputGrad(A, affine ? A.mul(g, v.input(1)) : g, xhat, rstd, statDims);
        double count = Shapes.numel(v.attrs().getInts("normalized_shape"));
        v.setGrad(0, statisticsGrad(v, gx, v.input(0), v.output(1), rstd, v.hasGradOut(1) ? v.gradOut(1) : null,
            v.hasGradOut(2) ? v.gradOut(2) : null, count));
      }
      if (affine && v.needsGrad(1)) v.setGrad(1, A.sum(A.mul(g, xhat), batchDims, false));
      if (affine && v.needsGrad(2)) v.setGrad(2, A.sum(g, batchDims, false));
    }
  }

  // ------------------------------------------------------------------------------------------------ batch norm

  /**
   * native_batch_norm(x[, weight, bias][, running_mean, running_var]): attributes training, momentum, eps,
   * affine (weight and bias present), running_stats (running mean and var present). Outputs (y, save_mean,
   * save_invstd) and, when training with running stats, (new_running_mean, new_running_var).
   */
  static final class BatchNorm extends OpDef {
    BatchNorm() { super("native_batch_norm"); }

    @Override public int arity() { return -1; }
    @Override public int numOutputs(Attrs a) { return a.getBool("training") && a.getBool("running_stats") ? 5 : 3; }
    @Override public boolean differentiable(int i) { return i < 3; }

    static boolean affine(Attrs a) { return a.getBool("affine"); }
    static int runningMeanIndex(Attrs a) { return affine(a) ? 3 : 1; }

    @Override public boolean savesInput(Attrs a, int i) {
      if (i == 0 || (i == 1 && affine(a))) return true;
      return !a.getBool("training") && i >= runningMeanIndex(a);
    }

    @Override public boolean savesOutput(Attrs a, int i) { return a.getBool("training") && (i == 1 || i == 2); }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      boolean training = a.getBool("training"), running = a.getBool("running_stats");
      int expected = 1 + (affine(a) ? 2 : 0) + (running ? 2 : 0);
      if (in.length != expected) throw new TorchException("native_batch_norm() expected " + expected + " inputs but got " + in.length);
      if (!training && !running) throw new TorchException("running_mean and running_var must be defined in evaluation mode");
      TensorType x = in[0];
      if (x.dim() < 2) throw new TorchException("batch_norm: expected an input of at least 2 dims (N, C, *), got " + Shapes.str(x.shape()));
      int c = x.size(1);
      String[] names = affine(a) ? new String[]{"weight", "bias", "running_mean", "running_var"} : new String[]{"running_mean", "running_var"};
      for (int i = 1; i < in.length; i++)
        if (in[i].dim() != 1 || in[i].size(0) != c)
          throw new TorchException(names[i - 1] + " should contain " + c + " elements not " + in[i].numel());
      for (TensorType t : in) sameFloat("batch_norm", t, x);
      TensorType stat = TensorType.of(x.dtype(), training ? c : 0), channel = TensorType.of(x.dtype(), c);
      return training && running ? new TensorType[]{x, stat, stat, channel, channel} : new TensorType[]{x, stat, stat};
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      boolean aff = affine(a), running = a.getBool("running_stats");
      int r = runningMeanIndex(a);
      return Norms.batchNorm(in[0], aff ? in[1] : null, aff ? in[2] : null, running ? in[r] : null, running ? in[r + 1] : null,
          a.getBool("training"), a.getDouble("momentum"), a.getDouble("eps"));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      Attrs a = v.attrs();
      int[] xs = v.inShape(0);
      int[] reduce = new int[xs.length - 1];
      for (int i = 0, j = 0; i < xs.length; i++) if (i != 1) reduce[j++] = i;
      int[] channelShape = new int[xs.length];
      Arrays.fill(channelShape, 1);
      channelShape[1] = xs[1];
      T g = v.gradOut(0), x = v.input(0);
      T mean, invstd;
      if (a.getBool("training")) {
        mean = A.reshape(v.output(1), channelShape);
        invstd = A.reshape(v.output(2), channelShape);
      } else {
        int r = runningMeanIndex(a);
        mean = A.reshape(v.input(r), channelShape);
        invstd = A.unary(dev.tcompile.runtime.kernels.UnaryOp.RSQRT, A.add(A.reshape(v.input(r + 1), channelShape), a.getDouble("eps")));
      }
      T xhat = A.mul(A.sub(x, mean), invstd);
      T gy = affine(a) ? A.mul(g, A.reshape(v.input(1), channelShape)) : g;
      if (v.needsGrad(0) && a.getBool("training")) {
        double n = Shapes.numel(xs) / (double) xs[1];
        T gx = normalizedInputGrad(A, gy, xhat, invstd, reduce);
        gx = statisticsGrad(v, gx, x, mean, invstd, v.hasGradOut(1) ? A.reshape(v.gradOut(1), channelShape) : null,
            v.hasGradOut(2) ? A.reshape(v.gradOut(2), channelShape) : null, n);
        double momentum = a.getDouble("momentum");
        if (a.getBool("running_stats") && v.hasGradOut(3)) gx = A.add(gx, A.mul(A.expand(A.reshape(v.gradOut(3), channelShape), xs), momentum / n));
        if (a.getBool("running_stats") && v.hasGradOut(4))
          gx = A.add(gx, A.mul(A.mul(A.reshape(v.gradOut(4), channelShape), A.sub(x, mean)), 2 * momentum / (n - 1)));
        v.setGrad(0, gx);
      } else if (v.needsGrad(0)) {
        v.setGrad(0, A.mul(gy, invstd));
      }
      if (affine(a) && v.needsGrad(1)) v.setGrad(1, A.sum(A.mul(g, xhat), reduce, false));
      if (affine(a) && v.needsGrad(2)) v.setGrad(2, A.sum(g, reduce, false));
    }
  }
}
