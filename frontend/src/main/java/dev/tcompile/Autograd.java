package dev.tcompile;

import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/** {@code torch.autograd}: backward over several roots, {@code grad} without touching {@code .grad}, and gradcheck. */
public final class Autograd {
  private Autograd() {}

  /** {@code torch.autograd.backward}: accumulates into the leaves' {@code grad()}. */
  public static void backward(Tensor[] roots, Tensor[] gradients, boolean retainGraph, boolean createGraph) {
    Engine.run(roots, makeGrads(roots, gradients), retainGraph, createGraph, null, false);
  }

  /** {@code torch.autograd.grad(output, inputs)}: a one-element output, the graph freed afterwards. */
  public static Tensor[] grad(Tensor output, Tensor... inputs) { return grad(new Tensor[]{output}, inputs, null, false, false); }

  /** {@code torch.autograd.grad(outputs, inputs)}. */
  public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs) { return grad(outputs, inputs, null, false, false); }

  /** {@code torch.autograd.grad(outputs, inputs, create_graph=...)}: retain_graph defaults to create_graph, as in PyTorch. */
  public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, boolean createGraph) {
    return grad(outputs, inputs, null, createGraph, createGraph);
  }

  public static java.util.List<Tensor> grad(java.util.List<Tensor> outputs, java.util.List<Tensor> inputs) {
    return java.util.Arrays.asList(grad(outputs.toArray(Tensor[]::new), inputs.toArray(Tensor[]::new)));
  }

  /** Gradients of {@code outputs} with respect to {@code inputs}; {@code .grad()} is left alone. */
  public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean retainGraph, boolean createGraph) {
    return grad(outputs, inputs, gradOutputs, retainGraph, createGraph, false);
  }

  /** As above; with {@code allowUnused} an input the outputs do not depend on gets null instead of an error. */
  public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean retainGraph, boolean createGraph,
                              boolean allowUnused) {
    return Engine.run(outputs, makeGrads(outputs, gradOutputs), retainGraph, createGraph, inputs, allowUnused);
  }

  /** PyTorch's _make_grads: ones for one-element roots, shape checks otherwise. */
  private static Tensor[] makeGrads(Tensor[] roots, Tensor[] grads) {
    Tensor[] out = new Tensor[roots.length];
    for (int i = 0; i < roots.length; i++) {
      Tensor g = grads == null || i >= grads.length ? null : grads[i];
      Tensor r = roots[i];
      if (g == null) {
        if (r.numel() != 1) throw new TorchException("grad can be implicitly created only for scalar outputs");
        out[i] = Tensor.wrap(NDArray.full(r.dtype(), 1, r.shapeArray()));
      } else {
        if (!java.util.Arrays.equals(g.shapeArray(), r.shapeArray()))
          throw new TorchException("Mismatch in shape: grad_output[" + i + "] has a shape of " + g.shape() + " and output[" + i
              + "] has a shape of " + r.shape() + ".");
        out[i] = g;
      }
    }
    return out;
  }

  /**
   * Checks every input's gradient against central finite differences, as {@code torch.autograd.gradcheck}.
   * When every input that requires grad is float64 the defaults are PyTorch's (eps 1e-6, atol 1e-5, rtol 1e-3);
   * otherwise they are float32-sized: eps 1e-3, atol 1e-3, rtol 1e-2.
   * Returns true, or throws {@link TorchException} naming the output/input pair and both Jacobians.
   */
  public static boolean gradcheck(TensorFn fn, Tensor... inputs) {
    boolean allDouble = true;
    for (Tensor x : inputs) if (x.requiresGrad() && x.dtype() != DType.FLOAT64) allDouble = false;
    return allDouble ? gradcheck(fn, 1e-6, 1e-5, 1e-3, inputs) : gradcheck(fn, 1e-3, 1e-3, 1e-2, inputs);
  }

  public static boolean gradcheck(TensorFn fn, double eps, double atol, double rtol, Tensor... inputs) {
    Tensor out = fn.apply(inputs);
    int nOut = (int) out.numel();
    for (int i = 0; i < inputs.length; i++) {
      Tensor x = inputs[i];
      if (!x.requiresGrad()) continue;
      int n = (int) x.numel();
      double[][] numerical = numericalJacobian(fn, inputs, x, n, nOut, eps);
      double[][] analytical = new double[n][nOut];
      for (int k = 0; k < nOut; k++) {
        NDArray onehot = NDArray.empty(out.dtype(), out.shapeArray());
        onehot.setDouble(k, 1);
        Tensor[] g = grad(new Tensor[]{out}, new Tensor[]{x}, new Tensor[]{Tensor.wrap(onehot)}, true, false, true);
        if (g[0] != null) for (int j = 0; j < n; j++) analytical[j][k] = g[0].array().getDouble(j);
      }
      for (int j = 0; j < n; j++)
        for (int k = 0; k < nOut; k++) {
          double a = analytical[j][k], num = numerical[j][k];
          if (!(Math.abs(a - num) <= atol + rtol * Math.abs(num)))
            throw new TorchException("Jacobian mismatch for output 0 with respect to input " + i + ",\nnumerical:"
                + render(numerical, n, nOut, x.dtype()) + "\nanalytical:" + render(analytical, n, nOut, x.dtype())
                + "\n(first mismatch at input element " + j + ", output element " + k + ": " + num + " vs " + a + ")");
        }
    }
    return true;
  }

  private static double[][] numericalJacobian(TensorFn fn, Tensor[] inputs, Tensor x, int n, int nOut, double eps) {
    double[][] jac = new double[n][nOut];
    NDArray data = x.array();
    try (GradGuard g = Torch.noGrad()) {
      for (int j = 0; j < n; j++) {
        double orig = data.getDouble(j);
        data.setDouble(j, orig + eps);
        double hi = data.getDouble(j);
        NDArray plus = fn.apply(inputs).array().copy();
        data.setDouble(j, orig - eps);
        double lo = data.getDouble(j);
        NDArray minus = fn.apply(inputs).array().copy();
        data.setDouble(j, orig);
        for (int k = 0; k < nOut; k++) jac[j][k] = (plus.getDouble(k) - minus.getDouble(k)) / (hi - lo);
      }
    }
    return jac;
  }

  /** A Jacobian printed as PyTorch's gradcheck prints it: a tensor of the input's floating dtype. */
  private static String render(double[][] m, int rows, int cols, DType dtype) {
    double[] flat = new double[rows * cols];
    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) flat[r * cols + c] = m[r][c];
    NDArray a = NDArray.wrap(flat, rows, cols).to(dtype.floatResult());
    return Tensor.wrap(a).toString() + " " + Shapes.str(new int[]{rows, cols});
  }
}
