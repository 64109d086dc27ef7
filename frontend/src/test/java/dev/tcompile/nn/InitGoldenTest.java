package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.vision.models.MnistNet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Default initialisation under {@code Torch.manualSeed(s)} gives, bit for bit, the parameters PyTorch's
 * constructors give under {@code torch.manual_seed(s)}: same draws, same order, same bounds.
 */
class InitGoldenTest {
  private static final Map<String, Supplier<Module>> MODULES = new LinkedHashMap<>();

  static {
    MODULES.put("linear", () -> new Linear(5, 3));
    MODULES.put("conv", () -> new Conv2d(3, 4, 3));
    MODULES.put("conv_groups_nobias", () -> new Conv2d(Conv2d.options(4, 6, new int[]{2, 3}).groups(2).bias(false)));
    MODULES.put("embedding", () -> new Embedding(10, 4));
    MODULES.put("embedding_pad", () -> new Embedding(10, 4, 1));
    MODULES.put("rnn_deep_bidir", () -> new RNN(4, 5, 2, "tanh", true, false, 0, true));
    MODULES.put("lstm", () -> new LSTM(3, 4));
    MODULES.put("gru", () -> new GRU(3, 4));
    MODULES.put("mha", () -> new MultiheadAttention(8, 2));
    MODULES.put("transformer_encoder_layer", () -> new TransformerEncoderLayer(8, 2, 16, 0.1, "relu", 1e-5, false, false));
    MODULES.put("mnist_net", MnistNet::new);
  }

  private static JsonObject init() { return NnGoldens.json().getAsJsonObject("init"); }

  @Test
  void everyGoldenModuleIsBuilt() {
    List<String> names = init().getAsJsonArray("modules").asList().stream().map(e -> e.getAsJsonObject().get("name").getAsString()).toList();
    assertEquals(names, new ArrayList<>(MODULES.keySet()));
  }

  @TestFactory
  Stream<DynamicTest> defaultInitialisationMatchesPyTorch() {
    return init().getAsJsonArray("modules").asList().stream().map(JsonElement::getAsJsonObject).map(c -> {
      String name = c.get("name").getAsString();
      return DynamicTest.dynamicTest(name, () -> {
        Torch.manualSeed(c.get("seed").getAsLong());
        Map<String, Tensor> state = MODULES.get(name).get().stateDict();
        for (var e : state.entrySet())
          assertArrayEquals(NnGoldens.tensor("init/" + name + "/" + e.getKey()).toFloatArray(), e.getValue().toFloatArray(), name + "." + e.getKey());
      });
    });
  }

  @Test
  void initFunctionsDrawAsPyTorch() {
    Torch.manualSeed(5);
    Tensor w = Torch.empty(6, 4, 3);
    Runnable[] steps = {
      () -> Init.kaimingUniform_(w, 0.1, "fan_out", "leaky_relu"),
      () -> Init.kaimingNormal_(w, 0, "fan_in", "relu"),
      () -> Init.xavierUniform_(w, 2.0),
      () -> Init.xavierNormal_(w),
      () -> Init.uniform_(w, -2, 3),
      () -> Init.normal_(w, 1, 0.5),
    };
    List<JsonElement> names = init().getAsJsonArray("functions").asList();
    for (int i = 0; i < steps.length; i++) {
      steps[i].run();
      String name = names.get(i).getAsString();
      assertArrayEquals(NnGoldens.tensor("init/functions/" + name).toFloatArray(), w.toFloatArray(), name);
    }
  }
}
