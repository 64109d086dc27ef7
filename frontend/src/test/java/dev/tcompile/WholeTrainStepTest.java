package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.nn.Dropout;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.ReLU;
import dev.tcompile.nn.Sequential;
import dev.tcompile.optim.Adam;
import dev.tcompile.optim.AdamW;
import dev.tcompile.optim.Optimizer;
import dev.tcompile.optim.ParamGroup;
import dev.tcompile.optim.RMSprop;
import dev.tcompile.optim.SGD;
import dev.tcompile.optim.StepLR;
import dev.tcompile.vision.models.MnistNet;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The one-program train step (forward, loss, backward and SGD in one compiled graph) leaves parameters, gradients
 * and optimiser state as the eager loop does: SGD with momentum, dampening, nesterov, weight decay and parameter
 * groups, Adam with weight decay and amsgrad, AdamW, and a learning-rate schedule; a last, smaller batch compiles once; steps it cannot take fall back with a reason.
 */
class WholeTrainStepTest {
  private static void trainBoth(Supplier<Module> model, java.util.function.Function<Module, Optimizer> optimizer, int steps, int batch,
                                int[] inputShape, int classes, boolean schedule) {
    Module eager = model.get(), compiled = model.get();
    Optimizer eagerOpt = optimizer.apply(eager), opt = optimizer.apply(compiled);
    StepLR eagerLr = schedule ? new StepLR(eagerOpt, 3, 0.5) : null, lr = schedule ? new StepLR(opt, 3, 0.5) : null;
    LossFn loss = (out, target) -> F.nllLoss(F.logSoftmax(out, 1), target);
    TrainStep step = Torch.compileTrainStep(compiled, loss, opt);
    Torch.manualSeed(7);
    for (int i = 0; i < steps; i++) {
      int b = i == steps - 1 ? batch / 2 + 1 : batch;     // the last batch is smaller
      int[] shape = inputShape.clone();
      shape[0] = b;
      Tensor x = Torch.randn(shape), y = Torch.randint(0, classes, b);
      eagerOpt.zeroGrad();
      Tensor le = loss.apply(eager.forward(x), y);
      le.backward();
      eagerOpt.step();
      Tensor lc = step.step(x, y);
      assertEquals(le.item(), lc.item(), 2e-5 * Math.max(1, Math.abs(le.item())), "loss at step " + i);
      if (schedule) { eagerLr.step(); lr.step(); }
    }
    assertEquals(List.of(), step.notes(), "every step ran as one program");
    assertEquals(2, step.programsBuilt(), "one program for the full batches, one for the last");
    var ep = eager.namedParameters();
    for (var e : compiled.namedParameters().entrySet()) {
      String name = e.getKey();
      CompiledVsEagerTest.assertClose(ep.get(name), e.getValue(), name);
      CompiledVsEagerTest.assertClose(ep.get(name).grad(), e.getValue().grad(), name + ".grad");
      var es = eagerOpt.state(ep.get(name)); var cs = opt.state(e.getValue());
      assertEquals(es.keySet(), cs.keySet(), name + " state");
      for (String key : es.keySet()) CompiledVsEagerTest.assertClose(es.get(key), cs.get(key), name + " " + key);
    }
  }

  static Module mlp() {
    Torch.manualSeed(0);
    return new Sequential(new Linear(20, 32), new ReLU(), new Linear(32, 32), new ReLU(), new Linear(32, 5));
  }

  @Test void mnistCnnWithMomentum() {
    trainBoth(() -> { Torch.manualSeed(0); return new MnistNet(); }, m -> new SGD(m.parameters(), 0.01, 0.5), 6, 8,
        new int[]{8, 1, 28, 28}, 10, false);
  }

  @Test void mlpWithNesterovWeightDecayAndASchedule() {
    trainBoth(WholeTrainStepTest::mlp, m -> new SGD(m.parameters(), 0.05, 0.9, 0, 1e-3, true), 8, 16, new int[]{16, 20}, 5, true);
  }

