package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ops added for ported programs (splitting, indexing, index_put, addcmul/addcdiv, alpha, in-place unary):
 * compiled (traced, autodiff pass, interpreter) == eager in values and gradients, and both == finite differences.
 */
class PortedOpsCompileTest {
  static Tensor i64(long... v) { return Torch.tensor(v); }

  static Stream<Arguments> cases() {
    List<CompiledVsEagerTest.Case> cs = List.of(
        CompiledVsEagerTest.c("chunk", x -> { List<Tensor> p = x[0].chunk(2, 1); return p.get(0).narrow(1, 0, 2).mul(p.get(1)); }, s(3, 5)),
        CompiledVsEagerTest.c("split sizes", x -> { List<Tensor> p = x[0].split(new int[]{1, 3}, 0); return p.get(1).mul(p.get(0)); }, s(4, 2)),
        CompiledVsEagerTest.c("unbind", x -> { List<Tensor> p = x[0].unbind(1); return p.get(0).mul(p.get(2)).add(p.get(1)); }, s(4, 3)),
        // one SplitBackward0 / UnbindBackward0 eagerly (cat/stack of the pieces' gradients, zeros for unused ones);
        // compiled, the pieces are slices/selects whose gradients the autodiff pass adds up
        CompiledVsEagerTest.c("split unused and reused pieces", x -> { List<Tensor> p = x[0].mul(x[0]).split(2, 1); return p.get(2).mul(p.get(0)).add(p.get(0)); }, s(3, 6)),
        CompiledVsEagerTest.c("unbind unused pieces", x -> { List<Tensor> p = x[0].unbind(0); return p.get(3).exp().mul(p.get(1)); }, s(4, 3)),
        CompiledVsEagerTest.c("tensorSplit", x -> { List<Tensor> p = x[0].tensorSplit(new int[]{1, 3}, 0); return p.get(1).sum(0, false).mul(p.get(2).sum(0, false)); }, s(5, 2)),
        CompiledVsEagerTest.c("viewAs", x -> x[0].viewAs(x[1]).mul(x[1]), s(2, 6), s(3, 4)),
        CompiledVsEagerTest.c("add sub alpha rsub", x -> x[0].add(x[1], 2.5).sub(x[1], -0.5).rsub(1.0).rsub(x[1]), s(3, 4), s(4)),
        CompiledVsEagerTest.c("addcmul addcdiv", x -> x[0].addcmul(x[1], x[2], 0.5).addcdiv(x[1], x[2].abs().add(1.0), -2.0), s(3, 4), s(4), s(3, 1)),
        CompiledVsEagerTest.c("in-place addcmul_", x -> x[0].mul(1.0).addcmul_(x[1], x[2], 0.3), s(3, 4), s(3, 4), s(4)),
        CompiledVsEagerTest.c("in-place unary", x -> x[0].mul(1.0).sigmoid_().mul(x[0]).tanh_().mul(2.0).exp_(), s(2, 3)),
        CompiledVsEagerTest.c("index list", x -> x[0].index(Idx.of(2, 0, 2)), s(3, 4)),
        CompiledVsEagerTest.c("index range target", x -> x[0].index(Idx.tensor(Torch.arange(4)), Idx.tensor(i64(1, 0, 2, 1))), s(4, 3)),
        CompiledVsEagerTest.c("index colon tensor", x -> x[0].index(Idx.all(), Idx.tensor(i64(2, 0))), s(3, 4, 2)),
        CompiledVsEagerTest.c("index separated", x -> x[0].index(Idx.of(1, 0), Idx.all(), Idx.of(2, 2)), s(2, 3, 4)),
        CompiledVsEagerTest.c("index basic", x -> x[0].index(Idx.none(), Idx.ellipsis(), Idx.slice(1, null), Idx.at(-1)), s(3, 4)),
        CompiledVsEagerTest.c("indexPut", x -> x[0].indexPut(new Tensor[]{i64(1, 1, 0)}, x[1], true), s(3, 4), s(4)),
        CompiledVsEagerTest.c("indexPut_ on a clone", x -> { Tensor c = x[0].mul(1.0); c.indexPut_(new Idx[]{Idx.of(0, 2)}, x[1]); return c.mul(c); }, s(3, 4), s(2, 4)));
    return cs.stream().map(Arguments::of);
  }

