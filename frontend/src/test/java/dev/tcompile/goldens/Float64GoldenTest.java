package dev.tcompile.goldens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.nn.F;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * float64 tensors against PyTorch 1.13 (goldens/float64.json, written by tools/goldens/float64.py): every op case
 * of ops.json and ops_ports.json recomputed with float64 leaves (values, dtypes, grad_fn, gradients), float64-only cases (losses,
 * promotion with float32 and scalars), printing, the float64 random streams, ranges and dtype-mismatch errors.
 */
class Float64GoldenTest {
  private static final String FILE = "float64.json";

  static {
    OpCalls.put("mse_loss", (x, a) -> F.mseLoss(x[0], x[1], a.get("reduction").getAsString()));
    OpCalls.put("nll_loss", (x, a) -> F.nllLoss(x[0], x[1], a.get("reduction").getAsString()));
    OpCalls.put("cross_entropy", (x, a) -> F.crossEntropy(x[0], x[1], a.get("reduction").getAsString()));
    OpCalls.put("prod", (x, a) -> x[0].prod());
    OpCalls.put("amax_dim", (x, a) -> x[0].amax(new int[]{a.get("dim").getAsInt()}, false));
    OpCalls.put("to_float32", (x, a) -> x[0].toFloat());
    OpCalls.put("to_float64", (x, a) -> x[0].toDouble());
    OpCalls.put("addmm", (x, a) -> F.linear(x[1], x[2].t(), x[0])); // F.linear of 2-d input with bias is addmm
    OpCalls.put("linear", (x, a) -> F.linear(x[0], x[1], x[2]));
    OpCalls.put("gelu", (x, a) -> F.gelu(x[0]));
    OpCalls.put("leaky_relu", (x, a) -> F.leakyRelu(x[0], a.get("slope").getAsDouble()));
    OpCalls.put("exp_", (x, a) -> x[0].clone().exp_());
    OpCalls.put("add_alpha", (x, a) -> x[0].add(x[1], a.get("alpha").getAsDouble()));
    OpCalls.put("sum_sq", (x, a) -> x[0].mul(x[0]).sum());
    OpCalls.put("layer_norm", (x, a) -> F.layerNorm(x[0], GoldenTensors.ints(a.getAsJsonArray("shape")), x[1], x[2], 1e-5));
    OpCalls.put("batch_norm_train", (x, a) -> F.batchNorm(x[0], null, null, x[1], x[2], true, 0.1, 1e-5));
    OpCalls.put("batch_norm_eval", (x, a) -> F.batchNorm(x[0], x[3], x[4], x[1], x[2], false, 0.1, 1e-5));
    OpCalls.put("bce", (x, a) -> F.binaryCrossEntropy(x[0].sigmoid(), x[1]));
    OpCalls.put("embedding", (x, a) -> F.embedding(x[1], x[0], a.get("pad").getAsInt()));
    OpCalls.put("addcmul_value", (x, a) -> x[0].addcmul(x[1], x[2], a.get("value").getAsDouble()));
    OpCalls.put("addcdiv_value", (x, a) -> x[0].addcdiv(x[1], x[2], a.get("value").getAsDouble()));
    OpCalls.put("cat_mixed", (x, a) -> Torch.cat(0, x[0], x[1]));
    OpCalls.put("stack_mixed", (x, a) -> Torch.stack(1, x[0], x[1]));
    OpCalls.put("cross_entropy_probs", (x, a) -> F.crossEntropy(x[0], x[1].softmax(1), null, -100, "mean", a.get("smoothing").getAsDouble()));
    OpCalls.put("bce_logits", (x, a) -> F.binaryCrossEntropyWithLogits(x[0], x[1]));
  }

