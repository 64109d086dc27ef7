package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.codegen.Interpreter;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.ReLU;
import dev.tcompile.nn.Sequential;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TracedGraph: which tensors the captured inputs are, and the frozen graph that holds them as named constants. */
class TracedGraphFrozenTest {
  private static Sequential mlp() {
    Torch.manualSeed(3);
    return new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
  }

  @Test void capturedInputsAreTheModulesParameters() {
    Sequential m = mlp();
    TracedGraph t = TracedGraph.of(xs -> m.forward(xs[0]), Torch.randn(2, 4));
    assertEquals(List.of("x0", "c0", "c1", "c2", "c3"), t.graph().inputs().stream().map(Value::name).toList());
    List<Tensor> params = List.copyOf(m.namedParameters().values());
    List<Tensor> captured = List.copyOf(t.captured().values());
    assertEquals(4, captured.size());
    for (Tensor c : captured) assertTrue(params.stream().anyMatch(p -> p == c), "a captured tensor is a parameter");
    assertSame(t.captured().get(t.graph().inputs().get(1)), captured.get(0));
  }

  @Test void frozenGraphNamesItsConstantsAndComputesTheForward() {
    Sequential m = mlp();
    Tensor x = Torch.randn(2, 4);
    Map<Tensor, String> names = new IdentityHashMap<>();
    m.namedParameters().forEach((n, p) -> names.put(p, n));
    Graph g = TracedGraph.of(xs -> m.forward(xs[0]), x).frozen(names::get);

    assertEquals(List.of("x0"), g.inputs().stream().map(Value::name).toList());
    List<String> constants = g.nodes().stream().filter(Node::isConstant).map(n -> n.output().name()).toList();
    assertTrue(constants.containsAll(List.of("0.weight", "0.bias", "2.weight", "2.bias")), constants.toString());
    Tensor want;
    try (GradGuard ignored = Torch.noGrad()) { want = m.forward(x); }
    Tensor got = Tensor.wrap(new Interpreter(g).run(x.array())[0]);
    CompiledVsEagerTest.assertClose(want, got, "frozen graph's output");
  }

  @Test void frozenGraphHoldsACopyOfTheWeights() {
    Sequential m = mlp();
    Tensor x = Torch.randn(2, 4);
    Graph g = TracedGraph.of(xs -> m.forward(xs[0]), x).frozen(t -> null);
    Tensor before = Tensor.wrap(new Interpreter(g).run(x.array())[0]);
    try (GradGuard ignored = Torch.noGrad()) { m.parameters().get(0).mul_(0.0); }
    Tensor after = Tensor.wrap(new Interpreter(g).run(x.array())[0]);
    CompiledVsEagerTest.assertClose(before, after, "output after the module changed");
    assertTrue(g.nodes().stream().anyMatch(n -> n.isConstant() && n.output().name().equals("c0")), g.toString());
  }
}
