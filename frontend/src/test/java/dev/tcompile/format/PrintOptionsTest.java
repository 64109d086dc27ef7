package dev.tcompile.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrintOptionsTest {
  @Test
  void profilesMatchTorchSetPrintoptions() {
    assertEquals(new PrintOptions(4, 1000, 3, 80, null), PrintOptions.profile("default"));
    assertEquals(new PrintOptions(2, 1000, 2, 80, null), PrintOptions.profile("short"));
    assertEquals(new PrintOptions(4, Double.POSITIVE_INFINITY, 3, 80, null), PrintOptions.profile("full"));
    assertThrows(IllegalArgumentException.class, () -> PrintOptions.profile("long"));
  }

  @Test
  void formatReadsTheCurrentOptions() {
    NDArray halves = NDArray.wrap(new float[] {0.5f, 0.25f}, 2);
    PrintOptions two = PrintOptions.DEFAULT.withPrecision(2);
    PrintOptions previous = PrintOptions.set(two);
    try {
      assertEquals("tensor([0.50, 0.25])", TensorFormatter.format(halves, List.of()));
    } finally {
      assertSame(two, PrintOptions.set(previous));
    }
    assertEquals("tensor([0.5000, 0.2500])", TensorFormatter.format(halves, List.of()));
  }

  /** PyTorch fails here too: get_summarized_data stacks an empty list of rows. */
  @Test
  void zeroEdgeitemsCannotSummariseMatrices() {
    NDArray m = NDArray.full(DType.FLOAT32, 1, 4, 4);
    PrintOptions opts = PrintOptions.DEFAULT.withThreshold(10).withEdgeitems(0);
    assertThrows(TorchException.class, () -> TensorFormatter.format(m, List.of(), opts));
  }
}
