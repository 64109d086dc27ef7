package dev.tcompile.workloads;

import dev.tcompile.GradGuard;
import dev.tcompile.LossFn;
import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.TrainStep;
import dev.tcompile.nn.Conv2d;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.ReLU;
import dev.tcompile.nn.Sequential;
import dev.tcompile.optim.Adam;
import dev.tcompile.optim.Optimizer;
import dev.tcompile.optim.SGD;
import dev.tcompile.vision.models.MnistNet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The workloads {@code tcompile bench} times and {@code bench/compare_pytorch.py} mirrors in PyTorch (keep the two
 * in step: same names, shapes, models and optimiser settings). Compiled variants use {@code Torch.compile} /
 * {@code Torch.compileTrainStep} with the default {@code CompileOptions}, so they follow the default backend.
 */
public final class StandardWorkloads {
  private StandardWorkloads() {}

  public static List<Workload> all() {
    List<Workload> all = new ArrayList<>();
    for (int batch : new int[]{32, 64})
      all.add(new Workload("mnist_train_b" + batch, "MNIST CNN train step (SGD), batch " + batch, c -> mnistTrain(batch, c, false)));
    all.add(new Workload("mnist_train_b64_adam", "MNIST CNN train step (Adam), batch 64", c -> mnistTrain(64, c, true)));
    all.add(new Workload("mnist_infer_b64", "MNIST CNN inference, batch 64", StandardWorkloads::mnistInfer));
    all.add(new Workload("mlp_train_b64", "MLP 784-512-512-10 train step (SGD), batch 64", c -> mlpTrain(c, false)));
    all.add(new Workload("mlp_train_b64_adam", "MLP 784-512-512-10 train step (Adam), batch 64", c -> mlpTrain(c, true)));
    all.add(new Workload("gelu_tanh_1m", "tanh-GELU from primitives, forward + backward, 1M floats", StandardWorkloads::geluTanh));
    all.add(new Workload("gelu_1m", "F.gelu (exact, erf), forward + backward, 1M floats", StandardWorkloads::gelu));
    all.add(new Workload("conv_3x3_s2", "Conv2d(16,33,3,stride=2) forward on [20,16,50,100]",
        c -> convForward(Conv2d.options(16, 33, 3).stride(2), c)));
    all.add(new Workload("conv_3x5_s21_p42", "Conv2d(16,33,(3,5),stride=(2,1),padding=(4,2)) forward on [20,16,50,100]",
        c -> convForward(Conv2d.options(16, 33, new int[]{3, 5}).stride(2, 1).padding(4, 2), c)));
    all.add(new Workload("conv_3x5_s21_p42_d31", "Conv2d(16,33,(3,5),stride=(2,1),padding=(4,2),dilation=(3,1)) forward on [20,16,50,100]",
        c -> convForward(Conv2d.options(16, 33, new int[]{3, 5}).stride(2, 1).padding(4, 2).dilation(3, 1), c)));
    for (int n : new int[]{256, 512, 1024})
      all.add(new Workload("sgemm_" + n, "matmul of two " + n + "x" + n + " float matrices", c -> sgemm(n, c)));
    return List.copyOf(all);
  }

  /** The workloads whose name equals, or starts with, one of the comma-separated {@code selection} entries. */
  public static List<Workload> select(String selection) {
    List<Workload> all = all(), chosen = new ArrayList<>();
    for (String want : selection.split(",")) {
      String w = want.strip();
      List<Workload> hits = all.stream().filter(x -> x.name().equals(w)).toList();
      if (hits.isEmpty()) hits = all.stream().filter(x -> !w.isEmpty() && x.name().startsWith(w)).toList();
      if (hits.isEmpty())
        throw new TorchException("no workload named '" + w + "'; known: " + String.join(", ", all.stream().map(Workload::name).toList()));
      for (Workload h : hits) if (!chosen.contains(h)) chosen.add(h);
    }
    return chosen;
  }

  private static Supplier<Object> mnistTrain(int batch, boolean compiled, boolean adam) {
    MnistNet net = new MnistNet();
    return trainStep(net, F::nllLoss, optimizer(net, adam),
        Torch.randn(batch, 1, 28, 28), Torch.randint(0, 10, batch), compiled);
  }

  private static Supplier<Object> mnistInfer(boolean compiled) {
    MnistNet net = new MnistNet();
    net.eval();
    return inference(compiled ? Torch.compile(net) : net, Torch.randn(64, 1, 28, 28));
  }

  private static Supplier<Object> mlpTrain(boolean compiled, boolean adam) {
    Module mlp = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(), new Linear(512, 10));
    return trainStep(mlp, F::crossEntropy, optimizer(mlp, adam),
        Torch.randn(64, 784), Torch.randint(0, 10, 64), compiled);
  }

  /** SGD with momentum 0.5 at lr 0.01, or Adam at lr 1e-3: the same settings as bench/compare_pytorch.py. */
  private static Optimizer optimizer(Module m, boolean adam) {
    return adam ? new Adam(m.parameters(), 1e-3) : new SGD(m.parameters(), 0.01, 0.5);
  }

  /** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), summed, then backward to x. */
  private static Supplier<Object> geluTanh(boolean compiled) {
    return backwardOver1M(xs -> {
      Tensor x = xs[0];
      Tensor inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
      return x.mul(0.5).mul(inner.tanh().add(1.0)).sum();
    }, compiled);
  }

  /** F.gelu(x) (approximate='none'), summed, then backward to x. */
  private static Supplier<Object> gelu(boolean compiled) { return backwardOver1M(xs -> F.gelu(xs[0]).sum(), compiled); }

  /** {@code loss(x)} and its backward for 1M random floats (compiled or not); returns x's gradient. */
  private static Supplier<Object> backwardOver1M(TensorFn loss, boolean compiled) {
    TensorFn f = compiled ? Torch.compile(loss)::apply : loss;
    Tensor x = Torch.randn(1 << 20).requiresGrad_(true);
    return () -> {
      x.setGrad(null);
      Tensor y = f.apply(x);
      y.backward();
      return x.grad();
    };
  }

  private static Supplier<Object> convForward(Conv2d.Options options, boolean compiled) {
    Conv2d conv = new Conv2d(options);
    return inference(compiled ? Torch.compile(conv) : conv, Torch.randn(20, 16, 50, 100));
  }

  private static Supplier<Object> sgemm(int n, boolean compiled) {
    Tensor a = Torch.randn(n, n), b = Torch.randn(n, n);
    TensorFn mm = xs -> xs[0].matmul(xs[1]);
    TensorFn f = compiled ? Torch.compile(mm)::apply : mm;
    return () -> {
      try (GradGuard g = Torch.noGrad()) {
        return f.apply(a, b);
      }
    };
  }

  private static Supplier<Object> trainStep(Module model, LossFn loss, Optimizer opt, Tensor x, Tensor y, boolean compiled) {
    if (compiled) {
      TrainStep step = Torch.compileTrainStep(model, loss, opt);
      return () -> step.step(x, y);
    }
    return () -> {
      opt.zeroGrad();
      Tensor l = loss.apply(model.forward(x), y);
      l.backward();
      opt.step();
      return l.detach();
    };
  }

  private static Supplier<Object> inference(Module model, Tensor x) {
    return () -> {
      try (GradGuard g = Torch.noGrad()) {
        return model.forward(x);
      }
    };
  }
}
