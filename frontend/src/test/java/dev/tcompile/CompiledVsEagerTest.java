package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every differentiable op: the compiled program (traced, differentiated by the autodiff pass, run by the
 * interpreter) gives the eager values and gradients, and both agree with finite differences.
 */
class CompiledVsEagerTest {
  record Case(String name, TensorFn fn, int[][] shapes) {
    @Override public String toString() { return name; }
  }

  static Case c(String name, TensorFn fn, int[]... shapes) { return new Case(name, fn, shapes); }

  static int[] s(int... d) { return d; }

  static Stream<Arguments> cases() {
    List<Case> cs = new ArrayList<>(List.of(
        c("add broadcast", x -> x[0].add(x[1]), s(3, 1), s(1, 4)),
        c("sub scalar", x -> x[0].sub(1.5).sub(x[1]), s(2, 3), s(3)),
        c("mul fan-out", x -> x[0].mul(x[1]).mul(x[0]), s(2, 3), s(2, 3)),
        c("div", x -> x[0].div(x[1].abs().add(1.0)), s(4), s(4)),
        c("pow tensor", x -> x[0].abs().add(0.5).pow(x[1]), s(3), s(3)),
        c("pow scalar", x -> x[0].pow(3.0), s(2, 2)),
        c("square", x -> x[0].square(), s(5)),
        c("neg abs", x -> x[0].neg().abs(), s(5)),
        c("exp log", x -> x[0].exp().add(1.0).log(), s(2, 3)),
        c("sqrt rsqrt", x -> x[0].abs().add(0.5).sqrt().add(x[0].abs().add(0.5).rsqrt()), s(3)),
        c("sin cos", x -> x[0].sin().mul(x[0].cos()), s(4)),
        c("tanh sigmoid relu", x -> x[0].tanh().add(x[0].sigmoid()).add(x[0].relu()), s(2, 4)),
        c("clamp", x -> x[0].clamp(-0.5, 0.5), s(6)),
        c("reciprocal", x -> x[0].abs().add(1.0).reciprocal(), s(3)),
        c("matmul 2x2", x -> x[0].matmul(x[1]), s(3, 4), s(4, 2)),
        c("matmul batched", x -> x[0].matmul(x[1]), s(2, 3, 4), s(4, 5)),
        c("matmul broadcast batch", x -> x[0].matmul(x[1]), s(2, 1, 3, 4), s(3, 4, 2)),
        c("mv dot", x -> x[0].matmul(x[1]).dot(x[1].narrow(0, 0, 3)), s(3, 4), s(4)),
        c("bmm", x -> x[0].bmm(x[1]), s(2, 3, 4), s(2, 4, 3)),
        // column-major operands: mm's backward computes their gradients transposed, as PyTorch's mm_mat1/mat2_backward
        c("mm column-major operands", x -> x[0].t().mm(x[1]).add(x[0].mm(x[1].t()).sum()), s(3, 4), s(3, 4)),
        c("linear", x -> dev.tcompile.nn.F.linear(x[0], x[1], x[2]), s(3, 4), s(5, 4), s(5)),
        c("linear column-major input", x -> dev.tcompile.nn.F.linear(x[0].t(), x[1]), s(4, 3), s(5, 4)),
        c("t transpose permute", x -> x[0].t().matmul(x[1].transpose(0, 1)).permute(1, 0), s(3, 2), s(4, 3)),
        c("reshape view flatten", x -> x[0].reshape(6, 2).view(3, 4).t().flatten(), s(2, 6)),
        c("expand squeeze unsqueeze", x -> x[0].unsqueeze(0).expand(3, 4).mul(x[1].unsqueeze(1)).squeeze(), s(4), s(3)),
        c("narrow select", x -> x[0].narrow(1, 1, 2).select(0, 1), s(3, 4)),
        c("indexSelect", x -> x[0].indexSelect(0, Torch.tensor(2L, 0L, 2L)), s(3, 4)),
        c("sum variants", x -> x[0].sum(1, true).add(x[0].sum(new int[]{0, 1}, false)).add(x[0].sum()), s(3, 4)),
        c("mean variants", x -> x[0].mean(0, false).add(x[0].mean()), s(3, 4)),
        c("max min", x -> x[0].max().add(x[0].min()), s(3, 4)),
        c("max(dim) values", x -> x[0].max(1).values().add(x[0].min(0, true).values().sum()), s(3, 4)),
        c("norm", x -> x[0].norm().add(x[0].norm(1)).add(x[0].norm(3)), s(5)),
        c("var std", x -> x[0].var().add(x[0].std()).add(x[0].var(1, true, false).sum()), s(3, 4)),
        c("softmax logSoftmax", x -> x[0].softmax(1).mul(x[0].logSoftmax(0)), s(3, 4)),
        c("cat stack", x -> Torch.cat(0, x[0], x[1]).sum(0, false).mul(Torch.stack(1, x[0].select(0, 0), x[1].select(0, 1)).sum(1, false)), s(2, 3), s(2, 3)),
        c("where", x -> Torch.where(x[0].gt(0.0), x[0], x[1].mul(2.0)), s(3, 3), s(3, 3)),
        c("contiguous clone", x -> x[0].t().contiguous().clone().mul(x[0].t()), s(2, 3)),
        c("gelu", x -> x[0].gelu(), s(5))));
    return cs.stream().map(Arguments::of);
  }

