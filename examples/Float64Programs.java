// float64 programs ported line by line from PyTorch (tools/goldens/float64_programs.py is the Python side;
// examples/Float64Programs.expected is its output). Run it with:  ./tcompile run examples/Float64Programs.java
//
// 1. "Learning PyTorch with Examples", polynomial_autograd.py with dtype = torch.float64 (all 2000 steps; losses
//    with 8 decimals and the coefficients with 12: sums of 2000 doubles may round differently in the last bit).
// 2. gradcheck in double with PyTorch's defaults, of a composite function and of a custom Function.
// 3. nn.Linear(dtype=torch.float64) trained with SGD on cross entropy.
// 4. Every first-order optimiser on a float64 Linear regression (losses and the weight sum with 12 decimals).
// 5. Promotion between float32 and float64, item() at full precision, and the float/double mismatch error.

import dev.tcompile.Autograd;
import dev.tcompile.CustomFunction;
import dev.tcompile.DType;
import dev.tcompile.FunctionCtx;
import dev.tcompile.GradGuard;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Linear;
import dev.tcompile.optim.Adadelta;
import dev.tcompile.optim.Adagrad;
import dev.tcompile.optim.Adam;
import dev.tcompile.optim.AdamW;
import dev.tcompile.optim.Optimizer;
import dev.tcompile.optim.RMSprop;
import dev.tcompile.optim.SGD;

public class Float64Programs {
  static final DType F64 = DType.FLOAT64;

  public static void main(String[] args) {
    polynomial();
    gradchecks();
    linearSgd();
    optimizers();
    promotion();
  }

  static void polynomial() {
    DType dtype = DType.FLOAT64;
    Tensor x = Torch.linspace(-Math.PI, Math.PI, 2000, dtype);
    Tensor y = x.sin();
    Torch.manualSeed(0);
    Tensor a = Torch.randn(dtype).requiresGrad_(true);
    Tensor b = Torch.randn(dtype).requiresGrad_(true);
    Tensor c = Torch.randn(dtype).requiresGrad_(true);
    Tensor d = Torch.randn(dtype).requiresGrad_(true);
    double learningRate = 1e-6;
    for (int t = 0; t < 2000; t++) {
      Tensor yPred = a.add(b.mul(x)).add(c.mul(x.pow(2L))).add(d.mul(x.pow(3L)));
      Tensor loss = yPred.sub(y).pow(2L).sum();
      if (t % 100 == 99) Torch.print(t, Torch.pyFixed(loss.itemDouble(), 8));
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
    System.out.println("Result: y = " + Torch.pyFixed(a.itemDouble(), 12) + " + " + Torch.pyFixed(b.itemDouble(), 12) + " x + "
        + Torch.pyFixed(c.itemDouble(), 12) + " x^2 + " + Torch.pyFixed(d.itemDouble(), 12) + " x^3");
  }

  static class Cube extends CustomFunction {
    @Override protected Tensor forward(FunctionCtx ctx, Tensor... in) {
      ctx.saveForBackward(in[0]);
      return in[0].pow(3L);
    }

    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... g) {
      Tensor x = ctx.savedTensors().get(0);
      return new Tensor[]{g[0].mul(3L).mul(x.pow(2L))};
    }
  }

  static void gradchecks() {
    Torch.manualSeed(1);
    Tensor inp = Torch.randn(F64, 4, 3).requiresGrad_(true);
    Tensor w = Torch.randn(F64, 3, 2).requiresGrad_(true);
    Torch.print(inp);
    Torch.print(Autograd.gradcheck(t -> t[0].matmul(t[1]).tanh().sum(1, false).logSoftmax(0), inp, w));
    Torch.print(Autograd.gradcheck(t -> new Cube().apply(t[0]), inp));
  }

  static void linearSgd() {
    Torch.manualSeed(2);
    Linear model = new Linear(4, 3, true, F64);
    Tensor x = Torch.randn(F64, 8, 4);
    Tensor target = Torch.tensor(0L, 2L, 1L, 1L, 0L, 2L, 2L, 1L);
    SGD opt = new SGD(model.parameters(), 0.5);
    Torch.print(model.weight());
    for (int step = 0; step < 5; step++) {
      opt.zeroGrad();
      Tensor out = model.forward(x);
      Tensor loss = F.crossEntropy(out, target);
      loss.backward();
      opt.step();
      Torch.print(step, Torch.pyFixed(loss.itemDouble(), 12));
    }
    Torch.print(model.forward(x.narrow(0, 0, 2)));
    Torch.print(model.bias().grad());
  }

  record Maker(String name, java.util.function.Function<java.util.List<dev.tcompile.nn.Parameter>, Optimizer> make) {}

  static void optimizers() {
    java.util.List<Maker> makers = java.util.List.of(
        new Maker("SGD momentum nesterov", p -> new SGD(p, 0.1, 0.9, 0, 0.01, true)),
        new Maker("Adam", p -> new Adam(p, 0.05)),
        new Maker("Adam amsgrad", p -> new Adam(p, 0.05, 0.9, 0.999, 1e-8, 0.1, true)),
        new Maker("AdamW", p -> new AdamW(p, 0.05)),
        new Maker("RMSprop centered", p -> new RMSprop(p, 0.01, 0.99, 1e-8, 0, 0.5, true)),
        new Maker("Adagrad", p -> new Adagrad(p, 0.1)),
        new Maker("Adadelta", p -> new Adadelta(p, 1.0)));
    for (Maker m : makers) {
      Torch.manualSeed(3);
      Linear model = new Linear(5, 2, true, F64);
      Tensor x = Torch.randn(F64, 6, 5);
      Tensor y = Torch.randn(F64, 6, 2);
      Optimizer opt = m.make().apply(model.parameters());
      StringBuilder losses = new StringBuilder();
      for (int i = 0; i < 4; i++) {
        opt.zeroGrad();
        Tensor loss = F.mseLoss(model.forward(x), y);
        loss.backward();
        opt.step();
        losses.append(i > 0 ? " " : "").append(Torch.pyFixed(loss.itemDouble(), 12));
      }
      System.out.println(m.name() + " " + losses + " " + Torch.pyFixed(model.weight().sum().itemDouble(), 12));
    }
  }

  static void promotion() {
    Tensor f = Torch.ones(2);
    Tensor d = Torch.ones(F64, 2);
    Torch.print(f.add(d).dtype(), f.mul(Torch.scalar(2.0, F64)).dtype(), Torch.tensor(1L, 2L).mul(d).dtype());
    Torch.print(d.div(3L));
    Torch.print(Torch.scalar(1.0 / 3, F64).itemDouble());
    Torch.print(Torch.tensor(new double[]{0.1, 0.2}, F64).sum().itemDouble());
    try {
      Torch.ones(2, 2).mm(Torch.ones(F64, 2, 2));
    } catch (TorchException e) {
      Torch.print("RuntimeError: " + e.getMessage());
    }
  }
}
