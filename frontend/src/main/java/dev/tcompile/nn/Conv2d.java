package dev.tcompile.nn;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.List;

/**
 * {@code nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
 * padding_mode='zeros')}. Each of kernel/stride/padding/dilation is an int or an {@code int[2]}; padding may
 * also be "valid" or "same" (through {@link Options}). Padding modes other than zeros pad explicitly first,
 * as PyTorch does.
 */
public class Conv2d extends Module {
  private static final List<String> PADDING_MODES = List.of("zeros", "reflect", "replicate", "circular");

  private final int inChannels, outChannels, groups;
  private final int[] kernelSize, stride, padding, dilation;
  private final String paddingString, paddingMode;
  /** F.pad's argument for the non-zeros padding modes: (left, right, top, bottom). */
  private final int[] reversedPaddingTwice;
  private final Parameter weight, bias;

  /** The long form: {@code new Conv2d(Conv2d.options(16, 33, 3).stride(2, 1).padding(4, 2))}. */
  public static Options options(int inChannels, int outChannels, int kernelSize) {
    return new Options(inChannels, outChannels, F.pair(kernelSize));
  }

  public static Options options(int inChannels, int outChannels, int[] kernelSize) {
    return new Options(inChannels, outChannels, kernelSize.clone());
  }

  /** Builder of every Conv2d argument, with PyTorch's defaults. */
  public static final class Options {
    final int inChannels, outChannels;
    final int[] kernelSize;
    int[] stride = {1, 1}, padding = {0, 0}, dilation = {1, 1};
    String paddingString;
    int groups = 1;
    boolean bias = true;
    String paddingMode = "zeros";

    public Options(int inChannels, int outChannels, int[] kernelSize) {
      this.inChannels = inChannels;
      this.outChannels = outChannels;
      this.kernelSize = kernelSize.clone();
    }

    public Options stride(int s) { return stride(s, s); }
    public Options stride(int sh, int sw) { stride = new int[]{sh, sw}; return this; }
    public Options padding(int p) { return padding(p, p); }
    public Options padding(int ph, int pw) { padding = new int[]{ph, pw}; paddingString = null; return this; }
    /** "valid" (no padding) or "same" (output as large as the input; stride 1 only). */
    public Options padding(String p) { paddingString = p; return this; }
    public Options dilation(int d) { return dilation(d, d); }
    public Options dilation(int dh, int dw) { dilation = new int[]{dh, dw}; return this; }
    public Options groups(int g) { groups = g; return this; }
    public Options bias(boolean b) { bias = b; return this; }
    public Options paddingMode(String m) { paddingMode = m; return this; }
  }

  public Conv2d(int in, int out, int kernel) { this(options(in, out, kernel)); }
  public Conv2d(int in, int out, int kernel, int stride) { this(options(in, out, kernel).stride(stride)); }
  public Conv2d(int in, int out, int kernel, int stride, int padding) { this(options(in, out, kernel).stride(stride).padding(padding)); }

