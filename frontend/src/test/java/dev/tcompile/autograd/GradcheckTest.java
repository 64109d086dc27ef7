package dev.tcompile.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Autograd;
import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Finite differences agree with every differentiable op's derivative rule ({@link Autograd#gradcheck}), on
 * several shapes including broadcasting, 0-d and non-contiguous inputs. Inputs come from a fixed private
 * generator and stay away from kinks (|x| >= 0.2, no ties) so the central differences are meaningful.
 */
class GradcheckTest {
  private static final SplittableRandom RANDOM = new SplittableRandom(20240613);

  /** Values in ±[0.2, 1.2): away from the kinks of abs, relu, clamp and sign. */
  static Tensor x(int... shape) {
    float[] v = new float[(int) dev.tcompile.runtime.Shapes.numel(shape)];
    for (int i = 0; i < v.length; i++) v[i] = (float) ((RANDOM.nextBoolean() ? 1 : -1) * (0.2 + RANDOM.nextDouble()));
    return Torch.fromArray(v, shape).requiresGrad_(true);
  }

  /** Values in [0.5, 2): inside the domains of log, sqrt, rsqrt, reciprocal, pow. */
  static Tensor pos(int... shape) {
    float[] v = new float[(int) dev.tcompile.runtime.Shapes.numel(shape)];
    for (int i = 0; i < v.length; i++) v[i] = (float) (0.5 + 1.5 * RANDOM.nextDouble());
    return Torch.fromArray(v, shape).requiresGrad_(true);
  }

  /** A leaf whose storage is transposed: exercises strided kernels and their derivatives. */
  static Tensor transposed(int rows, int cols) { return x(cols, rows).detach().t().requiresGrad_(true); }

  private record Check(String name, TensorFn fn, Supplier<Tensor[]> inputs) {}

  private static final List<Check> CHECKS = new ArrayList<>();

  private static void check(String name, TensorFn fn, Supplier<Tensor[]> inputs) { CHECKS.add(new Check(name, fn, inputs)); }

  private static Supplier<Tensor[]> of(Supplier<Tensor> a) { return () -> new Tensor[]{a.get()}; }
  private static Supplier<Tensor[]> of(Supplier<Tensor> a, Supplier<Tensor> b) { return () -> new Tensor[]{a.get(), b.get()}; }

