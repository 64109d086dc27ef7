// Public PyTorch programs that need indexing, custom autograd functions and hooks, ported line by line
// (tools/goldens/ported_programs.py is the Python side; examples/PortedPrograms.expected is its output).
// Run it with:  ./tcompile run examples/PortedPrograms.java
//
// 1. "Learning PyTorch with Examples": defining new autograd Functions (polynomial_custom_function.py), 300 of
//    its 2000 steps; item() values print with 2 and 4 decimals (Torch.pyFixed is Python's f'{v:.2f}'): the sum
//    of 2000 floats can differ from PyTorch's in the last bits, so repr's 17 digits would not match.
// 2. Indexing: out[range(n), target], assignment through an index, masks.
// 3. Tensor hooks and retain_grad.
// 4. Dropout on the seeded random stream (and a draw after it), LBFGS with the strong-Wolfe line search on the
//    Rosenbrock function, and a module's full backward hook.

import dev.tcompile.CustomFunction;
import dev.tcompile.FunctionCtx;
import dev.tcompile.GradGuard;
import dev.tcompile.Idx;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.nn.Dropout;
import dev.tcompile.nn.Linear;
import dev.tcompile.optim.LBFGS;
import java.util.List;
import java.util.function.Supplier;

public class PortedPrograms {
  public static void main(String[] args) {
    polynomial();
    indexing();
    hooks();
    randomOptimModuleHooks();
  }

