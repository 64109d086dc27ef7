package dev.tcompile.bench;

import dev.tcompile.runtime.Parallel;
import dev.tcompile.workloads.StandardWorkloads;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.*;

/**
 * The standard workloads of {@code tcompile bench} (dev.tcompile.workloads.StandardWorkloads) under JMH, eager and
 * compiled: the same definitions, measured with forks and JMH's statistics instead of the CLI's quick timer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class WorkloadBench {
  @Param({"mnist_train_b32", "mnist_train_b64", "mnist_infer_b64", "mlp_train_b64", "gelu_tanh_1m", "gelu_1m", "conv_3x3_s2",
      "conv_3x5_s21_p42", "conv_3x5_s21_p42_d31", "sgemm_256", "sgemm_512", "sgemm_1024"})
  public String workload;
  @Param({"eager", "compiled"}) public String mode;
  @Param({"2"}) public int threads;

  Supplier<Object> step;

  @Setup public void setup() {
    Parallel.setThreads(threads);
    step = StandardWorkloads.select(workload).get(0).prepare(mode.equals("compiled"));
  }

  @Benchmark public Object step() { return step.get(); }
}
