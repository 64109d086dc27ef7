package dev.tcompile.fuzz;

import dev.tcompile.Autograd;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.TorchException;
import java.util.Arrays;
import java.util.function.Function;

/**
 * What one run of a program produced: the error it threw, or its result (shape, dtype, requires_grad, values,
 * whether a compiled node is its grad_fn) and the gradient of every input that requires grad.
 */
record Outcome(String error, int[] shape, DType dtype, boolean requiresGrad, float[] values, String gradFn, float[][] grads,
               boolean returnedInput) {

  /**
   * Float32 tolerance: |want - got| <= RTOL * |want| + ATOL * max(1, max|want|). Eager and compiled forwards run
   * the same kernels, but gradients may be summed in another order (fan-in of a value used twice, broadcast
   * reductions, autodiff's algebra); reordering n float32 additions moves a result by about sqrt(n) ulps of the
   * largest term, so the absolute part is scaled to the tensor's magnitude (a small element of a large gradient
   * inherits the large terms' rounding). 1e-4 relative is ~800 ulps: loose for reordering, far too tight to hide a
   * wrong derivative, a dropped term or a stale value.
   */
  static final double RTOL = 1e-4, ATOL = 1e-5;

  static Outcome error(String message) { return new Outcome(message, null, null, false, null, null, null, false); }

  /** Runs {@code fn} on the inputs; gradients by {@code Autograd.grad} with {@code weighting} as the output's gradient. */
  static Outcome run(TensorFn fn, Inputs in, Function<int[], Tensor> weighting, boolean withGrads) {
    Tensor out;
    try {
      out = fn.apply(in.args);
    } catch (TorchException e) {
      return error(e.getMessage());
    }
    float[][] grads = new float[in.gradTargets.length][];
    if (withGrads && out.requiresGrad() && in.gradTargets.length > 0) {
      Tensor[] g;
      try {
        g = Autograd.grad(new Tensor[]{out}, in.gradTargets, new Tensor[]{weighting.apply(out.shapeArray())}, false, false, true);
      } catch (TorchException e) {
        return error("backward: " + e.getMessage());
      }
      for (int i = 0; i < g.length; i++) {
        if (g[i] == null) continue;
        if (!Arrays.equals(g[i].shapeArray(), in.gradTargets[i].shapeArray()))
          return error("gradient " + i + " has shape " + g[i].shape() + " for an input of shape " + in.gradTargets[i].shape());
        grads[i] = g[i].toFloatArray();
      }
    }
    String gradFn = out.gradFn() == null ? null : out.gradFn().name();
    boolean returnedInput = in.seen.stream().anyMatch(t -> t == out);
    return new Outcome(null, out.shapeArray(), out.dtype(), out.requiresGrad(), out.detach().toFloatArray(), gradFn, grads, returnedInput);
  }

  /** Null when {@code got} agrees with {@code this} (the reference); otherwise what differs. */
  String disagreement(Outcome got) {
    if (error != null || got.error != null) {
      if (error != null && error.equals(got.error)) return null;
      return "reference " + (error == null ? "succeeded" : "threw: " + error) + "\n  compiled "
          + (got.error == null ? "succeeded" : "threw: " + got.error);
    }
    if (!Arrays.equals(shape, got.shape)) return "shape " + Arrays.toString(shape) + " vs " + Arrays.toString(got.shape);
    if (dtype != got.dtype) return "dtype " + dtype + " vs " + got.dtype;
    if (requiresGrad != got.requiresGrad) return "requires_grad " + requiresGrad + " vs " + got.requiresGrad;
    String v = compare("value", values, got.values);
    if (v != null) return v;
    for (int i = 0; i < grads.length; i++) {
      if ((grads[i] == null) != (got.grads[i] == null))
        return "gradient of input " + i + ": " + (grads[i] == null ? "None" : "present") + " vs " + (got.grads[i] == null ? "None" : "present");
      if (grads[i] != null) {
        String d = compare("gradient of grad-requiring input " + i, grads[i], got.grads[i]);
        if (d != null) return d;
      }
    }
    return null;
  }

  /** This outcome with another requires_grad flag (see the known issue in {@link Differential}). */
  Outcome withRequiresGrad(boolean flag) {
    return new Outcome(error, shape, dtype, flag, values, gradFn, grads, returnedInput);
  }

  /** Whether every number is bit-for-bit the same (for the statistics). */
  boolean identical(Outcome o) {
    if (error != null || o.error != null) return false;
    if (!Arrays.equals(values, o.values)) return false;
    for (int i = 0; i < grads.length; i++) if (!Arrays.equals(grads[i], o.grads[i])) return false;
    return true;
  }

  static String compare(String what, float[] want, float[] got) {
    if (want.length != got.length) return what + ": " + want.length + " vs " + got.length + " elements";
    double scale = 1;
    for (float w : want) if (Float.isFinite(w)) scale = Math.max(scale, Math.abs(w));
    for (int i = 0; i < want.length; i++) {
      if (!close(want[i], got[i], scale))
        return what + " differs at flat index " + i + ": reference " + want[i] + ", compiled " + got[i] + " (|diff| "
            + Math.abs((double) want[i] - got[i]) + ", allowed " + (RTOL * Math.abs(want[i]) + ATOL * scale) + ")\n  reference "
            + head(want) + "\n  compiled  " + head(got);
    }
    return null;
  }

  static boolean close(float want, float got, double scale) {
    if (Float.isNaN(want) || Float.isNaN(got)) return Float.isNaN(want) && Float.isNaN(got);
    if (Float.isInfinite(want) || Float.isInfinite(got)) return want == got;
    return Math.abs((double) want - got) <= RTOL * Math.abs(want) + ATOL * scale;
  }

  private static String head(float[] v) {
    return Arrays.toString(v.length <= 12 ? v : Arrays.copyOf(v, 12)) + (v.length > 12 ? " ... (" + v.length + " elements)" : "");
  }
}
