package dev.tcompile.bench;

import dev.tcompile.CompileOptions;
import dev.tcompile.GradGuard;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.nn.BatchNorm2d;
import dev.tcompile.nn.Conv2d;
import dev.tcompile.nn.Flatten;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.MaxPool2d;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.ReLU;
import dev.tcompile.nn.Sequential;
import dev.tcompile.runtime.Parallel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Frozen-weight inference of a CNN with batch norms (Conv2d(3,32,3,p1)-BN-ReLU, Conv2d(32,64,3,p1)-BN-ReLU-pool,
 * Conv2d(64,64,3,p1)-BN-ReLU-pool, Linear(4096,10); bias-free convs, batch 64, 3x32x32, eval mode, no grad):
 * eager, compiled with the {@code bnfold} pass (each batch norm folded into its conv), and compiled with it disabled.
 * PyTorch's figure for the same model: {@code bench/python/bn_cnn_reference.py}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class FrozenInferenceBench {
  @Param({"eager", "bnfold", "no_bnfold"}) public String mode;
  @Param({"2"}) public int threads;

  Module run;
  Tensor x;
  GradGuard noGrad;

  static Sequential bnCnn() {
    Torch.manualSeed(0);
    Sequential m = new Sequential(new Conv2d(3, 32, 3, 1, 1, 1, 1, false), new BatchNorm2d(32), new ReLU(),
        new Conv2d(32, 64, 3, 1, 1, 1, 1, false), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
        new Conv2d(64, 64, 3, 1, 1, 1, 1, false), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(64 * 8 * 8, 10));
    m.eval();
    return m;
  }

  @Setup public void setup() {
    Parallel.setThreads(threads);
    Sequential m = bnCnn();
    x = Torch.randn(64, 3, 32, 32);
    run = switch (mode) {
      case "eager" -> m;
      case "bnfold" -> Torch.compile(m);
      case "no_bnfold" -> Torch.compile(m, new CompileOptions().disable("bnfold"));
      default -> throw new IllegalArgumentException(mode);
    };
    noGrad = Torch.noGrad();
  }

  @TearDown public void tearDown() { noGrad.close(); }

  @Benchmark public Tensor inference() { return run.forward(x); }
}
