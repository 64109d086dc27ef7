package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.vision.models.MnistNet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/** Bad inputs fail with the message PyTorch 1.13 gives for the same mistake. */
class ErrorMessageGoldenTest {
  private static final Map<String, Executable> CASES = new LinkedHashMap<>();

  private static Tensor zeros(int... s) { return Torch.zeros(s); }

  private static Map<String, Tensor> mnistState() { return new MnistNet().stateDict(); }

  static {
    CASES.put("conv_channels", () -> new Conv2d(1, 20, 5, 1).forward(zeros(64, 3, 28, 28)));
    CASES.put("conv_kernel_too_large", () -> new Conv2d(1, 2, 5).forward(zeros(1, 1, 4, 4)));
    CASES.put("conv_groups_weight", () -> F.conv2d(zeros(1, 4, 5, 5), zeros(3, 2, 3, 3), null, 1, 0, 1, 2));
    CASES.put("conv_input_dims", () -> F.conv2d(zeros(2, 3), zeros(1, 1, 1, 1)));
    CASES.put("conv_bias_size", () -> F.conv2d(zeros(1, 1, 3, 3), zeros(2, 1, 1, 1), zeros(3)));
    CASES.put("conv_in_channels_groups", () -> new Conv2d(3, 4, 3, 1, 0, 1, 2));
    CASES.put("conv_same_strided", () -> new Conv2d(Conv2d.options(3, 4, 3).stride(2).padding("same")));
    CASES.put("linear_shapes", () -> new Linear(784, 10).forward(zeros(1, 10)));
    CASES.put("linear_seed_message", () -> zeros(1, 784).matmul(zeros(10, 10)));
    CASES.put("maxpool_too_small", () -> F.maxPool2d(zeros(1, 1, 2, 2), 3));
    CASES.put("maxpool_pad", () -> F.maxPool2d(zeros(1, 1, 5, 5), new int[]{2, 2}, null, new int[]{2, 2}, new int[]{1, 1}, false));
    CASES.put("load_size_mismatch", () -> {
      Map<String, Tensor> sd = mnistState();
      sd.put("fc2.weight", zeros(10, 5));
      new MnistNet().loadStateDict(sd, true);
    });
    CASES.put("load_missing", () -> {
      Map<String, Tensor> sd = mnistState();
      sd.remove("fc2.bias");
      new MnistNet().loadStateDict(sd, true);
    });
    CASES.put("load_unexpected", () -> {
      Map<String, Tensor> sd = mnistState();
      sd.put("fc3.weight", zeros(1));
      sd.put("conv1.extra", zeros(1));
      new MnistNet().loadStateDict(sd, true);
    });
    CASES.put("nll_batch", () -> F.nllLoss(zeros(3, 5), Torch.zeros(DType.INT64, 4)));
    CASES.put("nll_target_bounds", () -> F.nllLoss(zeros(3, 5), Torch.tensor(0L, 5L, 1L)));
    CASES.put("cross_entropy_target_3d", () -> F.crossEntropy(zeros(2, 3, 4), Torch.zeros(DType.INT64, 2, 5)));
    CASES.put("bce_range", () -> F.binaryCrossEntropy(Torch.tensor(1.5f), Torch.tensor(1f)));
    CASES.put("bce_size", () -> F.binaryCrossEntropy(Torch.rand(3, 1), Torch.rand(3)));
    CASES.put("bce_logits_size", () -> F.binaryCrossEntropyWithLogits(Torch.rand(3, 1), Torch.rand(3)));
    CASES.put("layer_norm_shape", () -> F.layerNorm(zeros(3, 4), new int[]{5}));
    CASES.put("batch_norm_one_value", () -> new BatchNorm1d(4).forward(zeros(1, 4)));
    CASES.put("batch_norm_2d_dims", () -> new BatchNorm2d(4).forward(zeros(2, 4)));
    CASES.put("embedding_index", () -> new Embedding(3, 2).forward(Torch.tensor(3L)));
    CASES.put("pad_reflect_too_large", () -> F.pad(zeros(1, 1, 3, 3), new int[]{3, 3, 0, 0}, "reflect", 0));
    CASES.put("pad_odd", () -> F.pad(zeros(1, 1, 3, 3), new int[]{1, 2, 3}));
    CASES.put("rnn_input_size", () -> new RNN(4, 8).forward(zeros(3, 2, 5)));
    CASES.put("rnn_hidden_size", () -> new RNN(4, 8).forwardWithState(zeros(3, 2, 4), zeros(1, 3, 8)));
    CASES.put("lstm_cell_size", () -> new LSTM(4, 8).forwardWithState(zeros(3, 2, 4), zeros(1, 2, 8), zeros(1, 3, 8)));
    CASES.put("mha_embed_divisible", () -> new MultiheadAttention(8, 3));
    CASES.put("dropout_p", () -> new Dropout(1.5));
  }


  @Test
  void everyGoldenMessageIsChecked() {
    var keys = new ArrayList<>(NnGoldens.json().getAsJsonObject("errors").keySet());
    keys.removeAll(java.util.List.of("load_nonstrict_result", "load_all_matched"));
    assertEquals(keys, new ArrayList<>(CASES.keySet()));
  }

  @TestFactory
  Stream<DynamicTest> messagesMatchPyTorch() {
    return CASES.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
      String want = NnGoldens.json().getAsJsonObject("errors").get(e.getKey()).getAsString();
      assertEquals(want, assertThrows(TorchException.class, e.getValue()).getMessage());
    }));
  }

  /** PyTorch lists the modes from a Python set, whose order changes from run to run: no golden, the same content. */
  @Test
  void paddingModeMessageListsTheModes() {
    String msg = assertThrows(TorchException.class, () -> new Conv2d(Conv2d.options(3, 4, 3).paddingMode("zero"))).getMessage();
    assertTrue(msg.startsWith("padding_mode must be one of ") && msg.endsWith(", but got padding_mode='zero'"), msg);
    for (String m : new String[]{"'zeros'", "'reflect'", "'replicate'", "'circular'"}) assertTrue(msg.contains(m), msg);
  }

  @Test
  void nonStrictLoadReportsKeysAsPyTorch() {
    Map<String, Tensor> sd = mnistState();
    sd.remove("fc2.bias");
    sd.put("extra", zeros(1));
    var errors = NnGoldens.json().getAsJsonObject("errors");
    assertEquals(errors.get("load_nonstrict_result").getAsString(), new MnistNet().loadStateDict(sd, false).toString());
    assertEquals(errors.get("load_all_matched").getAsString(), new MnistNet().loadStateDict(mnistState(), true).toString());
  }
}
