package dev.tcompile.nn;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;

/**
 * {@code torch.nn.init}: in-place initialisers, run without recording gradients. Bounds and gains are
 * PyTorch's, computed in double; the values come from the default generator in the order PyTorch draws them.
 */
public final class Init {
  private Init() {}

  /** {@code calculate_gain(nonlinearity, param)}; param is leaky_relu's negative slope (null: 0.01). */
  public static double calculateGain(String nonlinearity, Double param) {
    return switch (nonlinearity) {
      case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid" -> 1;
      case "tanh" -> 5.0 / 3;
      case "relu" -> Math.sqrt(2.0);
      case "leaky_relu" -> {
        double slope = param == null ? 0.01 : param;
        yield Math.sqrt(2.0 / (1 + slope * slope));
      }
      case "selu" -> 3.0 / 4;
      default -> throw new TorchException("Unsupported nonlinearity " + nonlinearity);
    };
  }

  /** {fan_in, fan_out}: size(1) and size(0) times the receptive field (the product of the remaining dims). */
  static int[] fans(Tensor t) {
    if (t.dim() < 2) throw new TorchException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
    int receptive = 1;
    for (int i = 2; i < t.dim(); i++) receptive *= t.size(i);
    return new int[]{t.size(1) * receptive, t.size(0) * receptive};
  }

  static int fan(Tensor t, String mode) {
    return switch (mode) {
      case "fan_in" -> fans(t)[0];
      case "fan_out" -> fans(t)[1];
      default -> throw new TorchException("Mode " + mode + " not supported, please use one of fan_in, fan_out");
    };
  }

  public static Tensor uniform_(Tensor t, double a, double b) {
    try (var g = Torch.noGrad()) { return t.uniform_(a, b); }
  }

  public static Tensor normal_(Tensor t, double mean, double std) {
    try (var g = Torch.noGrad()) { return t.normal_(mean, std); }
  }

  public static Tensor constant_(Tensor t, double value) {
    try (var g = Torch.noGrad()) { return t.fill_(value); }
  }

  public static Tensor zeros_(Tensor t) { return constant_(t, 0); }
  public static Tensor ones_(Tensor t) { return constant_(t, 1); }

  public static Tensor kaimingUniform_(Tensor t) { return kaimingUniform_(t, 0, "fan_in", "leaky_relu"); }

  /** U(-b, b) with {@code b = gain * sqrt(3 / fan)}. */
  public static Tensor kaimingUniform_(Tensor t, double a, String mode, String nonlinearity) {
    if (t.numel() == 0) return t;
    double std = calculateGain(nonlinearity, a) / Math.sqrt(fan(t, mode));
    double bound = Math.sqrt(3.0) * std;
    return uniform_(t, -bound, bound);
  }

  public static Tensor kaimingNormal_(Tensor t) { return kaimingNormal_(t, 0, "fan_in", "leaky_relu"); }

  /** N(0, std^2) with {@code std = gain / sqrt(fan)}. */
  public static Tensor kaimingNormal_(Tensor t, double a, String mode, String nonlinearity) {
    if (t.numel() == 0) return t;
    return normal_(t, 0, calculateGain(nonlinearity, a) / Math.sqrt(fan(t, mode)));
  }

  public static Tensor xavierUniform_(Tensor t) { return xavierUniform_(t, 1); }

  /** U(-a, a) with {@code a = gain * sqrt(6 / (fan_in + fan_out))}. */
  public static Tensor xavierUniform_(Tensor t, double gain) {
    int[] f = fans(t);
    double std = gain * Math.sqrt(2.0 / (f[0] + f[1]));
    double a = Math.sqrt(3.0) * std;
    return uniform_(t, -a, a);
  }

  public static Tensor xavierNormal_(Tensor t) { return xavierNormal_(t, 1); }

  public static Tensor xavierNormal_(Tensor t, double gain) {
    int[] f = fans(t);
    return normal_(t, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])));
  }

  /** The default of Linear and Conv layers: weight kaiming_uniform_(a=sqrt(5)), bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
  static void defaultLayerInit(Tensor weight, Tensor biasOrNull) {
    kaimingUniform_(weight, Math.sqrt(5), "fan_in", "leaky_relu");
    if (biasOrNull != null) {
      int fanIn = fans(weight)[0];
      double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(biasOrNull, -bound, bound);
    }
  }
}
