package dev.tcompile.goldens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The ops ported programs needed beyond API.md section 1 (goldens/ops_ports.json from tools/goldens/ops_ports.py):
 * split/chunk/unbind/tensor_split, in-place unary forms, addcmul/addcdiv, alpha, rsub; errors; linspace bits;
 * Python's float repr; allclose/equal.
 */
class PortedOpsGoldenTest {
  private static final String FILE = "ops_ports.json";

  @TestFactory
  Stream<DynamicTest> casesMatchPyTorch() {
    return GoldenFile.section(FILE, "cases").stream().map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> {
      try {
        OpsGoldenTest.check(c);
      } catch (RuntimeException e) {
        throw new AssertionError(c.get("name").getAsString() + ": " + e, e);
      }
    }));
  }

  private static Tensor x(int... shape) { return Torch.randn(shape); }

  private static final Map<String, Supplier<Object>> ERRORS = Map.of(
      "chunk_zero", () -> x(5, 3).chunk(0),
      "split_sizes_sum", () -> x(5, 3).split(new int[]{1, 2}, 0),
      "split_zero", () -> x(5, 3).split(0),
      "unbind_dim", () -> x(5, 3).unbind(2),
      "tensor_split_zero", () -> x(5, 3).tensorSplit(0, 0),
      "view_as_size", () -> x(5, 3).viewAs(x(4)),
      "addcdiv_int", () -> Torch.ones(dev.tcompile.DType.INT64, 3).addcdiv(Torch.ones(dev.tcompile.DType.INT64, 3), Torch.ones(dev.tcompile.DType.INT64, 3)),
      "add_alpha_int_float", () -> Torch.ones(dev.tcompile.DType.INT64, 3).add(Torch.ones(dev.tcompile.DType.INT64, 3), 0.5),
      "exp_int64", () -> Torch.ones(dev.tcompile.DType.INT64, 3).exp_(),
      "allclose_dtype", () -> x(3).allclose(Torch.ones(dev.tcompile.DType.INT64, 3)));

  @TestFactory
  Stream<DynamicTest> errorsMatchPyTorch() {
    return GoldenFile.section(FILE, "errors").stream().map(e -> DynamicTest.dynamicTest(e.get("name").getAsString(), () -> {
      Supplier<Object> call = ERRORS.get(e.get("name").getAsString());
      TorchException ex = assertThrows(TorchException.class, call::get);
      assertEquals(e.get("message").getAsString(), ex.getMessage());
    }));
  }

  @TestFactory
  Stream<DynamicTest> linspaceIsBitExact() {
    return GoldenFile.section(FILE, "linspace").stream().map(c -> DynamicTest.dynamicTest(c.toString().substring(0, 40), () -> {
      Tensor t = Torch.linspace(c.get("start").getAsDouble(), c.get("end").getAsDouble(), c.get("steps").getAsInt());
      int[] want = GoldenTensors.ints(c.getAsJsonArray("values"));
      float[] got = t.toFloatArray();
      int[] gotBits = new int[got.length];
      for (int i = 0; i < got.length; i++) gotBits[i] = Float.floatToRawIntBits(got[i]);
      assertArrayEquals(want, gotBits);
    }));
  }

  @TestFactory
  Stream<DynamicTest> pyReprMatchesPython() {
    return GoldenFile.section(FILE, "repr").stream().map(c -> DynamicTest.dynamicTest(c.get("repr").getAsString(), () ->
        assertEquals(c.get("repr").getAsString(), Torch.pyRepr(Double.longBitsToDouble(c.get("bits").getAsLong())))));
  }

  private static final Map<String, Supplier<Boolean>> BOOLS = Map.of(
      "allclose_close", () -> a().allclose(a().add(1e-6)),
      "allclose_far", () -> a().allclose(a().add(1e-3)),
      "allclose_nan", () -> Torch.tensor(Float.NaN).allclose(Torch.tensor(Float.NaN)),
      "allclose_nan_equal", () -> Torch.tensor(Float.NaN).allclose(Torch.tensor(Float.NaN), 1e-5, 1e-8, true),
      "allclose_bcast", () -> Torch.ones(2, 3).allclose(Torch.ones(3)),
      "allclose_rtol", () -> Torch.tensor(100f).allclose(Torch.tensor(101f), 0.01, 1e-8, false),
      "equal_same", () -> a().equal(a().clone()),
      "equal_shape", () -> Torch.ones(2).equal(Torch.ones(3)),
      "equal_value", () -> Torch.ones(2).equal(Torch.tensor(1f, 2f)));

  private static Tensor a() { return Torch.tensor(1f, 2f, Float.POSITIVE_INFINITY, 0f); }

  @TestFactory
  Stream<DynamicTest> allcloseAndEqualMatchPyTorch() {
    return GoldenFile.section(FILE, "bool_results").stream().map((JsonObject c) -> DynamicTest.dynamicTest(c.get("name").getAsString(), () ->
        assertEquals(c.get("value").getAsBoolean(), BOOLS.get(c.get("name").getAsString()).get())));
  }
}