  static {
    String[][] binaryShapes = {{"3x4", "3x4"}, {"3x1", "1x4"}, {"2x3x4", "4"}, {"0d", "3"}, {"0d", "0d"}};
    for (String[] s : binaryShapes) {
      String tag = s[0] + "_" + s[1];
      int[] a = shape(s[0]), b = shape(s[1]);
      check("add/" + tag, t -> t[0].add(t[1]), of(() -> x(a), () -> x(b)));
      check("sub/" + tag, t -> t[0].sub(t[1]), of(() -> x(a), () -> x(b)));
      check("mul/" + tag, t -> t[0].mul(t[1]), of(() -> x(a), () -> x(b)));
      check("div/" + tag, t -> t[0].div(t[1]), of(() -> x(a), () -> pos(b)));
      check("pow/" + tag, t -> t[0].pow(t[1]), of(() -> pos(a), () -> x(b)));
    }
    check("mul/transposed", t -> t[0].mul(t[1]), of(() -> transposed(3, 4), () -> x(3, 4)));
    check("add_scalar", t -> t[0].add(0.37), of(() -> x(3)));
    check("div_scalar", t -> t[0].div(3L), of(() -> x(3)));
    for (double p : new double[]{2, 3, 0.5, -1, 2.5, 0}) check("pow_scalar/" + p, t -> t[0].pow(p), of(() -> pos(2, 3)));

    check("neg", t -> t[0].neg(), of(() -> x(3, 4)));
    check("abs", t -> t[0].abs(), of(() -> x(3, 4)));
    check("exp", t -> t[0].exp(), of(() -> x(3, 4)));
    check("log", t -> t[0].log(), of(() -> pos(3, 4)));
    check("sqrt", t -> t[0].sqrt(), of(() -> pos(3, 4)));
    check("rsqrt", t -> t[0].rsqrt(), of(() -> pos(3, 4)));
    check("sin", t -> t[0].sin(), of(() -> x(3, 4)));
    check("cos", t -> t[0].cos(), of(() -> transposed(3, 4)));
    check("tanh", t -> t[0].tanh(), of(() -> x(3, 4)));
    check("sigmoid", t -> t[0].sigmoid(), of(() -> x(3, 4)));
    check("relu", t -> t[0].relu(), of(() -> x(3, 4)));
    check("square", t -> t[0].square(), of(() -> x(3, 4)));
    check("reciprocal", t -> t[0].reciprocal(), of(() -> pos(3, 4)));
    check("unary/0d", t -> t[0].exp().sin(), of(() -> x()));
    check("clamp", t -> t[0].clamp(-0.5, 0.5), of(() -> x(3, 4)));
    check("clamp_min", t -> t[0].clampMin(0.3), of(() -> x(3, 4)));

    String[][] matmulShapes = {{"4", "4"}, {"3x4", "4"}, {"4", "4x5"}, {"3x4", "4x5"}, {"2x3x4", "4x5"}, {"2x3x4", "4"},
        {"4", "2x4x5"}, {"3x4", "2x4x5"}, {"2x3x4", "2x4x5"}, {"2x1x3x4", "5x4x2"}};
    for (String[] s : matmulShapes) {
      int[] a = shape(s[0]), b = shape(s[1]);
      check("matmul/" + s[0] + "_" + s[1], t -> t[0].matmul(t[1]), of(() -> x(a), () -> x(b)));
    }
    check("matmul/transposed", t -> t[0].matmul(t[1]), of(() -> transposed(3, 4), () -> transposed(4, 2)));
    check("mm", t -> t[0].mm(t[1]), of(() -> x(3, 4), () -> x(4, 2)));
    check("bmm", t -> t[0].bmm(t[1]), of(() -> x(2, 3, 4), () -> x(2, 4, 2)));
    check("mv", t -> t[0].mv(t[1]), of(() -> x(3, 4), () -> x(4)));
    check("dot", t -> t[0].dot(t[1]), of(() -> x(5), () -> x(5)));

    check("t", t -> t[0].t().mul(t[0].t()), of(() -> x(3, 4)));
    check("transpose", t -> t[0].transpose(0, 2).exp(), of(() -> x(2, 3, 4)));
    check("permute", t -> t[0].permute(2, 0, 1).sin(), of(() -> x(2, 3, 4)));
    check("reshape", t -> t[0].reshape(4, -1).exp(), of(() -> x(2, 3, 4)));
    check("reshape/copy", t -> t[0].t().reshape(12).exp(), of(() -> x(3, 4)));
    check("view", t -> t[0].view(6, 4).sin(), of(() -> x(2, 3, 4)));
    check("flatten", t -> t[0].flatten(1, 2).exp(), of(() -> x(2, 3, 4)));
    check("expand", t -> t[0].expand(2, 3, 4).mul(t[1]), of(() -> x(3, 1), () -> x(2, 3, 4)));
    check("squeeze", t -> t[0].squeeze().exp(), of(() -> x(1, 3, 1, 2)));
    check("squeeze_dim", t -> t[0].squeeze(1).exp(), of(() -> x(3, 1, 2)));
    check("unsqueeze", t -> t[0].unsqueeze(1).mul(t[1]), of(() -> x(3), () -> x(3, 2)));
    check("contiguous", t -> t[0].t().contiguous().exp(), of(() -> x(3, 4)));
    check("narrow", t -> t[0].narrow(1, 1, 2).exp(), of(() -> x(3, 4)));
    check("select", t -> t[0].select(1, -1).exp(), of(() -> x(2, 3, 4)));
    check("index_select", t -> t[0].indexSelect(0, Torch.tensor(2L, 0L, 2L)).exp(), of(() -> x(3, 4)));

    check("sum", t -> t[0].mul(t[0]).sum(), of(() -> x(2, 3, 4)));
    check("sum_dim", t -> t[0].sum(1, false).exp(), of(() -> x(2, 3, 4)));
    check("sum_dims_keepdim", t -> t[0].sum(new int[]{0, 2}, true).exp(), of(() -> x(2, 3, 4)));
    check("mean", t -> t[0].exp().mean(), of(() -> x(3, 4)));
    check("mean_dim", t -> t[0].mean(-1, true).exp(), of(() -> x(3, 4)));
    check("max", t -> t[0].max(), of(() -> x(3, 4)));
    check("min", t -> t[0].min(), of(() -> x(3, 4)));
    check("max_dim", t -> t[0].max(1).values(), of(() -> x(3, 4)));
    check("min_dim_keepdim", t -> t[0].min(0, true).values(), of(() -> x(3, 4)));
    check("norm", t -> t[0].norm(), of(() -> x(3, 4)));
    check("norm_1", t -> t[0].norm(1), of(() -> x(3, 4)));
    check("norm_3", t -> t[0].norm(3), of(() -> x(3, 4)));
    check("var", t -> t[0].var(), of(() -> x(3, 4)));
    check("var_dim", t -> t[0].var(1, false, true), of(() -> x(3, 4)));
    check("std", t -> t[0].std(), of(() -> x(3, 4)));
    check("std_dim", t -> t[0].std(0, true, false), of(() -> x(3, 4)));
    check("softmax", t -> t[0].softmax(1), of(() -> x(3, 4)));
    check("softmax_dim0", t -> t[0].softmax(0), of(() -> transposed(3, 4)));
    check("log_softmax", t -> t[0].logSoftmax(-1), of(() -> x(2, 3, 4)));

    check("cat", t -> Torch.cat(1, t[0], t[1]).exp(), of(() -> x(2, 3), () -> x(2, 2)));
    check("stack", t -> Torch.stack(0, t[0], t[1]).exp(), of(() -> x(2, 3), () -> x(2, 3)));
    check("where", t -> Torch.where(Torch.tensor(true, false, true), t[0], t[1]), of(() -> x(2, 3), () -> x(3)));

    check("add_", t -> t[0].mul(1L).add_(t[1]), of(() -> x(3, 4), () -> x(4)));
    check("mul_", t -> t[0].mul(1L).mul_(t[1]), of(() -> x(3, 4), () -> x(3, 4)));
    check("div_", t -> t[0].mul(2L).div_(t[1]), of(() -> x(3), () -> pos(3)));
    check("sub_scalar_", t -> t[0].mul(2L).sub_(0.5), of(() -> x(3)));
    check("copy_", t -> Torch.zeros(2, 3).copy_(t[0]).mul(t[0]), of(() -> x(3)));
    check("clamp_", t -> t[0].mul(2L).clamp_(-1, 1), of(() -> x(3, 4)));
    check("mul_/view", t -> {
      Tensor b = t[0].mul(1L);
      b.narrow(1, 1, 2).mul_(t[1]);
      return b.exp();
    }, of(() -> x(3, 4), () -> x(2)));
    check("add_/view_of_view", t -> {
      Tensor b = t[0].mul(1L);
      b.t().select(0, 2).add_(t[1]);
      return b.sin();
    }, of(() -> x(3, 4), () -> x(3)));
    check("copy_/view", t -> {
      Tensor b = t[0].mul(t[0]);
      b.select(0, 1).copy_(t[1]);
      return b;
    }, of(() -> x(2, 3), () -> x(3)));
    check("view_after_base_in_place", t -> {
      Tensor b = t[0].mul(1L);
      Tensor v = b.select(0, 0);
      b.mul_(t[1]);
      return v;
    }, of(() -> x(2, 3), () -> x(3)));
  }

