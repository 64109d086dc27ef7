package dev.tcompile.bench;

import dev.tcompile.CompileOptions;
import dev.tcompile.CompiledFn;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TrainStep;
import dev.tcompile.nn.F;
import dev.tcompile.optim.SGD;
import dev.tcompile.vision.models.MnistNet;

/**
 * The compiler's two yardsticks, each runnable eagerly or compiled with a given pipeline: the tanh-GELU forward and
 * backward over 1M floats (12 ops forward, ~20 backward: pure memory traffic), and the MNIST CNN train step
 * (forward, loss, backward, SGD with momentum) at batch 64.
 */
public final class CompilerWorkloads {
  private CompilerWorkloads() {}

  /** The pipeline before fusion: only CSE and DCE run (how Torch.compile compiled until the fusion work). */
  public static CompileOptions unfused() { return new CompileOptions().disable("simplify", "remat", "epilogue", "fuse"); }

  public static CompileOptions fused() { return new CompileOptions(); }

  /** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as PyTorch users write it. */
  public static Tensor geluTanh(Tensor x) {
    return x.mul(0.5).mul(x.mul(x).mul(x).mul(0.044715).add(x).mul(Math.sqrt(2 / Math.PI)).tanh().add(1));
  }

  /** One forward+backward of the GELU chain: eager when {@code options} is null. */
  public static final class Gelu {
    final Tensor x;
    final CompiledFn compiled;

    public Gelu(int n, CompileOptions options) {
      Torch.manualSeed(0);
      x = Torch.randn(n).requiresGrad_(true);
      compiled = options == null ? null : Torch.compile(xs -> geluTanh(xs[0]).sum(), options);
    }

    public Tensor step() {
      Tensor loss = compiled == null ? geluTanh(x).sum() : compiled.apply(x);
      loss.backward();
      Tensor g = x.grad();
      x.setGrad(null);
      return g;
    }
  }

  /** One SGD step of the MNIST CNN on a fixed random batch: eager when {@code options} is null. */
  public static final class MnistStep {
    final MnistNet net;
    final SGD opt;
    final TrainStep compiled;
    final Tensor images, labels;

    public MnistStep(int batch, CompileOptions options) {
      Torch.manualSeed(0);
      net = new MnistNet();
      opt = new SGD(net.parameters(), 0.01, 0.5);
      images = Torch.randn(batch, 1, 28, 28);
      labels = Torch.randint(0, 10, batch);
      compiled = options == null ? null : Torch.compileTrainStep(net, (out, t) -> F.nllLoss(out, t), opt, options);
    }

    public Tensor step() {
      if (compiled != null) return compiled.step(images, labels);
      opt.zeroGrad();
      Tensor loss = F.nllLoss(net.forward(images), labels);
      loss.backward();
      opt.step();
      return loss.detach();
    }
  }
}
