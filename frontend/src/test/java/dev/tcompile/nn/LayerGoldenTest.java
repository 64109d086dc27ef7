package dev.tcompile.nn;

import static dev.tcompile.nn.NnGoldens.assertClose;
import static dev.tcompile.nn.NnGoldens.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tcompile.Autograd;
import dev.tcompile.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every layer, functional and loss case of the PyTorch goldens: with PyTorch's parameters loaded through
 * {@code loadStateDict}, outputs, input and parameter gradients (for PyTorch's upstream gradients), updated
 * buffers, autograd node names, module reprs and state-dict keys all match.
 */
class LayerGoldenTest {
  /**
   * Cases whose output node PyTorch names after an internal kernel tcompile composes from ops: the fused
   * recurrent kernels, and cross entropy with probabilities (PyTorch divides by a C++ scalar, DivBackward1).
   */
  private static final Set<String> COMPOSED_DIFFERENTLY = Set.of("rnn", "rnn_deep_relu_bidir_batch_first", "rnn_unbatched", "lstm",
      "lstm_deep_bidir_batch_first", "lstm_nobias", "gru", "gru_deep_bidir", "cross_entropy_probabilities");

  private static Stream<JsonObject> cases() {
    return NnGoldens.json().getAsJsonArray("cases").asList().stream().map(JsonElement::getAsJsonObject);
  }

  @Test
  void everyGoldenCaseHasAJavaDefinitionAndViceVersa() {
    List<String> golden = cases().map(c -> c.get("name").getAsString()).toList();
    assertEquals(new ArrayList<>(LayerCases.CASES.keySet()), golden);
    assertTrue(golden.size() >= 90, "cases: " + golden.size());
  }

  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    return cases().map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> check(c)));
  }

  private static void check(JsonObject c) {
    String name = c.get("name").getAsString();
    LayerCases.Case def = LayerCases.CASES.get(name);
    Module m = def.module() == null ? null : def.module().get();
    if (m != null) {
      Map<String, Tensor> state = new LinkedHashMap<>();
      for (JsonElement k : c.getAsJsonArray("state_keys")) state.put(k.getAsString(), tensor(name + "/state/" + k.getAsString()));
      assertEquals(c.get("repr").getAsString(), m.toString(), name + ": repr");
      assertEquals(new ArrayList<>(state.keySet()), new ArrayList<>(m.stateDict().keySet()), name + ": state_dict keys");
      m.loadStateDict(state, true);
      m.train(c.get("train").getAsBoolean());
    }
    int n = c.get("inputs").getAsInt();
    Tensor[] in = new Tensor[n];
    for (int i = 0; i < n; i++) {
      in[i] = tensor(name + "/in/" + i);
      if (c.getAsJsonArray("grad").get(i).getAsBoolean()) in[i].requiresGrad_(true);
    }
    Tensor[] out = def.run().apply(m, in);
    assertEquals(c.get("outputs").getAsInt(), out.length, name + ": number of outputs");
    List<Tensor> roots = new ArrayList<>(), gouts = new ArrayList<>();
    for (int j = 0; j < out.length; j++) {
      assertClose(tensor(name + "/out/" + j), out[j], name + ": output " + j);
      if (out[j].requiresGrad()) { roots.add(out[j]); gouts.add(tensor(name + "/gout/" + j)); }
    }
    JsonElement gradFn = c.getAsJsonArray("grad_fn").get(0);
    if (!COMPOSED_DIFFERENTLY.contains(name)) {
      String expected = gradFn.isJsonNull() ? null : gradFn.getAsString();
      assertEquals(expected, out[0].gradFn() == null ? null : pythonName(out[0].gradFn().name()), name + ": grad_fn");
    }
    if (!roots.isEmpty()) Autograd.backward(roots.toArray(new Tensor[0]), gouts.toArray(new Tensor[0]), false, false);
    for (int i = 0; i < n; i++)
      if (in[i].requiresGrad()) assertClose(tensor(name + "/grad/in/" + i), in[i].grad() != null ? in[i].grad() : dev.tcompile.Torch.zerosLike(in[i]),
          name + ": gradient of input " + i);
    if (m == null) return;
    Map<String, Parameter> params = m.namedParameters();
    for (JsonElement k : c.getAsJsonArray("param_grads"))
      assertClose(tensor(name + "/grad/param/" + k.getAsString()), params.get(k.getAsString()).grad(), name + ": gradient of " + k.getAsString());
    Map<String, Tensor> buffers = m.namedBuffers();
    for (JsonElement k : c.getAsJsonArray("buffers"))
      assertClose(tensor(name + "/after/" + k.getAsString()), buffers.get(k.getAsString()), name + ": buffer " + k.getAsString() + " after");
  }

  /** Python's {@code node.name()}: the C++ nodes CopySlices and AccumulateGrad carry their namespace there. */
  private static String pythonName(String n) {
    return n.equals("CopySlices") || n.equals("AccumulateGrad") ? "torch::autograd::" + n : n;
  }
}
