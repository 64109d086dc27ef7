package dev.tcompile.goldens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.tcompile.Autograd;
import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Higher-order gradients against PyTorch (goldens/ops.json "double_backward"): the first gradients built with
 * {@code createGraph=true} are differentiable again, and the gradient of {@code <first, v>} matches PyTorch's.
 */
class DoubleBackwardGoldenTest {
  private static final Map<String, TensorFn> FUNCTIONS = Map.ofEntries(
      Map.entry("pow_scalar", x -> x[0].pow(3.0)),
      Map.entry("pow_tensor", x -> x[0].pow(x[1])),
      Map.entry("mul", x -> x[0].mul(x[1]).mul(x[0])),
      Map.entry("tanh", x -> x[0].tanh()),
      Map.entry("softmax", x -> x[0].softmax(1)),
      Map.entry("log_softmax", x -> x[0].logSoftmax(0)),
      Map.entry("matmul", x -> x[0].matmul(x[1]).tanh()),
      Map.entry("matmul_batched", x -> x[0].matmul(x[1]).sigmoid()),
      Map.entry("norm", x -> x[0].norm()),
      Map.entry("norm_p3", x -> x[0].norm(3)),
      Map.entry("exp_sum", x -> x[0].exp().mul(x[0]).sum(1, false)),
      Map.entry("div", x -> x[0].div(x[1])));

  @TestFactory
  Stream<DynamicTest> secondDerivativesMatchPyTorch() {
    return GoldenFile.section("double_backward").stream().map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> check(c)));
  }

  private static Tensor[] dense(JsonArray a) {
    Tensor[] t = new Tensor[a.size()];
    for (int i = 0; i < t.length; i++) t[i] = a.get(i).isJsonNull() ? null : GoldenTensors.dense(a.get(i).getAsJsonObject());
    return t;
  }

  static void check(JsonObject c) {
    String name = c.get("name").getAsString();
    Tensor[] x = dense(c.getAsJsonArray("inputs"));
    for (Tensor t : x) t.requiresGrad_(true);
    Tensor out = FUNCTIONS.get(name).apply(x);
    GoldenTensors.assertMatches(name + " output", c.getAsJsonObject("output"), out, false);

    Tensor up = GoldenTensors.dense(c.getAsJsonObject("upstream"));
    // PyTorch's retain_graph defaults to create_graph: the golden kept the first graph
    Tensor[] first = Autograd.grad(new Tensor[]{out}, x, new Tensor[]{up}, true, true);
    JsonArray wantFirst = c.getAsJsonArray("first");
    for (int i = 0; i < x.length; i++) {
      GoldenTensors.assertMatches(name + " first gradient " + i, wantFirst.get(i).getAsJsonObject(), first[i], false);
      assertTrue(first[i].requiresGrad() && first[i].gradFn() != null, name + ": createGraph gradients have a history");
    }

    Tensor[] second = Autograd.grad(first, x, dense(c.getAsJsonArray("v")), false, false, true);
    JsonArray wantSecond = c.getAsJsonArray("second");
    assertEquals(x.length, second.length);
    for (int i = 0; i < x.length; i++) {
      if (wantSecond.get(i).isJsonNull()) assertNull(second[i], name + ": second gradient " + i + " is None in PyTorch");
      else GoldenTensors.assertMatches(name + " second gradient " + i, wantSecond.get(i).getAsJsonObject(), second[i], false);
    }
  }
}
