package dev.tcompile.bench;

import dev.tcompile.CompileOptions;
import dev.tcompile.Tensor;
import dev.tcompile.runtime.Parallel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Eager vs compiled before the fusion work (CSE/DCE only, interpreter) vs the full pipeline on the interpreter vs
 * the full pipeline with generated kernels (the default):
 * tanh-GELU forward+backward over 1M floats, the MNIST CNN train step at batch 64 and 32, its inference at batch 64,
 * and the MLP 784-512-512-10 train step at batch 64. Run by
 * {@code bench/run-compiler.sh} beside PyTorch's eager figures for the same programs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// ten warm-up seconds: C2 keeps compiling a train step's kernels for several (with five, the MNIST step's first
// measured iterations still fell from 13.1 to 9.8 ms in one fork of the CSE/DCE-only pipeline)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class CompilerBench {
  @Param({"eager", "unfused", "interpreter", "bytecode"}) public String pipeline;
  @Param({"2"}) public int threads;

  CompilerWorkloads.Gelu gelu;
  CompilerWorkloads.MnistStep mnist, mnist32;
  CompilerWorkloads.MnistInfer mnistInfer;
  CompilerWorkloads.MlpStep mlp;

  @Setup public void setup() {
    Parallel.setThreads(threads);
    CompileOptions o = switch (pipeline) {
      case "eager" -> null;
      case "unfused" -> CompilerWorkloads.unfused();
      case "interpreter" -> CompilerWorkloads.interpreter();
      default -> CompilerWorkloads.bytecode();
    };
    gelu = new CompilerWorkloads.Gelu(1 << 20, o);
    mnist = new CompilerWorkloads.MnistStep(64, o);
    mnist32 = new CompilerWorkloads.MnistStep(32, o);
    mnistInfer = new CompilerWorkloads.MnistInfer(64, o);
    mlp = new CompilerWorkloads.MlpStep(64, o);
  }

  @Benchmark public Tensor geluTanhForwardBackward1M() { return gelu.step(); }
  @Benchmark public Tensor mnistCnnTrainStep64() { return mnist.step(); }
  @Benchmark public Tensor mnistCnnTrainStep32() { return mnist32.step(); }
  @Benchmark public Tensor mnistCnnInference64() { return mnistInfer.step(); }
  @Benchmark public Tensor mlpTrainStep64() { return mlp.step(); }
}
