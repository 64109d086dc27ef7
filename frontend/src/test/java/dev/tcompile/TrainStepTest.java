package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.nn.F;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.ReLU;
import dev.tcompile.nn.Sequential;
import dev.tcompile.optim.SGD;
import org.junit.jupiter.api.Test;

/** compileTrainStep trains exactly as the eager zero_grad / forward / backward / step loop does. */
class TrainStepTest {
  static Module model() {
    Torch.manualSeed(0);
    return new Sequential(new Linear(6, 16), new ReLU(), new Linear(16, 3));
  }

  @Test void matchesTheEagerLoop() {
    Module eager = model(), compiled = model();
    SGD eagerOpt = new SGD(eager.parameters(), 0.1, 0.9, 0, 0, false), opt = new SGD(compiled.parameters(), 0.1, 0.9, 0, 0, false);
    LossFn loss = (out, target) -> F.crossEntropy(out, target);
    TrainStep step = Torch.compileTrainStep(compiled, loss, opt);
    Torch.manualSeed(1);
    for (int i = 0; i < 6; i++) {
      Tensor x = Torch.randn(8, 6), y = Torch.randint(0, 3, 8);
      eagerOpt.zeroGrad();
      Tensor le = loss.apply(eager.forward(x), y);
      le.backward();
      eagerOpt.step();
      Tensor lc = step.step(x, y);
      assertEquals(le.item(), lc.item(), 1e-5, "loss at step " + i);
    }
    for (var e : eager.namedParameters().entrySet())
      CompiledVsEagerTest.assertClose(e.getValue(), compiled.namedParameters().get(e.getKey()), e.getKey());
    assertEquals(java.util.List.of(), step.notes(), "the whole step is one program");
    assertEquals(1, step.programsBuilt());
  }
}
