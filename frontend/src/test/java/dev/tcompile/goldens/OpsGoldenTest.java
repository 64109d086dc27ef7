package dev.tcompile.goldens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tcompile.Autograd;
import dev.tcompile.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op of API.md section 1 against PyTorch 1.13 (goldens/ops.json): output values and dtypes, the
 * grad_fn name, and the gradient of every float input for PyTorch's upstream gradient.
 */
class OpsGoldenTest {
  @TestFactory
  Stream<DynamicTest> opsMatchPyTorch() {
    return GoldenFile.section("cases").stream().map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> {
      try {
        check(c);
      } catch (RuntimeException e) {
        throw new AssertionError(c.get("name").getAsString() + ": " + e, e);
      }
    }));
  }

  static void check(JsonObject c) {
    String name = c.get("name").getAsString();
    List<Tensor> leaves = new ArrayList<>();
    List<Tensor> inputs = new ArrayList<>();
    for (JsonElement e : c.getAsJsonArray("inputs")) {
      Tensor leaf = GoldenTensors.leaf(e.getAsJsonObject());
      leaves.add(leaf);
      inputs.add(GoldenTensors.through(leaf, e.getAsJsonObject()));
    }
    Object r = OpCalls.get(c.get("op").getAsString()).apply(inputs.toArray(Tensor[]::new), c.getAsJsonObject("args"));
    Tensor[] outs = r instanceof Tensor t ? new Tensor[]{t} : (Tensor[]) r;
    JsonArray expected = c.getAsJsonArray("outputs");
    assertEquals(expected.size(), outs.length, name + ": number of outputs");
    boolean exact = c.get("exact").getAsBoolean();
    for (int i = 0; i < outs.length; i++)
      GoldenTensors.assertMatches(name + " output " + i, expected.get(i).getAsJsonObject(), outs[i], exact);

    JsonElement gradFn = c.get("grad_fn");
    String want = gradFn.isJsonNull() ? null : gradFn.getAsString();
    String gotFn = outs[0].gradFn() == null ? null : outs[0].gradFn().name();
    assertEquals(want, want != null && want.startsWith("torch::autograd::") ? pythonName(gotFn) : gotFn, name + ": grad_fn");

    if (!c.has("grads")) {
      for (Tensor o : outs) assertTrue(!o.requiresGrad() || leaves.stream().noneMatch(Tensor::requiresGrad), name + ": no gradient expected");
      return;
    }
    List<Tensor> diff = new ArrayList<>();
    for (Tensor o : outs) if (o.requiresGrad()) diff.add(o);
    JsonArray ups = c.getAsJsonArray("upstream");
    assertEquals(ups.size(), diff.size(), name + ": outputs requiring grad");
    Tensor[] upstream = new Tensor[ups.size()];
    for (int i = 0; i < upstream.length; i++) upstream[i] = GoldenTensors.dense(ups.get(i).getAsJsonObject());
    List<Tensor> wrt = leaves.stream().filter(Tensor::requiresGrad).toList();
    Tensor[] grads = Autograd.grad(diff.toArray(Tensor[]::new), wrt.toArray(Tensor[]::new), upstream, false, false, true);
    JsonArray expectedGrads = c.getAsJsonArray("grads");
    for (int i = 0, k = 0; i < leaves.size(); i++) {
      if (!leaves.get(i).requiresGrad()) continue;
      JsonElement g = expectedGrads.get(i);
      Tensor got = grads[k++];
      if (g.isJsonNull()) assertNull(got, name + ": gradient of input " + i + " should be None");
      else GoldenTensors.assertMatches(name + " grad of input " + i, g.getAsJsonObject(), got, false);
    }
  }

  @Test
  void goldensCoverEveryOpOfTheApi() {
    Set<String> ops = new HashSet<>();
    for (JsonObject c : GoldenFile.section("cases")) ops.add(c.get("op").getAsString());
    for (String op : List.of("add", "sub", "mul", "div", "pow", "neg", "abs", "exp", "log", "sqrt", "rsqrt", "sin", "cos",
        "tanh", "sigmoid", "relu", "clamp", "square", "reciprocal", "matmul", "mm", "bmm", "t", "transpose", "permute",
        "reshape", "view", "flatten", "expand", "squeeze", "unsqueeze", "contiguous", "narrow", "select", "index_select",
        "sum", "sum_dim", "sum_dims", "mean", "max", "min", "max_dim", "min_dim", "argmax", "norm", "norm_p", "var", "std",
        "softmax", "log_softmax", "eq", "ne", "gt", "ge", "lt", "le", "all", "any", "cat", "stack", "where", "add_", "sub_",
        "mul_", "div_", "zero_", "fill_", "copy_", "clamp_"))
      assertTrue(ops.contains(op), "no golden case for " + op);
    assertTrue(GoldenFile.section("cases").size() >= 400);
  }

  /**
   * Python's {@code node.name()}: the C++ nodes CopySlices and AccumulateGrad carry their namespace there (goldens
   * that recorded it so); tcompile's node names are the short ones.
   */
  static String pythonName(String n) {
    return n.equals("CopySlices") || n.equals("AccumulateGrad") ? "torch::autograd::" + n : n;
  }
}
