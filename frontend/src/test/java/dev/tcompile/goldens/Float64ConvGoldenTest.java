package dev.tcompile.goldens;

import com.google.gson.JsonObject;
import dev.tcompile.Tensor;
import dev.tcompile.nn.F;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * float64 convolution, pooling and padding against PyTorch 1.13 (goldens/float64_conv.json, written by
 * tools/goldens/float64_conv.py): values, indices, grad_fn and gradients for strides, padding, dilation, groups,
 * ceil_mode, count_include_pad, adaptive average pooling and each padding mode. The double kernels sum in another order than PyTorch's
 * im2col product, so values are compared within 1e-12 relative (GoldenTensors' float64 tolerance), not bit for bit.
 */
class Float64ConvGoldenTest {
  private static final String FILE = "float64_conv.json";

  private static int[] ints(JsonObject a, String k) { return GoldenTensors.ints(a.getAsJsonArray(k)); }

  static {
    OpCalls.put("conv2d", (x, a) -> F.conv2d(x[0], x[1], x.length == 3 ? x[2] : null, ints(a, "stride"), ints(a, "padding"),
        ints(a, "dilation"), a.get("groups").getAsInt()));
    OpCalls.put("max_pool2d", (x, a) -> {
      Tensor.ValuesIndices r = F.maxPool2dWithIndices(x[0], ints(a, "kernel_size"), ints(a, "stride"), ints(a, "padding"),
          ints(a, "dilation"), a.get("ceil_mode").getAsBoolean());
      return new Tensor[]{r.values(), r.indices()};
    });
    OpCalls.put("avg_pool2d", (x, a) -> F.avgPool2d(x[0], ints(a, "kernel_size"), ints(a, "stride"), ints(a, "padding"),
        a.get("ceil_mode").getAsBoolean(), a.get("count_include_pad").getAsBoolean()));
    OpCalls.put("adaptive_avg_pool2d", (x, a) -> F.adaptiveAvgPool2d(x[0], ints(a, "output_size")));
    OpCalls.put("pad", (x, a) -> F.pad(x[0], ints(a, "pad"), a.get("mode").getAsString(), a.get("value").getAsDouble()));
  }

  @TestFactory
  Stream<DynamicTest> convPoolPadInFloat64MatchPyTorch() {
    return GoldenFile.section(FILE, "cases").stream().map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> {
      try {
        OpsGoldenTest.check(c);
      } catch (RuntimeException e) {
        throw new AssertionError(c.get("name").getAsString() + ": " + e, e);
      }
    }));
  }
}