  private static Stream<DynamicTest> cases(String section) {
    return GoldenFile.section(FILE, section).stream().map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> {
      try {
        OpsGoldenTest.check(c);
      } catch (RuntimeException e) {
        throw new AssertionError(c.get("name").getAsString() + ": " + e, e);
      }
    }));
  }

  @TestFactory Stream<DynamicTest> opsInFloat64MatchPyTorch() { return cases("cases"); }

  @TestFactory Stream<DynamicTest> float64ExtrasMatchPyTorch() { return cases("extra"); }

  @TestFactory
  Stream<DynamicTest> float64SecondDerivativesMatchPyTorch() {
    return GoldenFile.section(FILE, "double_backward").stream()
        .map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> DoubleBackwardGoldenTest.check(c)));
  }

  @TestFactory
  Stream<DynamicTest> float64PrintsAsPyTorch() {
    return GoldenFile.section(FILE, "printing").stream().map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> {
      Tensor t = GoldenTensors.dense(c.getAsJsonObject("tensor"));
      if (c.get("requires_grad").getAsBoolean()) {
        t.requiresGrad_(true);
        if (!c.get("grad_fn").isJsonNull()) t = t.mul(Torch.scalar(1, DType.FLOAT64)); // MulBackward0 on the same values
      }
      dev.tcompile.format.PrintOptions options = new dev.tcompile.format.PrintOptions(c.get("precision").getAsInt(), 1000, 3,
          c.get("linewidth").getAsInt(), c.get("sciMode").isJsonNull() ? null : c.get("sciMode").getAsBoolean());
      dev.tcompile.format.PrintOptions before = dev.tcompile.format.PrintOptions.set(options);
      try {
        assertEquals(c.get("expected").getAsString(), t.toString());
      } finally {
        dev.tcompile.format.PrintOptions.set(before);
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> float64RandomStreamsAsPyTorch() {
    return GoldenFile.section(FILE, "random").stream().map(c -> DynamicTest.dynamicTest("seed " + c.get("seed") + " " + c.get("shape"), () -> {
      int[] shape = GoldenTensors.ints(c.getAsJsonArray("shape"));
      Torch.manualSeed(c.get("seed").getAsLong());
      Tensor r = Torch.rand(DType.FLOAT64, shape), n = Torch.randn(DType.FLOAT64, shape), n2 = Torch.randn(DType.FLOAT64, shape);
      GoldenTensors.assertMatches("rand", c.getAsJsonObject("rand"), r, true);
      GoldenTensors.assertMatches("randn", c.getAsJsonObject("randn"), n, false); // within 1 ulp: see DoubleDistributions
      GoldenTensors.assertMatches("randn (second call)", c.getAsJsonObject("randn2"), n2, false);
    }));
  }

  @TestFactory
  Stream<DynamicTest> float64RangesAsPyTorch() {
    return GoldenFile.section(FILE, "ranges").stream().map(c -> DynamicTest.dynamicTest(c.get("kind").getAsString() + " " + c.get("args"), () -> {
      JsonArray a = c.getAsJsonArray("args");
      Tensor t = c.get("kind").getAsString().equals("arange")
          ? Torch.arange(a.get(0).getAsDouble(), a.get(1).getAsDouble(), a.get(2).getAsDouble(), DType.FLOAT64)
          : Torch.linspace(a.get(0).getAsDouble(), a.get(1).getAsDouble(), a.get(2).getAsInt(), DType.FLOAT64);
      GoldenTensors.assertMatches(c.get("kind").getAsString(), c.getAsJsonObject("result"), t, true);
    }));
  }

  @TestFactory
  Stream<DynamicTest> dtypeMismatchErrorsAsPyTorch() {
    Tensor a = Torch.ones(2, 2), b = Torch.ones(DType.FLOAT64, 2, 2);
    Map<String, Supplier<Object>> calls = Map.of(
        "mm_float_double", () -> a.mm(b),
        "mm_double_float", () -> b.mm(a),
        "matmul_float_double", () -> a.matmul(b),
        "bmm_float_double", () -> a.unsqueeze(0).bmm(b.unsqueeze(0)),
        "linear_float_double", () -> F.linear(a, b),
        "dot_float_double", () -> a.select(0, 0).dot(b.select(0, 0)),
        "mv_float_double", () -> a.mv(b.select(0, 0)),
        "nll_weight_float", () -> F.nllLoss(b, Torch.tensor(0L, 1L), Torch.ones(2), -100, "mean"));
    return GoldenFile.section(FILE, "errors").stream().map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> {
      Supplier<Object> call = calls.get(c.get("name").getAsString());
      TorchException e = assertThrows(TorchException.class, call::get);
      assertEquals(c.get("message").getAsString(), e.getMessage());
    }));
  }

  @Test
  void goldenFileCoversEveryOpsAndPortedOpsCase() {
    JsonObject f = GoldenFile.file(FILE);
    int ops = GoldenFile.section("cases").size(), ported = GoldenFile.section("ops_ports.json", "cases").size();
    assertEquals(ops + ported, f.getAsJsonArray("cases").size(), "float64.json recomputes every ops.json and ops_ports.json case");
  }
}
