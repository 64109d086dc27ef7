package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tcompile.Autograd;
import dev.tcompile.CompileOptions;
import dev.tcompile.GradFn;
import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Torch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Circular padding records PyTorch 1.13's graph (the copies of _pad_circular) when a gradient is recorded, and its
 * gradient has PyTorch's bits; without recording, and compiled, it is the one pad op with the same values.
 */
class CircularPadGraphTest {
  private static final int[] PAD = {2, 1, 1, 2};

  /** {@code (torch.arange(80.) * 0.37 - 7.1).view(2, 2, 4, 5)}. */
  private static Tensor x() { return Torch.arange(80L).toFloat().mul(0.37).sub(7.1).view(2, 2, 4, 5).detach().requiresGrad_(true); }

  /** {@code (torch.arange(224.) * 0.013 - 0.7).view(2, 2, 7, 8)}. */
  private static Tensor upstream() { return Torch.arange(224L).toFloat().mul(0.013).sub(0.7).view(2, 2, 7, 8); }

  /** PyTorch 1.13: {@code torch.autograd.grad(F.pad(x, [2, 1, 1, 2], mode='circular'), x, upstream)}, float bits. */
  private static final int[] PYTORCH_GRAD_BITS = {
      -1079462855, -1087197152, -1087633360, -1078590440, -1079026647, -1083774602, -1090854585, -1091727000,
      -1082080101, -1082902186, -1087851463, -1095585760, -1096021968, -1086979048, -1087415256, -1075973195,
      -1083707490, -1084143698, -1075100779, -1075536987, 1070336050, 1061293131, 1061729339, 1069463636, 1069899842,
      1073783768, 1064782792, 1065219000, 1072953296, 1073389504, 1061947442, 1052904522, 1053340730, 1061075026,
      1061511234, 1066846390, 1057803469, 1058239677, 1065973974, 1066410182, 1083191592, 1074639405, 1074748457,
      1082973488, 1083082540, 1084064006, 1075511820, 1075620872, 1083845902, 1083954954, 1074802984, 1066250798,
      1066359850, 1074584880, 1074693932, 1082319176, 1073766990, 1073876042, 1082071712, 1082210124, 1089298498,
      1080746312, 1080855364, 1089080394, 1089189446, 1090170913, 1081618727, 1081727779, 1089952809, 1090061861,
      1080909890, 1072357704, 1072466756, 1080691786, 1080800838, 1088426082, 1079873896, 1079982948, 1088207978,
      1088317030};

  private static int[] bits(Tensor t) {
    float[] f = t.toFloatArray();
    int[] b = new int[f.length];
    for (int i = 0; i < f.length; i++) b[i] = Float.floatToRawIntBits(f[i]);
    return b;
  }

  @Test void recordsPyTorchsCopiesAndItsGradientBits() {
    Tensor x = x(), y = F.pad(x, PAD, "circular", 0);
    GradFn fn = y.gradFn();
    assertEquals("CopySlices", fn.name());
    List<String> next = fn.nextFunctions().stream().map(f -> f == null ? "null" : f.name()).toList();
    assertEquals(List.of("CopySlices", "SliceBackward0"), next);
    assertArrayEquals(PYTORCH_GRAD_BITS, bits(Autograd.grad(new Tensor[]{y}, new Tensor[]{x}, new Tensor[]{upstream()}, false, false)[0]));
    try (var off = Torch.noGrad()) {
      Tensor plain = F.pad(x, PAD, "circular", 0);
      assertNull(plain.gradFn());
      assertArrayEquals(bits(y.detach()), bits(plain), "the copies give the pad op's values");
    }
  }

  /** Infinite gradients stay infinite, and overwritten borders contribute nothing (no inf - inf): PyTorch's values. */
  @Test void infiniteGradientsAsPyTorch() {
    Tensor x = Torch.zeros(1, 1, 3, 4).requiresGrad_(true);
    float inf = Float.POSITIVE_INFINITY;
    float[] u = new float[35];
    java.util.Arrays.fill(u, 1f);
    u[0] = inf;            // [0, 0]: a corner
    u[2 * 7 + 1] = -inf;   // [2, 1]: a left border
    u[4 * 7 + 6] = inf;    // [4, 6]: a corner
    u[2 * 7 + 3] = inf;    // [2, 3]: the middle
    Tensor up = Torch.tensor(u).view(1, 1, 5, 7);
    Tensor g = Autograd.grad(new Tensor[]{F.pad(x, new int[]{2, 1, 1, 1}, "circular", 0)}, new Tensor[]{x}, new Tensor[]{up}, false, false)[0];
    // PyTorch 1.13: [[inf, 2, 4, 4], [2, inf, 2, -inf], [4, 2, inf, 4]]
    assertArrayEquals(new float[]{inf, 2, 4, 4, 2, inf, 2, -inf, 4, 2, inf, 4}, g.toFloatArray());
  }

  /** Compiled, padding is one op whose backward kernel gives the eager gradient. */
  @Test void compiledPaddingIsOneOpWithTheEagerGradient() {
    TensorFn fn = t -> F.pad(t[0], PAD, "circular", 0).mul(t[0].sum());
    Tensor x = x();
    Tensor eager = Autograd.grad(new Tensor[]{fn.apply(x)}, new Tensor[]{x}, new Tensor[]{upstream()}, false, false)[0];
    assertEquals(1, Torch.trace(fn, x).toString().split("pad\\(", -1).length - 1);
    for (CompileOptions.Backend b : CompileOptions.Backend.values()) {
      Tensor out = Torch.compile(fn, new CompileOptions().backend(b)).apply(x);
      Tensor compiled = Autograd.grad(new Tensor[]{out}, new Tensor[]{x}, new Tensor[]{upstream()}, false, false)[0];
      float[] e = eager.toFloatArray(), c = compiled.toFloatArray();
      for (int i = 0; i < e.length; i++) assertEquals(e[i], c[i], 1e-5f * Math.max(1, Math.abs(e[i])), b + " element " + i);
    }
  }
}
