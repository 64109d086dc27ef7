package dev.tcompile.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import dev.tcompile.ir.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The partitioner recomputes cheap pointwise values in backward instead of saving them, where that saves bytes (five activations of the tanh-GELU become its input). */
class RematerialisationTest {
  private static final String TANH_GELU = """
      graph @gelu(%x: f32[1000] {requires_grad=true}) {
        %0 = constant 0.5 : f32[]
        %1 = mul(%x, %0) : f32[1000]
        %2 = mul(%x, %x) : f32[1000]
        %3 = mul(%2, %x) : f32[1000]
        %4 = constant 0.044715 : f32[]
        %5 = mul(%3, %4) : f32[1000]
        %6 = add(%5, %x) : f32[1000]
        %7 = constant 0.7978846 : f32[]
        %8 = mul(%6, %7) : f32[1000]
        %9 = tanh(%8) : f32[1000]
        %10 = constant 1.0 : f32[]
        %11 = add(%9, %10) : f32[1000]
        %12 = mul(%1, %11) : f32[1000]
        %13 = sum(%12) : f32[]
        return %13
      }
      """;

  @Test void aPointwiseChainIsRecomputedFromItsInputAndItsTanhInsteadOfSavingFiveActivations() {
    Graph g = GraphParser.parse(TANH_GELU);
    Autodiff.Split saving = Autodiff.split(g, new boolean[]{true}, false);
    Autodiff.Split remat = Autodiff.split(g, new boolean[]{true}, true);
    assertEquals(5, saving.numSaved(), GraphPrinter.print(saving.forward()));
    assertEquals(2, remat.numSaved(), GraphPrinter.print(remat.forward()));
    assertEquals(List.of("9", "x"), remat.forward().outputs().subList(1, 3).stream().map(Value::name).sorted().toList(),
        "the input and the tanh are saved");
    assertEquals(5 * 4000, remat.savedBytesWithoutRemat());
    assertEquals(2 * 4000, remat.savedBytes());
    String backward = GraphPrinter.print(remat.backward());
    assertTrue(!backward.contains("tanh(") && backward.contains("mul(%x, %x)"), "backward recomputes the cheap products, not the tanh:\n" + backward);
  }

  @Test void matmulResultsAreSavedNotRecomputed() {
    Graph g = GraphParser.parse("""
        graph @g(%a: f32[64, 64] {requires_grad=true}, %b: f32[64, 64]) {
          %0 = mm(%a, %b) : f32[64, 64]
          %1 = tanh(%0) : f32[64, 64]
          %2 = sum(%1) : f32[]
          return %2
        }
        """);
    Autodiff.Split remat = Autodiff.split(g, new boolean[]{true, false}, true);
    // tanh's output is saved (its derivative reads it); recomputing it would save %0 instead: no fewer bytes
    assertEquals(remat.savedBytesWithoutRemat(), remat.savedBytes());
    for (Value v : remat.forward().outputs()) assertTrue(v.producer() == null || !v.producer().op().name().equals("mm") || v.name().equals("0"));
    assertTrue(!GraphPrinter.print(remat.backward()).contains("= mm(%a"), "mm is never recomputed");
  }
}