  public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation) {
    this(options(in, out, kernel).stride(stride).padding(padding).dilation(dilation));
  }

  public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups) {
    this(options(in, out, kernel).stride(stride).padding(padding).dilation(dilation).groups(groups));
  }

  public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias) {
    this(options(in, out, kernel).stride(stride).padding(padding).dilation(dilation).groups(groups).bias(bias));
  }

  public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias, String paddingMode) {
    this(options(in, out, kernel).stride(stride).padding(padding).dilation(dilation).groups(groups).bias(bias).paddingMode(paddingMode));
  }

  public Conv2d(int in, int out, int[] kernel) { this(options(in, out, kernel)); }
  public Conv2d(int in, int out, int[] kernel, int[] stride) { this(options(in, out, kernel).stride(stride[0], stride[1])); }

  public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding) {
    this(options(in, out, kernel).stride(stride[0], stride[1]).padding(padding[0], padding[1]));
  }

  public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    this(options(in, out, kernel).stride(stride[0], stride[1]).padding(padding[0], padding[1]).dilation(dilation[0], dilation[1]));
  }

  public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups) {
    this(options(in, out, kernel).stride(stride[0], stride[1]).padding(padding[0], padding[1]).dilation(dilation[0], dilation[1])
        .groups(groups));
  }

  public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias) {
    this(options(in, out, kernel).stride(stride[0], stride[1]).padding(padding[0], padding[1]).dilation(dilation[0], dilation[1])
        .groups(groups).bias(bias));
  }

  public Conv2d(int in, int out, int[] kernel, int[] stride, int[] padding, int[] dilation, int groups, boolean bias, String paddingMode) {
    this(options(in, out, kernel).stride(stride[0], stride[1]).padding(padding[0], padding[1]).dilation(dilation[0], dilation[1])
        .groups(groups).bias(bias).paddingMode(paddingMode));
  }

  public Conv2d(Options o) {
    if (o.groups <= 0) throw new TorchException("groups must be a positive integer");
    if (o.inChannels % o.groups != 0) throw new TorchException("in_channels must be divisible by groups");
    if (o.outChannels % o.groups != 0) throw new TorchException("out_channels must be divisible by groups");
    if (o.paddingString != null && !o.paddingString.equals("valid") && !o.paddingString.equals("same"))
      throw new TorchException("Invalid padding string '" + o.paddingString + "', should be one of ['valid', 'same']");
    if ("same".equals(o.paddingString) && (o.stride[0] != 1 || o.stride[1] != 1))
      throw new TorchException("padding='same' is not supported for strided convolutions");
    if (!PADDING_MODES.contains(o.paddingMode))
      throw new TorchException("padding_mode must be one of " + "['zeros', 'reflect', 'replicate', 'circular']" + ", but got padding_mode='"
          + o.paddingMode + "'");
    inChannels = o.inChannels;
    outChannels = o.outChannels;
    groups = o.groups;
    kernelSize = o.kernelSize.clone();
    stride = o.stride.clone();
    dilation = o.dilation.clone();
    paddingString = o.paddingString;
    padding = o.paddingString != null ? new int[]{0, 0} : o.padding.clone();
    paddingMode = o.paddingMode;
    reversedPaddingTwice = new int[4];
    for (int d = 0; d < 2; d++) {
      int i = 1 - d; // F.pad lists the last dim first
      if ("same".equals(paddingString)) {
        int total = dilation[d] * (kernelSize[d] - 1);
        reversedPaddingTwice[2 * i] = total / 2;
        reversedPaddingTwice[2 * i + 1] = total - total / 2;
      } else {
        reversedPaddingTwice[2 * i] = reversedPaddingTwice[2 * i + 1] = padding[d];
      }
    }
    weight = registerParameter("weight", new Parameter(Torch.empty(outChannels, inChannels / groups, kernelSize[0], kernelSize[1])));
    bias = registerParameter("bias", o.bias ? new Parameter(Torch.empty(outChannels)) : null);
    resetParameters();
  }

  /** PyTorch's default initialisation: kaiming uniform weight, U(+-1/sqrt(fan_in)) bias. */
  public void resetParameters() { Init.defaultLayerInit(weight, bias); }

  @Override public Tensor forward(Tensor x) {
    if (!paddingMode.equals("zeros"))
      return F.conv2d(F.pad(x, reversedPaddingTwice, paddingMode, 0), weight, bias, stride, new int[]{0, 0}, dilation, groups);
    if (paddingString != null) return F.conv2d(x, weight, bias, stride, paddingString, dilation, groups);
    return F.conv2d(x, weight, bias, stride, padding, dilation, groups);
  }

  public Parameter weight() { return weight; }
  public Parameter bias() { return bias; }
  public int inChannels() { return inChannels; }
  public int outChannels() { return outChannels; }
  public int[] kernelSize() { return kernelSize.clone(); }
  public int[] stride() { return stride.clone(); }
  public int[] padding() { return padding.clone(); }
  public int[] dilation() { return dilation.clone(); }
  public int groups() { return groups; }
  public String paddingMode() { return paddingMode; }

  @Override protected String extraRepr() {
    StringBuilder s = new StringBuilder(inChannels + ", " + outChannels + ", kernel_size=" + PyRepr.tuple(kernelSize) + ", stride="
        + PyRepr.tuple(stride));
    if (paddingString != null) s.append(", padding=").append(paddingString);
    else if (padding[0] != 0 || padding[1] != 0) s.append(", padding=").append(PyRepr.tuple(padding));
    if (dilation[0] != 1 || dilation[1] != 1) s.append(", dilation=").append(PyRepr.tuple(dilation));
    if (groups != 1) s.append(", groups=").append(groups);
    if (bias == null) s.append(", bias=False");
    if (!paddingMode.equals("zeros")) s.append(", padding_mode=").append(paddingMode);
    return s.toString();
  }
}
