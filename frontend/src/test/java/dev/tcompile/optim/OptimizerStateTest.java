package dev.tcompile.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.nn.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Optimiser bookkeeping: zeroGrad, state dicts, parameter groups and argument checks. */
class OptimizerStateTest {
  private static List<Tensor> params() {
    return List.of(new Parameter(Torch.tensor(1f, -2f, 3f)), new Parameter(Torch.tensor(new float[][]{{0.5f, 0.25f}})));
  }

  private static void fakeGrads(List<Tensor> ps, int step) {
    for (Tensor p : ps) p.setGrad(p.detach().mul((double) (step + 1)).add(0.1));
  }

  @Test
  void zeroGradSetsGradientsToNull() {
    List<Tensor> ps = params();
    fakeGrads(ps, 0);
    Optimizer o = new SGD(ps, 0.1);
    o.zeroGrad();
    for (Tensor p : ps) assertNull(p.grad());
  }

  @Test
  void stepSkipsParametersWithoutGradients() {
    List<Tensor> ps = params();
    ps.get(0).setGrad(Torch.ones(3));
    new Adam(ps, 0.1).step();
    assertArrayEquals(new float[]{0.5f, 0.25f}, ps.get(1).toFloatArray());
    assertArrayEquals(new float[]{0.9f, -2.1f, 2.9f}, ps.get(0).toFloatArray(), 1e-6f);
  }

  @Test
  void stateDictRoundTripContinuesTheSameTrajectory() {
    List<Tensor> a = params(), b = params();
    Adam oa = new Adam(a, 0.01, 0.9, 0.999, 1e-8, 0.01, true);
    for (int k = 0; k < 3; k++) { fakeGrads(a, k); oa.step(); }
    Optimizer.StateDict sd = oa.stateDict();
    assertEquals(List.of("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"), List.copyOf(sd.state().get(0).keySet()));
    assertEquals(3f, sd.state().get(0).get("step").item());
    assertEquals(List.of(0, 1), sd.paramGroups().get(0).get("params"));
    for (int i = 0; i < a.size(); i++) try (var g = Torch.noGrad()) { b.get(i).copy_(a.get(i)); }
    Adam ob = new Adam(b, 0.5);
    ob.loadStateDict(sd);
    assertEquals(0.01, ob.paramGroups().get(0).lr());
    fakeGrads(a, 3);
    fakeGrads(b, 3);
    oa.step();
    ob.step();
    for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).toFloatArray(), b.get(i).toFloatArray());
  }

  @Test
  void loadingIntoADifferentlyShapedOptimizerFails() {
    Optimizer.StateDict sd = new SGD(params(), 0.1).stateDict();
    SGD other = new SGD(List.of(new Parameter(Torch.zeros(2))), 0.1);
    assertEquals("loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
        assertThrows(TorchException.class, () -> other.loadStateDict(sd)).getMessage());
  }

  @Test
  void groupsOverrideDefaultsAndSchedulersScaleEveryGroup() {
    List<Tensor> ps = params();
    SGD o = new SGD(List.of(ParamGroup.of(List.of(ps.get(0))), ParamGroup.of(List.of(ps.get(1))).with("lr", 1.0)), 0.1, 0, 0, 0, false);
    assertEquals(0.1, o.paramGroups().get(0).lr());
    assertEquals(1.0, o.paramGroups().get(1).lr());
    StepLR s = new StepLR(o, 1, 0.5);
    s.step();
    assertEquals(List.of(0.05, 0.5), s.getLastLr());
    assertEquals(1.0, o.paramGroups().get(1).getDouble("initial_lr"));
  }

  @Test
  void invalidArgumentsFailAsPyTorchDoes() {
    assertEquals("Invalid learning rate: -1.0", assertThrows(TorchException.class, () -> new SGD(params(), -1)).getMessage());
    assertEquals("Nesterov momentum requires a momentum and zero dampening",
        assertThrows(TorchException.class, () -> new SGD(params(), 0.1, 0, 0, 0, true)).getMessage());
    assertEquals("Invalid beta parameter at index 1: 1.0",
        assertThrows(TorchException.class, () -> new Adam(params(), 0.1, 0.9, 1.0, 1e-8, 0, false)).getMessage());
    List<Tensor> ps = params();
    assertEquals("some parameters appear in more than one parameter group", assertThrows(TorchException.class,
        () -> new SGD(List.of(ParamGroup.of(ps), ParamGroup.of(List.of(ps.get(0)))), 0.1, 0, 0, 0, false)).getMessage());
  }
}