  private static Tensor[] inputs(Case c, boolean requiresGrad) {
    Torch.manualSeed(c.name().hashCode());
    Tensor[] xs = new Tensor[c.shapes().length];
    for (int i = 0; i < xs.length; i++) xs[i] = Torch.randn(c.shapes()[i]).requiresGrad_(requiresGrad);
    return xs;
  }

  private static Tensor[] grads(Tensor out, Tensor[] xs, Tensor upstream) {
    return Autograd.grad(new Tensor[]{out}, xs, new Tensor[]{upstream}, false, false, true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compiledMatchesEagerAndFiniteDifferences(Case c) {
    Tensor[] xs = inputs(c, true);
    Tensor eager = c.fn().apply(xs);
    Torch.manualSeed(7);
    Tensor up = Torch.randn(eager.shapeArray());
    Tensor[] eagerGrads = grads(eager, xs, up);

    CompiledFn compiled = Torch.compile(c.fn());
    Tensor out = compiled.apply(xs);
    assertEquals("CompiledFunctionBackward", out.gradFn().name());
    assertClose(eager, out, c + " value");
    Tensor[] compiledGrads = grads(out, xs, up);
    for (int i = 0; i < xs.length; i++) {
      assertNotNull(eagerGrads[i], c + " eager grad " + i);
      assertClose(eagerGrads[i], compiledGrads[i], c + " grad " + i);
    }
    assertTrue(Autograd.gradcheck(c.fn(), 1e-2, 2e-2, 2e-2, inputs(c, true)));

    // without grad the same signature-independent program runs its inference graph
    try (GradGuard g = Torch.noGrad()) {
      Tensor inf = compiled.apply(xs);
      assertNull(inf.gradFn());
      assertClose(eager, inf, c + " inference value");
    }
  }

  /** The default backend (one generated program class per graph) gives the interpreter's values and gradients, bit for bit. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theProgramClassGivesTheInterpretersBits(Case c) {
    Tensor[] xs = inputs(c, true);
    Torch.manualSeed(7);
    Tensor up = Torch.randn(c.fn().apply(xs).shapeArray());
    Tensor[][] results = new Tensor[2][];
    CompileOptions.Backend[] backends = {CompileOptions.Backend.INTERPRETER, CompileOptions.Backend.BYTECODE};
    for (int b = 0; b < 2; b++) {
      Tensor out = Torch.compile(c.fn(), new CompileOptions().backend(backends[b])).apply(xs);
      Tensor[] g = grads(out, xs, up);
      results[b] = new Tensor[g.length + 1];
      results[b][0] = out;
      System.arraycopy(g, 0, results[b], 1, g.length);
    }
    for (int i = 0; i < results[0].length; i++)
      assertArrayEquals(results[0][i].toFloatArray(), results[1][i].toFloatArray(), c + (i == 0 ? " value" : " grad " + (i - 1)));
  }

  static void assertClose(Tensor want, Tensor got, String what) {
    assertArrayEquals(want.shapeArray(), got.shapeArray(), what + " shape");
    float[] a = want.toFloatArray(), b = got.toFloatArray();
    for (int i = 0; i < a.length; i++)
      assertEquals(a[i], b[i], 1e-5f + 1e-5f * Math.abs(a[i]), what + " element " + i);
  }
}