  private static int[] shape(String s) {
    if (s.equals("0d")) return new int[0];
    return java.util.Arrays.stream(s.split("x")).mapToInt(Integer::parseInt).toArray();
  }

  @TestFactory
  Stream<DynamicTest> everyDifferentiableOpPassesGradcheck() {
    return CHECKS.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> assertTrue(Autograd.gradcheck(c.fn(), c.inputs().get()))));
  }

  /** Checks whose body builds float32 tensors of its own (so the output is float32 whatever the inputs). */
  private static final java.util.Set<String> FLOAT32_BODIES = java.util.Set.of("copy_");

  /** The same leaf in float64: same shape, strides and offset (transposed leaves stay transposed). */
  static Tensor inFloat64(Tensor t) {
    dev.tcompile.runtime.NDArray a = t.array();
    dev.tcompile.runtime.NDArray d = dev.tcompile.runtime.NDArray.empty(dev.tcompile.DType.FLOAT64, a.storageLength())
        .view(a.shape(), a.strides(), a.offset());
    d.copyFrom(a);
    return Tensor.wrap(d).requiresGrad_(t.requiresGrad());
  }

  /** Every check again with float64 leaves, under PyTorch's own gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3). */
  @TestFactory
  Stream<DynamicTest> everyDifferentiableOpPassesGradcheckInFloat64() {
    return CHECKS.stream().filter(c -> !FLOAT32_BODIES.contains(c.name())).map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      Tensor[] in = java.util.Arrays.stream(c.inputs().get()).map(GradcheckTest::inFloat64).toArray(Tensor[]::new);
      assertTrue(Autograd.gradcheck(c.fn(), in));
    }));
  }

  @Test
  void float64GradcheckUsesPyTorchDefaultsAndCatchesSmallErrors() {
    // a derivative off by 0.5% passes float32-sized tolerances (rtol 1e-2) but not PyTorch's float64 ones (rtol 1e-3)
    TensorFn slightlyWrong = t -> t[0].mul(t[0].detach().mul(1e-2)).add(t[0].mul(t[0]));
    Tensor x = inFloat64(x(3));
    TorchException e = assertThrows(TorchException.class, () -> Autograd.gradcheck(slightlyWrong, x));
    assertTrue(e.getMessage().startsWith("Jacobian mismatch"), e.getMessage());
    assertTrue(Autograd.gradcheck(t -> t[0].mul(t[0]).sin(), x));
    assertTrue(Autograd.gradcheck(slightlyWrong, x(3)), "float32 inputs keep the float32-sized defaults");
  }

  @Test
  void gradcheckCatchesAWrongDerivative() {
    // detach hides the second factor from autograd: d(x*x)/dx comes out as x instead of 2x
    TensorFn wrong = t -> t[0].mul(t[0].detach());
    TorchException e = assertThrows(TorchException.class, () -> Autograd.gradcheck(wrong, x(3)));
    assertTrue(e.getMessage().startsWith("Jacobian mismatch for output 0 with respect to input 0"), e.getMessage());
  }
}
