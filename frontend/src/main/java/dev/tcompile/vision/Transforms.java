package dev.tcompile.vision;

import dev.tcompile.DType;
import dev.tcompile.GradGuard;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code torchvision.transforms} on image tensors {@code [..., H, W]} (int64 images stand for uint8 ones).
 * Each transform computes fresh tensors and records no autograd history. Random transforms draw from the
 * default generator (or a DataLoader's per-batch generator, see {@link dev.tcompile.data.LoaderRandom}), or
 * from their own generator when given a seed. {@code toString()} prints torchvision's repr.
 */
public final class Transforms {
  private Transforms() {}

  /** A transform with torchvision's repr. */
  private record Named(String repr, Transform body) implements Transform {
    @Override public Tensor apply(Tensor image) {
      try (GradGuard g = Torch.noGrad()) {
        return body.apply(image);
      }
    }

    @Override public String toString() { return repr; }
  }

  /** Applies the steps in order. */
  public static Transform compose(Transform... steps) {
    List<Transform> list = List.of(steps);
    String repr = list.stream().map(t -> "    " + t).collect(Collectors.joining("\n", "Compose(\n", "\n)"));
    return new Named(repr, img -> {
      for (Transform t : list) img = t.apply(img);
      return img;
    });
  }

  /**
   * {@code ToTensor()}: an HW or HWC image to a float32 CHW tensor. int64 (uint8-valued) pixels are scaled to
   * [0, 1]; float images are only rearranged, as torchvision leaves non-byte arrays unscaled.
   */
  public static Transform toTensor() { return new Named("ToTensor()", ImageOps::toTensor); }

  /** {@code Normalize(mean, std)}: {@code (x - mean[c]) / std[c]} per channel, in float32. */
  public static Transform normalize(double[] mean, double[] std) {
    if (mean.length == 0 || std.length == 0) throw new TorchException("Normalize: mean and std must not be empty");
    Tensor m = channelVector(mean), s = channelVector(std);
    if (s.eq(0.0).any().toBoolArray()[0])
      throw new TorchException("std evaluated to zero after conversion to torch.float32, leading to division by zero.");
    return new Named("Normalize(mean=" + tuple(mean) + ", std=" + tuple(std) + ")", img -> {
      if (img.dtype() != DType.FLOAT32) throw new TorchException("Input tensor should be a float tensor. Got " + img.dtype() + ".");
      if (img.dim() < 3)
        throw new TorchException("Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = " + img.shape());
      return img.sub(m).div(s);
    });
  }

  private static Tensor channelVector(double[] v) { return Torch.tensor(v).view(v.length, 1, 1); }

  /**
   * {@code Resize(size)}: the smaller side becomes {@code size}, the other keeps the aspect ratio
   * (rounded down), by bilinear interpolation (antialias off, as torchvision 0.14 does for tensors).
   */
  public static Transform resize(int size) {
    return new Named("Resize(size=" + size + ", interpolation=bilinear, max_size=None, antialias=None)", img -> {
      ImageOps.checkImage("Resize", img);
      int h = ImageOps.height(img), w = ImageOps.width(img);
      int oh, ow;
      if (w <= h) { ow = size; oh = (int) ((long) size * h / w); }
      else { oh = size; ow = (int) ((long) size * w / h); }
      return h == oh && w == ow ? img : ImageOps.resizeBilinear(img, oh, ow);
    });
  }

  /** {@code Resize((height, width))}, bilinear. */
  public static Transform resize(int height, int width) {
    return new Named("Resize(size=(" + height + ", " + width + "), interpolation=bilinear, max_size=None, antialias=None)", img -> {
      ImageOps.checkImage("Resize", img);
      if (height <= 0 || width <= 0) throw new TorchException("Resize: sizes must be positive, got (" + height + ", " + width + ")");
      boolean same = ImageOps.height(img) == height && ImageOps.width(img) == width;
      return same ? img : ImageOps.resizeBilinear(img, height, width);
    });
  }

  /** {@code CenterCrop(size)}. */
  public static Transform centerCrop(int size) { return centerCrop(size, size); }

  /** {@code CenterCrop((height, width))}; an image smaller than the crop is first padded with zeros, as torchvision does. */
  public static Transform centerCrop(int height, int width) {
    return new Named("CenterCrop(size=(" + height + ", " + width + "))", img -> {
      ImageOps.checkImage("CenterCrop", img);
      int h = ImageOps.height(img), w = ImageOps.width(img);
      if (width > w || height > h) {
        int dw = Math.max(0, width - w), dh = Math.max(0, height - h);
        img = padded(img, dw / 2, dh / 2, (dw + 1) / 2, (dh + 1) / 2, 0, "constant");
        h = ImageOps.height(img);
        w = ImageOps.width(img);
        if (h == height && w == width) return img;
      }
      int top = (int) Math.rint((h - height) / 2.0), left = (int) Math.rint((w - width) / 2.0);
      return crop(img, top, left, height, width);
    });
  }

  /** {@code Pad(padding)}: the same number of zeros on every side. */
  public static Transform pad(int padding) { return pad(new int[]{padding}, 0, "constant"); }

  /**
   * {@code Pad(padding, fill, padding_mode)}: {@code padding} is one value for all sides, two (left/right,
   * top/bottom) or four (left, top, right, bottom); mode {@code constant}, {@code edge}, {@code reflect} or
   * {@code symmetric}. Negative padding crops.
   */
  public static Transform pad(int[] padding, double fill, String mode) {
    int[] ltrb = ltrb(padding);
    String shown = padding.length == 1 ? String.valueOf(padding[0]) : Arrays.toString(padding);
    return new Named("Pad(padding=" + shown + ", fill=" + pyNumber(fill) + ", padding_mode=" + mode + ")", img -> {
      ImageOps.checkImage("Pad", img);
      return padded(img, ltrb[0], ltrb[1], ltrb[2], ltrb[3], fill, mode);
    });
  }

  /** {@code RandomCrop(size)}: a size x size window at a random position. */
  public static Transform randomCrop(int size) { return randomCrop(size, 0); }

  /** {@code RandomCrop(size, padding)}: zero-pads every side by {@code padding} first. */
  public static Transform randomCrop(int size, int padding) { return randomCrop(size, padding, Draws.fromDefault()); }

  /** As {@link #randomCrop(int, int)} with a generator of its own, seeded with {@code seed}. */
  public static Transform randomCrop(int size, int padding, long seed) { return randomCrop(size, padding, Draws.seeded(seed)); }

  private static Transform randomCrop(int size, int padding, Draws draws) {
    return new Named("RandomCrop(size=(" + size + ", " + size + "), padding=" + (padding == 0 ? "None" : padding) + ")", img -> {
      ImageOps.checkImage("RandomCrop", img);
      if (padding != 0) img = padded(img, padding, padding, padding, padding, 0, "constant");
      int h = ImageOps.height(img), w = ImageOps.width(img);
      if (h < size || w < size)
        throw new TorchException("Required crop size (" + size + ", " + size + ") is larger than input image size (" + h + ", " + w + ")");
      if (h == size && w == size) return img;
      int top = draws.below(h - size + 1), left = draws.below(w - size + 1);
      return crop(img, top, left, size, size);
    });
  }

  /** {@code RandomHorizontalFlip(p)}: mirrors left-right with probability p. */
  public static Transform randomHorizontalFlip(double p) { return randomHorizontalFlip(p, Draws.fromDefault()); }

  public static Transform randomHorizontalFlip() { return randomHorizontalFlip(0.5); }

  /** As {@link #randomHorizontalFlip(double)} with a generator of its own. */
  public static Transform randomHorizontalFlip(double p, long seed) { return randomHorizontalFlip(p, Draws.seeded(seed)); }

  private static Transform randomHorizontalFlip(double p, Draws draws) {
    return new Named("RandomHorizontalFlip(p=" + pyFloat(p) + ")", img -> {
      ImageOps.checkImage("RandomHorizontalFlip", img);
      return draws.uniform() < p ? hflip(img) : img;
    });
  }

  /** Mirrors the last dimension. */
  public static Tensor hflip(Tensor img) {
    ImageOps.checkImage("hflip", img);
    int h = ImageOps.height(img), w = ImageOps.width(img);
    int[] cols = new int[w];
    for (int x = 0; x < w; x++) cols[x] = w - 1 - x;
    return ImageOps.remap(img, ImageOps.range(0, h, h), cols, 0);
  }

  /** {@code F.crop(img, top, left, height, width)}; parts outside the image are zeros, as in torchvision. */
  public static Tensor crop(Tensor img, int top, int left, int height, int width) {
    ImageOps.checkImage("crop", img);
    int h = ImageOps.height(img), w = ImageOps.width(img);
    return ImageOps.remap(img, ImageOps.range(top, height, h), ImageOps.range(left, width, w), 0);
  }

  private static Tensor padded(Tensor img, int left, int top, int right, int bottom, double fill, String mode) {
    int h = ImageOps.height(img), w = ImageOps.width(img);
    return ImageOps.remap(img, ImageOps.padIndex(h, top, bottom, mode), ImageOps.padIndex(w, left, right, mode), fill);
  }

  private static int[] ltrb(int[] p) {
    return switch (p.length) {
      case 1 -> new int[]{p[0], p[0], p[0], p[0]};
      case 2 -> new int[]{p[0], p[1], p[0], p[1]};
      case 4 -> p.clone();
      default -> throw new TorchException("Padding must be an int or a 1, 2, or 4 element tuple, not a " + p.length + " element tuple");
    };
  }

  private static String tuple(double[] v) {
    String body = Arrays.stream(v).mapToObj(Transforms::pyFloat).collect(Collectors.joining(", "));
    return "(" + body + (v.length == 1 ? ",)" : ")");
  }

  /** Python's repr of a float for ordinary magnitudes: 0.5, 1.0, 0.1307. */
  private static String pyFloat(double v) { return String.valueOf(v); }

  private static String pyNumber(double v) { return v == Math.rint(v) && Math.abs(v) < 1e16 ? String.valueOf((long) v) : String.valueOf(v); }
}