  static class LegendrePolynomial3 extends CustomFunction {
    @Override protected Tensor forward(FunctionCtx ctx, Tensor... in) {
      Tensor input = in[0];
      ctx.saveForBackward(input);
      return input.pow(3L).mul(5L).sub(input.mul(3L)).mul(0.5);
    }

    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... gradOutput) {
      Tensor input = ctx.savedTensors().get(0);
      return new Tensor[]{gradOutput[0].mul(1.5).mul(input.pow(2L).mul(5L).sub(1L))};
    }
  }

  static void polynomial() {
    Tensor x = Torch.linspace(-Math.PI, Math.PI, 2000);
    Tensor y = x.sin();
    Tensor a = Torch.full(0.0).requiresGrad_(true);
    Tensor b = Torch.full(-1.0).requiresGrad_(true);
    Tensor c = Torch.full(0.0).requiresGrad_(true);
    Tensor d = Torch.full(0.3).requiresGrad_(true);
    double learningRate = 5e-6;
    Tensor yPred = null;
    for (int t = 0; t < 300; t++) {
      LegendrePolynomial3 P3 = new LegendrePolynomial3();
      yPred = a.add(b.mul(P3.apply(c.add(d.mul(x)))));
      Tensor loss = yPred.sub(y).pow(2L).sum();
      if (t % 100 == 99) Torch.print(t, Torch.pyFixed(loss.item(), 2));
      loss.backward();
      try (GradGuard g = Torch.noGrad()) {
        a.sub_(a.grad().mul(learningRate));
        b.sub_(b.grad().mul(learningRate));
        c.sub_(c.grad().mul(learningRate));
        d.sub_(d.grad().mul(learningRate));
        a.setGrad(null);
        b.setGrad(null);
        c.setGrad(null);
        d.setGrad(null);
      }
    }
    // a and c converge to zero: the sign of what is left is float rounding noise, so it prints as 0.0000
    Torch.print("Result: y = " + fixed(a.item()) + " + " + fixed(b.item()) + " * P3(" + fixed(c.item()) + " + " + fixed(d.item()) + " x)");
    Torch.print(yPred.gradFn(), yPred.gradFn().nextEdges().get(1).fn().nextEdges());
  }

  static void indexing() {
    Tensor out = Torch.tensor(new float[][]{{-0.5f, -1.2f, -2.0f}, {-1.5f, -0.3f, -2.2f}, {-0.9f, -1.1f, -1.3f}, {-2.0f, -0.1f, -3.0f}})
        .requiresGrad_(true);
    Tensor target = Torch.tensor(0L, 1L, 2L, 1L);
    int n = out.size(0);
    Tensor loss = out.index(Idx.tensor(Torch.arange(n)), Idx.tensor(target)).mean().neg();
    Torch.print(loss);
    loss.backward();
    Torch.print(out.grad());
    Tensor t = Torch.arange(12.0).view(3, 4);
    Torch.print(t.index(Idx.all(), Idx.at(0)), t.index(Idx.slice(1, null), Idx.slice(null, null, 2)),
        t.index(Idx.none(), Idx.ellipsis(), Idx.at(-1)), t.index(t.gt(5.0)));
    Tensor c = Torch.zeros(4, 3);
    c.indexPut_(new Idx[]{Idx.of(1, 2)}, Torch.tensor(1.0f, 2.0f, 3.0f));
    c.indexPut_(new Idx[]{Idx.at(0), Idx.slice(1, null)}, 7);
    c.indexPut_(new Idx[]{Idx.mask(c.eq(0.0))}, -1);
    Torch.print(c, c.version());
    Tensor w = Torch.ones(3, 2).requiresGrad_(true);
    Tensor v = w.clone();
    v.indexPut_(new Idx[]{Idx.of(0, 2), Idx.at(1)}, Torch.tensor(5.0f, 6.0f).requiresGrad_(true));
    Torch.print(v.gradFn(), v);
    v.sum().backward();
    Torch.print(w.grad());
    var halves = Torch.arange(6.0).chunk(2);
    Tensor first = halves.get(0), second = halves.get(1);
    Torch.print(first, second, Torch.arange(5.0).split(new int[]{2, 3}, 0));
  }

  static void hooks() {
    Tensor x = Torch.tensor(1.0f, 2.0f, 3.0f).requiresGrad_(true);
    Tensor y = x.mul(2L);
    y.retainGrad();
    var h = y.registerHook(g -> g.mul(10L));
    Tensor z = y.pow(2L).sum();
    z.backward();
    Torch.print(y.grad(), x.grad());
    h.remove();
    x.registerHook(g -> { Torch.print("x grad", g); return null; });
    x.mul(3L).sum().backward();
    Torch.print(x.grad());
  }

  static Tensor rosenbrock(Tensor p) {
    Tensor p0 = p.select(0, 0), p1 = p.select(0, 1);
    return p1.sub(p0.pow(2L)).pow(2L).mul(100L).add(p0.rsub(1L).pow(2L));
  }

  static void randomOptimModuleHooks() {
    Torch.manualSeed(0);
    Dropout drop = new Dropout(0.5);
    Torch.print(drop.call(Torch.ones(2, 8)));
    Torch.print(Torch.rand(3));
    Tensor p = Torch.tensor(-1.5f, 2.0f).requiresGrad_(true);
    LBFGS opt = new LBFGS(List.of(p), 1, 20, null, 1e-7, 1e-9, 100, "strong_wolfe");
    Supplier<Tensor> closure = () -> {
      opt.zeroGrad();
      Tensor loss = rosenbrock(p);
      loss.backward();
      return loss;
    };
    for (int i = 0; i < 3; i++) {
      Tensor loss = opt.step(closure);
      float[] v = p.toFloatArray();
      Torch.print(i, Torch.pyRepr(loss.item()), "[" + Torch.pyRepr(v[0]) + ", " + Torch.pyRepr(v[1]) + "]");
    }
    Torch.print(opt);
    Torch.manualSeed(1);
    Linear lin = new Linear(3, 2);
    lin.registerFullBackwardHook((m, gradInput, gradOutput) -> {
      Torch.print("backward hook", gradInput[0], gradOutput[0]);
      return null;
    });
    Tensor x = Torch.ones(1, 3).requiresGrad_(true);
    Tensor y = lin.call(x);
    Torch.print(y.gradFn());
    y.sum().backward();
  }

  static String fixed(double v) { return Torch.pyFixed(Math.abs(v) < 5e-5 ? 0.0 : v, 4); }
}
