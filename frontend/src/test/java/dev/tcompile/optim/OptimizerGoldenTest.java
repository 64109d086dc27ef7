package dev.tcompile.optim;

import static dev.tcompile.nn.NnGoldens.assertClose;
import static dev.tcompile.nn.NnGoldens.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tcompile.Tensor;
import dev.tcompile.nn.NnGoldens;
import dev.tcompile.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Optimiser trajectories against PyTorch 1.13's single-tensor updates: same gradients, same parameters after every step. */
class OptimizerGoldenTest {
  private static final Map<String, Function<List<Tensor>, Optimizer>> OPTIMIZERS = new LinkedHashMap<>();

  static {
    OPTIMIZERS.put("sgd", ps -> new SGD(ps, 0.1));
    OPTIMIZERS.put("sgd_momentum", ps -> new SGD(ps, 0.05, 0.9));
    OPTIMIZERS.put("sgd_momentum_dampening_wd", ps -> new SGD(ps, 0.05, 0.9, 0.3, 0.01, false));
    OPTIMIZERS.put("sgd_nesterov_wd", ps -> new SGD(ps, 0.05, 0.8, 0, 0.1, true));
    OPTIMIZERS.put("adam", ps -> new Adam(ps, 1e-2));
    OPTIMIZERS.put("adam_wd_betas", ps -> new Adam(ps, 3e-3, 0.8, 0.99, 1e-6, 0.05, false));
    OPTIMIZERS.put("adam_amsgrad", ps -> new Adam(ps, 1e-2, 0.9, 0.999, 1e-8, 0, true));
    OPTIMIZERS.put("adamw", ps -> new AdamW(ps, 1e-2));
    OPTIMIZERS.put("adamw_amsgrad", ps -> new AdamW(ps, 1e-2, 0.9, 0.999, 1e-8, 0.1, true));
    OPTIMIZERS.put("rmsprop", ps -> new RMSprop(ps, 1e-2));
    OPTIMIZERS.put("rmsprop_centered_momentum_wd", ps -> new RMSprop(ps, 1e-2, 0.9, 1e-6, 0.01, 0.5, true));
    OPTIMIZERS.put("sgd_groups", ps -> new SGD(List.of(ParamGroup.of(List.of(ps.get(0))), ParamGroup.of(List.of(ps.get(1))).with("lr", 0.5)),
        0.1, 0.5, 0, 0, false));
  }

  private static Stream<JsonObject> cases() {
    return NnGoldens.json().getAsJsonArray("optimizers").asList().stream().map(JsonElement::getAsJsonObject);
  }

  @Test
  void everyGoldenTrajectoryIsChecked() {
    assertEquals(new ArrayList<>(OPTIMIZERS.keySet()), cases().map(c -> c.get("name").getAsString()).toList());
  }

  @TestFactory
  Stream<DynamicTest> trajectoriesMatchPyTorch() {
    return cases().map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> {
      String name = c.get("name").getAsString();
      List<Tensor> params = new ArrayList<>();
      for (int i = 0; i < c.get("params").getAsInt(); i++) params.add(new Parameter(tensor(name + "/param/" + i)));
      Optimizer opt = OPTIMIZERS.get(name).apply(params);
      for (int k = 0; k < c.get("steps").getAsInt(); k++) {
        opt.zeroGrad();
        for (int i = 0; i < params.size(); i++) params.get(i).setGrad(tensor(name + "/step/" + k + "/grad/" + i));
        opt.step();
        for (int i = 0; i < params.size(); i++)
          assertClose(tensor(name + "/step/" + k + "/param/" + i), params.get(i), 2e-6, 1e-7, name + " step " + k + " param " + i);
      }
    }));
  }
}
