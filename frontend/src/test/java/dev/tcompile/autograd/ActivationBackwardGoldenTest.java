package dev.tcompile.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.CompiledFn;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.Pointwise;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Gradients through tanh and sigmoid have PyTorch 1.13's bits: its tanh_backward rounds {@code 1 - y*y} once
 * (a fused multiply-add) and its sigmoid_backward computes {@code (g * (1 - y)) * y}; goldens from
 * tools/goldens/activation_backward.py. Eager autograd and compiled code (both backends) use those formulas.
 */
class ActivationBackwardGoldenTest {
  private static final JsonObject G;
  private static final dev.tcompile.DType F32 = dev.tcompile.DType.FLOAT32;

  static {
    try (var in = ActivationBackwardGoldenTest.class.getResourceAsStream("/goldens/activation_backward.json")) {
      G = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static float[] floats(String key) {
    JsonArray a = G.getAsJsonArray(key);
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) f[i] = Float.intBitsToFloat(a.get(i).getAsInt());
    return f;
  }

  private static int[] bits(float[] f) {
    int[] b = new int[f.length];
    for (int i = 0; i < f.length; i++) b[i] = Float.floatToRawIntBits(f[i]);
    return b;
  }

  private static int[] bits(String key) {
    JsonArray a = G.getAsJsonArray(key);
    int[] b = new int[a.size()];
    for (int i = 0; i < b.length; i++) b[i] = a.get(i).getAsInt();
    return b;
  }

  @Test void theBackwardFormulasGivePyTorchsKernelsBits() {
    int n = G.get("n").getAsInt();
    NDArray g = NDArray.wrap(floats("g"), n), ty = NDArray.wrap(floats("tanh_y"), n), sy = NDArray.wrap(floats("sigmoid_y"), n);
    NDArray tanh = Pointwise.binary(BinaryOp.MUL, g, Pointwise.unary(UnaryOp.ONE_MINUS_SQUARE, ty), F32);
    assertArrayEquals(bits("tanh_backward"), bits(tanh.toFloatArray()));
    NDArray one = NDArray.wrap(new float[]{1f});
    NDArray sig = Pointwise.binary(BinaryOp.MUL, Pointwise.binary(BinaryOp.MUL, g, Pointwise.binary(BinaryOp.SUB, one, sy, F32), F32), sy, F32);
    assertArrayEquals(bits("sigmoid_backward"), bits(sig.toFloatArray()));
  }

  /** Autograd through tanh and sigmoid, eager and compiled on both backends, computes exactly those formulas. */
  @Test void autogradThroughTanhAndSigmoidUsesThem() {
    int n = G.get("n").getAsInt();
    float[] gv = floats("g");
    Torch.manualSeed(5);
    Tensor x0 = Torch.randn(n).mul(3);
    for (String backend : new String[]{"eager", "INTERPRETER", "BYTECODE"}) {
      for (boolean tanh : new boolean[]{true, false}) {
        Tensor x = x0.detach().requiresGrad_(true), g = Torch.fromArray(gv, n);
        dev.tcompile.TensorFn fn = xs -> (tanh ? xs[0].tanh() : xs[0].sigmoid()).mul(g).sum();
        Tensor loss = backend.equals("eager") ? fn.apply(new Tensor[]{x})
            : Torch.compile(fn, new dev.tcompile.CompileOptions().backend(dev.tcompile.CompileOptions.Backend.valueOf(backend))).apply(x);
        loss.backward();
        float[] y = (tanh ? x0.tanh() : x0.sigmoid()).toFloatArray(), want = new float[n];
        for (int i = 0; i < n; i++)
          want[i] = tanh ? gv[i] * Math.fma(-y[i], y[i], 1f) : (gv[i] * (1f - y[i])) * y[i];
        assertArrayEquals(bits(want), bits(x.grad().toFloatArray()), backend + (tanh ? " tanh" : " sigmoid"));
      }
    }
  }
}
