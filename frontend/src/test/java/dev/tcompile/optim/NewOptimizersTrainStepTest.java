package dev.tcompile.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.TrainStep;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Parameter;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The new optimisers behind Torch.compileTrainStep (their update runs eagerly) give eager training's parameters; bookkeeping checks. */
class NewOptimizersTrainStepTest {
  private static float[] train(boolean compiled, Function<List<Parameter>, Optimizer> make) {
    Torch.manualSeed(7);
    Linear model = new Linear(4, 3);
    Optimizer opt = make.apply(model.parameters());
    Tensor x = Torch.randn(8, 4), y = Torch.randn(8, 3);
    TrainStep step = compiled ? Torch.compileTrainStep(model, F::mseLoss, opt) : null;
    for (int k = 0; k < 5; k++) {
      if (compiled) {
        step.step(x, y);
      } else {
        opt.zeroGrad();
        F.mseLoss(model.call(x), y).backward();
        opt.step();
      }
    }
    return model.parameters().get(0).toFloatArray();
  }

  @Test
  void compiledTrainStepsMatchEagerOnes() {
    for (Function<List<Parameter>, Optimizer> make : List.<Function<List<Parameter>, Optimizer>>of(
        ps -> new Adadelta(ps, 0.5), ps -> new Adagrad(ps, 0.1)))
      assertArrayEquals(train(false, make), train(true, make), 1e-6f);
  }

  @Test
  void unsupportedFlagsAreRefusedAndLbfgsStateIsNotLoadable() {
    Parameter p = new Parameter(Torch.ones(2));
    p.setGrad(Torch.ones(2));
    SGD sgd = new SGD(List.of(new ParamGroup(List.of(p)).with("maximize", true)), 0.1, 0, 0, 0, false);
    assertEquals("SGD: maximize=True is not supported by tcompile", assertThrows(TorchException.class, sgd::step).getMessage());
    LBFGS l = new LBFGS(List.of(p));
    assertThrows(TorchException.class, () -> l.loadStateDict(l.stateDict()));
  }
}
