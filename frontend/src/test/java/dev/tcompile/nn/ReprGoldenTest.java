package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
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

/** {@code print(module)} and {@code state_dict().keys()} exactly as PyTorch prints them. */
class ReprGoldenTest {
  private static final Map<String, Supplier<Module>> MODULES = new LinkedHashMap<>();

  static {
    MODULES.put("conv_seed_m1", () -> new Conv2d(16, 33, 3, 2));
    MODULES.put("conv_seed_m3", () -> new Conv2d(16, 33, new int[]{3, 5}, new int[]{2, 1}, new int[]{4, 2}));
    MODULES.put("conv_seed_m4", () -> new Conv2d(16, 33, new int[]{3, 5}, new int[]{2, 1}, new int[]{4, 2}, new int[]{3, 1}));
    MODULES.put("conv_mnist", () -> new Conv2d(1, 20, 5, 1));
    MODULES.put("conv_groups_nobias_reflect", () -> new Conv2d(4, 6, 3, 1, 1, 1, 2, false, "reflect"));
    MODULES.put("conv_same", () -> new Conv2d(Conv2d.options(2, 3, 3).padding("same")));
    MODULES.put("linear", () -> new Linear(784, 10));
    MODULES.put("linear_nobias", () -> new Linear(4, 3, false));
    MODULES.put("maxpool", () -> new MaxPool2d(2));
    MODULES.put("maxpool_tuple", () -> new MaxPool2d(new int[]{2, 3}, new int[]{1, 2}, new int[]{1, 1}, new int[]{2, 2}, true));
    MODULES.put("avgpool", () -> new AvgPool2d(3, 2, 1, false, true));
    MODULES.put("adaptive", () -> new AdaptiveAvgPool2d(1));
    MODULES.put("adaptive_tuple", () -> new AdaptiveAvgPool2d(new int[]{3, 2}));
    MODULES.put("zeropad", () -> new ZeroPad2d(2));
    MODULES.put("relu", ReLU::new);
    MODULES.put("relu_inplace", () -> new ReLU(true));
    MODULES.put("leaky", () -> new LeakyReLU(0.01));
    MODULES.put("sigmoid", Sigmoid::new);
    MODULES.put("tanh", Tanh::new);
    MODULES.put("gelu", GELU::new);
    MODULES.put("softmax", () -> new Softmax(1));
    MODULES.put("log_softmax", () -> new LogSoftmax(1));
    MODULES.put("dropout", () -> new Dropout(0.5));
    MODULES.put("dropout_small", () -> new Dropout(1e-5));
    MODULES.put("batchnorm1d", () -> new BatchNorm1d(4));
    MODULES.put("batchnorm2d", () -> new BatchNorm2d(3, 1e-3, null, false, true));
    MODULES.put("layernorm", () -> new LayerNorm(5));
    MODULES.put("layernorm_2d", () -> new LayerNorm(new int[]{4, 5}, 1e-6, false));
    MODULES.put("flatten", Flatten::new);
    MODULES.put("identity", Identity::new);
    MODULES.put("embedding", () -> new Embedding(10, 4));
    MODULES.put("embedding_pad", () -> new Embedding(10, 4, -1));
    MODULES.put("sequential", () -> new Sequential(new Linear(4, 3), new ReLU(), new Sequential(new Conv2d(1, 2, 3), new Tanh())));
    MODULES.put("modulelist", () -> new ModuleList(List.of(new ReLU(), new Linear(2, 3))));
    MODULES.put("rnn", () -> new RNN(4, 8));
    MODULES.put("rnn_full", () -> new RNN(4, 8, 2, "relu", false, true, 0.5, true));
    MODULES.put("lstm", () -> new LSTM(4, 8));
    MODULES.put("gru", () -> new GRU(4, 8, 3));
    MODULES.put("mha", () -> new MultiheadAttention(8, 2));
    MODULES.put("transformer_encoder_layer", () -> new TransformerEncoderLayer(8, 2));
    MODULES.put("cosine", () -> new CosineSimilarity(1));
    MODULES.put("pairwise", () -> new PairwiseDistance(2));
    MODULES.put("cross_entropy", CrossEntropyLoss::new);
    MODULES.put("nll", NLLLoss::new);
    MODULES.put("mse", MSELoss::new);
    MODULES.put("l1", L1Loss::new);
    MODULES.put("bce", BCELoss::new);
    MODULES.put("bce_logits", BCEWithLogitsLoss::new);
    MODULES.put("mnist_net", MnistNet::new);
  }

  private static final Map<String, Supplier<Module>> STATE_DICTS = new LinkedHashMap<>();

  static {
    STATE_DICTS.put("mnist_net", MnistNet::new);
    STATE_DICTS.put("batchnorm2d", () -> new BatchNorm2d(3));
    STATE_DICTS.put("lstm_deep_bidir", () -> new LSTM(4, 8, 2, true, false, 0, true));
    STATE_DICTS.put("mha", () -> new MultiheadAttention(8, 2));
    STATE_DICTS.put("transformer_encoder_layer", () -> new TransformerEncoderLayer(8, 2));
    STATE_DICTS.put("cross_entropy_weighted", () -> new CrossEntropyLoss(Torch.ones(3), -100, "mean", 0));
    STATE_DICTS.put("sequential_nested", () -> new Sequential(new Linear(4, 3), new Sequential(new BatchNorm1d(3), new Linear(3, 2))));
  }

  @Test
  void everyGoldenIsCovered() {
    assertEquals(new ArrayList<>(NnGoldens.json().getAsJsonObject("reprs").keySet()), new ArrayList<>(MODULES.keySet()));
    assertEquals(new ArrayList<>(NnGoldens.json().getAsJsonObject("state_dict_keys").keySet()), new ArrayList<>(STATE_DICTS.keySet()));
  }

  @TestFactory
  Stream<DynamicTest> modulesPrintAsPyTorch() {
    return MODULES.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () ->
        assertEquals(NnGoldens.json().getAsJsonObject("reprs").get(e.getKey()).getAsString(), e.getValue().get().toString())));
  }

  @TestFactory
  Stream<DynamicTest> stateDictKeysAsPyTorch() {
    return STATE_DICTS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
      List<String> want = NnGoldens.json().getAsJsonObject("state_dict_keys").getAsJsonArray(e.getKey()).asList().stream()
          .map(JsonElement::getAsString).toList();
      assertEquals(want, new ArrayList<>(e.getValue().get().stateDict().keySet()));
    }));
  }
}