  static int[] s(int... d) { return d; }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compiledMatchesEagerAndFiniteDifferences(CompiledVsEagerTest.Case c) {
    new CompiledVsEagerTest().compiledMatchesEagerAndFiniteDifferences(c);
  }

  /** The pieces' gradients: eager (one node, concatenated) and compiled (slices' gradients added) have the same bits. */
  @Test
  void splitAndUnbindGradientsHaveTheEagerBitsCompiled() {
    TensorFn fn = x -> {
      List<Tensor> p = x[0].chunk(3, 1), u = x[0].unbind(0);
      return p.get(0).mul(p.get(2)).sum().add(u.get(1).exp().sum()).add(p.get(2).sum());
    };
    Torch.manualSeed(11);
    Tensor x = Torch.randn(4, 6).requiresGrad_(true);
    Tensor eager = Autograd.grad(fn.apply(x), x)[0];
    for (CompileOptions.Backend b : CompileOptions.Backend.values()) {
      Tensor compiled = Autograd.grad(Torch.compile(fn, new CompileOptions().backend(b)).apply(x), x)[0];
      org.junit.jupiter.api.Assertions.assertArrayEquals(eager.toFloatArray(), compiled.toFloatArray(), b.toString());
    }
  }

  @Test
  void advancedIndexingIsOneIrOpWithTensorInputs() {
    Tensor x = Torch.randn(4, 3);
    String ir = Torch.trace(xs -> xs[0].index(Idx.tensor(xs[1]), Idx.of(2, 0)), x, i64(3, 1)).toString();
    assertTrue(ir.contains("index("), ir);
    assertTrue(ir.contains("dims=[0, 1]"), ir);
  }

  @Test
  void indexAndIndexPutGraphsPrintAndParseBack() {
    Tensor x = Torch.randn(4, 3), v = Torch.randn(2, 3);
    dev.tcompile.ir.Graph g = Torch.trace(xs -> xs[0].indexPut(new Tensor[]{xs[2]}, xs[1], true).index(Idx.all(), Idx.tensor(xs[2])),
        x, v, i64(2, 1));
    String text = dev.tcompile.ir.GraphPrinter.print(g);
    assertTrue(text.contains("index_put(") && text.contains("accumulate=true"), text);
    assertEquals(text, dev.tcompile.ir.GraphPrinter.print(dev.tcompile.ir.GraphParser.parse(text)));
  }

  @Test
  void indexPutThroughAViewIsAGraphBreakAndStillRight() {
    // the tracer does not follow writes through views: the signature runs eagerly (CopySlices), same values
    TensorFn fn = x -> { Tensor c = x[0].mul(1.0); c.indexPut_(new Idx[]{Idx.all(), Idx.of(1)}, x[1]); return c; };
    Tensor a = Torch.randn(3, 4).requiresGrad_(true), b = Torch.randn(3, 1).requiresGrad_(true);
    Tensor eager = fn.apply(a, b), compiled = Torch.compile(fn).apply(a, b);
    CompiledVsEagerTest.assertClose(eager, compiled, "indexPut_ through a view");
    assertEquals("CopySlices", compiled.gradFn().name());
  }

  @Test
  void booleanMaskIndexingIsAGraphBreakAndStillRight() {
    Tensor x = Torch.tensor(new float[][]{{1, -2, 3}, {-4, 5, -6}}).requiresGrad_(true);
    CompiledFn f = Torch.compile(xs -> xs[0].index(Idx.mask(xs[0].gt(0.0))).sum());
    Tensor out = f.apply(x);
    assertEquals(9f, out.item());
    out.backward();
    assertNotNull(x.grad());
    assertEquals("[1.0, 0.0, 1.0, 0.0, 1.0, 0.0]", java.util.Arrays.toString(x.grad().toFloatArray()));
  }
}