  @Test void mlpWithDampingPlainSgdGroupsAndNoMomentum() {
    trainBoth(WholeTrainStepTest::mlp, m -> new SGD(m.parameters(), 0.05, 0.8, 0.3, 0, false), 5, 12, new int[]{12, 20}, 5, false);
    trainBoth(WholeTrainStepTest::mlp, m -> {
      List<dev.tcompile.nn.Parameter> ps = m.parameters();
      return new SGD(List.of(new ParamGroup(ps.subList(0, 2)).with("lr", 0.2), new ParamGroup(ps.subList(2, ps.size()))), 0.05, 0, 0, 0, false);
    }, 5, 12, new int[]{12, 20}, 5, true);
  }

  @Test void mnistCnnWithAdam() {
    trainBoth(() -> { Torch.manualSeed(0); return new MnistNet(); }, m -> new Adam(m.parameters(), 1e-3), 5, 8,
        new int[]{8, 1, 28, 28}, 10, false);
  }

  @Test void mlpWithAdamWeightDecayAmsgradAdamWAndASchedule() {
    trainBoth(WholeTrainStepTest::mlp, m -> new Adam(m.parameters(), 1e-2, 0.8, 0.99, 1e-6, 1e-2, true), 7, 16, new int[]{16, 20}, 5, true);
    trainBoth(WholeTrainStepTest::mlp, m -> new AdamW(m.parameters(), 1e-2), 7, 16, new int[]{16, 20}, 5, true);
  }

  @Test void mlpWithRmspropPlainMomentumAndCentered() {
    trainBoth(WholeTrainStepTest::mlp, m -> new RMSprop(m.parameters(), 1e-2), 6, 16, new int[]{16, 20}, 5, false);
    trainBoth(WholeTrainStepTest::mlp, m -> new RMSprop(m.parameters(), 1e-2, 0.9, 1e-6, 1e-2, 0.5, true), 6, 16, new int[]{16, 20}, 5, true);
  }

  @Test void aStepThatDrawsRandomNumbersFallsBackWithTheReason() {
    Torch.manualSeed(0);
    Module m = new Sequential(new Linear(4, 8), new Dropout(0.5), new Linear(8, 2));
    TrainStep step = Torch.compileTrainStep(m, (out, t) -> F.crossEntropy(out, t), new SGD(m.parameters(), 0.1));
    step.step(Torch.randn(3, 4), Torch.randint(0, 2, 3));
    assertTrue(step.notes().toString().contains("random"), step.notes().toString());
  }

  /** A value the loss reads from a field is host state: changing it rebuilds the program, never a stale answer. */
  static final class Weighted { float weight = 1f; }

  @Test void hostStateTheLossReadsIsGuarded() {
    Module m = mlp();
    Weighted w = new Weighted();
    TrainStep step = Torch.compileTrainStep(m, (out, t) -> F.crossEntropy(out, t).mul(w.weight), new SGD(m.parameters(), 0.0));
    Tensor x = Torch.randn(4, 20), y = Torch.randint(0, 5, 4);
    float first = step.step(x, y).item();
    w.weight = 3f;
    assertEquals(3 * first, step.step(x, y).item(), 1e-5 * Math.abs(first));
    assertTrue(step.notes().toString().contains("weight changed from 1.0 to 3.0"), step.notes().toString());
  }

  /** Freezing a parameter after the program was built rebuilds it: a frozen parameter is not updated, as eagerly. */
  @Test void freezingAParameterRebuildsTheProgram() {
    Module m = mlp();
    TrainStep step = Torch.compileTrainStep(m, (out, t) -> F.crossEntropy(out, t), new SGD(m.parameters(), 0.1));
    Tensor x = Torch.randn(4, 20), y = Torch.randint(0, 5, 4);
    step.step(x, y);
    Tensor first = m.parameters().get(0);
    first.requiresGrad_(false);
    float[] before = first.toFloatArray();
    step.step(x, y);
    assertArrayEquals(before, first.toFloatArray(), "a frozen parameter keeps its value");
    assertTrue(step.notes().toString().contains("changed requires_grad to false"), step.notes().toString());
  }
}
