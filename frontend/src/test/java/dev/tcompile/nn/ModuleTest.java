package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Module bookkeeping: registration, traversal, modes, gradients, state dicts and printing. */
class ModuleTest {
  static class Shared extends Module {
    final Linear a = register("a", new Linear(2, 2));
    final Linear b = register("b", a);
    final Parameter scale = registerParameter("scale", new Parameter(Torch.ones(1)));
    final Tensor steps = registerBuffer("steps", Torch.zeros(1));
    final Tensor cache = registerBuffer("cache", Torch.zeros(1), false);

    @Override public Tensor forward(Tensor x) { return b.forward(a.forward(x)).mul(scale); }
  }

  @Test
  void sharedModulesAndParametersAreListedOnce() {
    Shared m = new Shared();
    assertEquals(List.of("scale", "a.weight", "a.bias"), new ArrayList<>(m.namedParameters().keySet()));
    assertEquals(List.of("", "a"), new ArrayList<>(m.namedModules().keySet()));
    assertEquals(1, ((List<?>) m.children()).size());
    assertEquals(List.of("scale", "steps", "a.weight", "a.bias", "b.weight", "b.bias"), new ArrayList<>(m.stateDict().keySet()));
    assertEquals(List.of("steps", "cache"), new ArrayList<>(m.namedBuffers().keySet()));
  }

  @Test
  void namesMustBeFreshAndDotless() {
    Module m = new Module() {};
    assertEquals("attribute 'x' already exists", assertThrows(TorchException.class, () -> {
      m.registerParameter("x", null);
      m.register("x", new ReLU());
    }).getMessage());
    assertEquals("name can't contain \".\"", assertThrows(TorchException.class, () -> m.registerBuffer("a.b", null)).getMessage());
    assertEquals("Module [Module] is missing the required \"forward\" function",
        assertThrows(TorchException.class, () -> m.forward(Torch.ones(1))).getMessage());
  }

  @Test
  void trainAndEvalReachEveryDescendant() {
    Sequential s = new Sequential(new Dropout(0.5), new Sequential(new BatchNorm1d(2)));
    assertTrue(s.isTraining());
    s.eval();
    for (Module m : s.modules()) assertFalse(m.isTraining());
    s.train();
    for (Module m : s.modules()) assertTrue(m.isTraining());
  }

  @Test
  void zeroGradSetsNullAndApplyVisitsChildrenFirst() {
    Sequential s = new Sequential(new Linear(3, 2), new ReLU());
    s.forward(Torch.ones(1, 3)).sum().backward();
    assertNotNull(((Linear) s.get(0)).weight().grad());
    s.zeroGrad();
    for (Parameter p : s.parameters()) assertNull(p.grad());
    List<String> order = new ArrayList<>();
    s.apply(m -> order.add(m.getClass().getSimpleName()));
    assertEquals(List.of("Linear", "ReLU", "Sequential"), order);
    s.requiresGrad_(false);
    for (Parameter p : s.parameters()) assertFalse(p.requiresGrad());
  }

  @Test
  void stateDictSharesStorageWithoutHistory() {
    Linear l = new Linear(2, 2);
    Tensor w = l.stateDict().get("weight");
    assertFalse(w.requiresGrad());
    try (var g = Torch.noGrad()) { w.fill_(3); }
    assertEquals(3f, l.weight().toFloatArray()[0]);
  }

  @Test
  void loadStateDictCopiesIntoTheExistingTensors() {
    Linear a = new Linear(2, 2), b = new Linear(2, 2);
    Parameter before = b.weight();
    b.loadStateDict(a.stateDict(), true);
    assertSame(before, b.weight());
    assertEquals(a.weight().toString().replace("requires_grad=True", ""), b.weight().toString().replace("requires_grad=True", ""));
    assertTrue(b.weight().isLeaf() && b.weight().requiresGrad());
    Module.IncompatibleKeys k = b.loadStateDict(Map.of("weight", Torch.zeros(2, 2)), false);
    assertEquals(List.of("bias"), k.missingKeys());
  }

  @Test
  void parametersPrintAsPyTorch() {
    assertEquals("Parameter containing:\ntensor([1., 1.], requires_grad=True)", new Parameter(Torch.ones(2)).toString());
    assertEquals("Parameter containing:\ntensor([0., 0.])", new Parameter(Torch.zeros(2), false).toString());
  }

  @Test
  void customModulesPrintTheirTree() {
    assertEquals("Shared(\n  (a): Linear(in_features=2, out_features=2, bias=True)\n  (b): Linear(in_features=2, out_features=2, bias=True)\n)",
        new Shared().toString());
    Module anonymous = new Sequential(new ReLU()) {};
    assertEquals("Sequential(\n  (0): ReLU()\n)", anonymous.toString());
  }

  @Test
  void sequentialAndModuleListIndexing() {
    Sequential s = new Sequential(new ReLU(), new Tanh());
    assertTrue(s.get(-1) instanceof Tanh);
    assertEquals(2, s.size());
    ModuleList l = new ModuleList().append(new ReLU()).append(new Sigmoid());
    List<String> names = new ArrayList<>();
    for (Module m : l) names.add(m.toString());
    assertEquals(List.of("ReLU()", "Sigmoid()"), names);
    assertEquals(List.of("0", "1"), new ArrayList<>(l.namedChildren().keySet()));
  }

  @Test
  void lossModulesTakeTwoInputs() {
    assertEquals("MSELoss.forward() takes 2 inputs but 1 were given",
        assertThrows(TorchException.class, () -> new MSELoss().forward(new Tensor[]{Torch.ones(1)})).getMessage());
    assertEquals(0f, new MSELoss().forward(Torch.ones(2), Torch.ones(2)).item());
  }
}
