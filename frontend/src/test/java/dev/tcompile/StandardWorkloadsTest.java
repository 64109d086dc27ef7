package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.workloads.StandardWorkloads;
import dev.tcompile.workloads.Workload;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The benchmark workloads compute the same first step eagerly and compiled (same seed, same weights and inputs). */
class StandardWorkloadsTest {
  static List<String> names() { return StandardWorkloads.all().stream().map(Workload::name).toList(); }

  @ParameterizedTest @MethodSource("names")
  void compiledFirstStepMatchesEager(String name) {
    Workload w = StandardWorkloads.select(name).get(0);
    Tensor eager = (Tensor) w.prepare(false).get();
    Tensor compiled = (Tensor) w.prepare(true).get();
    assertTrue(eager.numel() > 0);
    float[] a = eager.toFloatArray(), b = compiled.toFloatArray();
    assertEquals(a.length, b.length, name);
    // sums of up to ~1M products (sgemm 1024, GELU's gradient) may round differently in another order
    for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-4f + 1e-4f * Math.abs(a[i]), name + " element " + i);
  }

  @Test void selectionTakesNamesAndPrefixes() {
    assertEquals(List.of("sgemm_256", "sgemm_512", "sgemm_1024", "mlp_train_b64"),
        StandardWorkloads.select("sgemm, mlp_train_b64").stream().map(Workload::name).toList());
    assertEquals(List.of("mnist_train_b32"), StandardWorkloads.select("mnist_train_b32,mnist_train_b3").stream().map(Workload::name).toList());
    TorchException e = assertThrows(TorchException.class, () -> StandardWorkloads.select("sgemm_99"));
    assertTrue(e.getMessage().startsWith("no workload named 'sgemm_99'; known: mnist_train_b32, "), e.getMessage());
    assertEquals(14, StandardWorkloads.all().size());
  }
}
