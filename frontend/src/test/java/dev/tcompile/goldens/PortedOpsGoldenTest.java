package dev.tcompile.goldens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import dev.tcompile.DType;
import dev.tcompile.Idx;
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

  private static final Map<String, Supplier<Object>> ERRORS = new java.util.HashMap<>();

  private static Tensor i64(long... v) { return Torch.tensor(v); }

  static {
    ERRORS.put("chunk_zero", () -> x(5, 3).chunk(0));
    ERRORS.put("split_sizes_sum", () -> x(5, 3).split(new int[]{1, 2}, 0));
    ERRORS.put("split_zero", () -> x(5, 3).split(0));
    ERRORS.put("unbind_dim", () -> x(5, 3).unbind(2));
    ERRORS.put("tensor_split_zero", () -> x(5, 3).tensorSplit(0, 0));
    ERRORS.put("view_as_size", () -> x(5, 3).viewAs(x(4)));
    ERRORS.put("addcdiv_int", () -> Torch.ones(DType.INT64, 3).addcdiv(Torch.ones(DType.INT64, 3), Torch.ones(DType.INT64, 3)));
    ERRORS.put("add_alpha_int_float", () -> Torch.ones(DType.INT64, 3).add(Torch.ones(DType.INT64, 3), 0.5));
    ERRORS.put("exp_int64", () -> Torch.ones(DType.INT64, 3).exp_());
    ERRORS.put("allclose_dtype", () -> x(3).allclose(Torch.ones(DType.INT64, 3)));
    ERRORS.put("index_out_of_range", () -> x(4, 3).index(Idx.at(5)));
    ERRORS.put("index_too_many", () -> x(4, 3).index(Idx.at(0), Idx.at(0), Idx.at(0)));
    ERRORS.put("index_tensor_out_of_range", () -> x(4, 3).index(i64(0, 7)));
    ERRORS.put("index_broadcast", () -> x(4, 3).index(Idx.tensor(i64(0, 1)), Idx.tensor(i64(0, 1, 2))));
    ERRORS.put("index_mask_shape", () -> x(4, 3).index(Torch.ones(DType.BOOL, 3)));
    ERRORS.put("index_float_tensor", () -> x(4, 3).index(Torch.tensor(0.5f)));
    ERRORS.put("index_negative_step", () -> x(4, 3).index(Idx.slice(null, null, -1)));
    ERRORS.put("index_put_dtype", () -> x(4, 3).indexPut_(new Tensor[]{i64(0)}, Torch.ones(DType.INT64, 3), false));
    ERRORS.put("index_put_shape", () -> x(4, 3).indexPut_(new Tensor[]{i64(0)}, Torch.ones(2), false));
  }

  @TestFactory
  Stream<DynamicTest> errorsMatchPyTorch() {
    return GoldenFile.section(FILE, "errors").stream().map(e -> DynamicTest.dynamicTest(e.get("name").getAsString(), () -> {
      Supplier<Object> call = ERRORS.get(e.get("name").getAsString());
      if (call == null) throw new AssertionError("no Java call for golden error " + e.get("name"));
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
