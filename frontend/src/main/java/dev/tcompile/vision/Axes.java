package dev.tcompile.vision;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;

/**
 * One subplot of a {@link Figure}: at most one image ({@code imshow}), a title and an optional colour bar,
 * laid out as matplotlib lays out {@code plt.subplot(rows, cols, index)}.
 */
public final class Axes {
  final int rows, cols, index;
  String title;
  ImageData image;
  boolean colorbar;

  Axes(int rows, int cols, int index) {
    if (rows < 1 || cols < 1 || index < 1 || index > rows * cols)
      throw new TorchException("num must be an integer with 1 <= num <= " + rows * cols + ", not " + index);
    this.rows = rows;
    this.cols = cols;
    this.index = index;
  }

  public Axes title(String text) {
    title = text;
    return this;
  }

  /** {@code ax.imshow(t, cmap)} for a 2-D tensor or a [1, H, W] one; colours span the data's min..max. */
  public Axes imshow(Tensor t, String cmap) {
    image = ImageData.of(t, Colormap.get(cmap));
    return this;
  }

  /** A colour bar for this subplot's image, to its right, as {@code plt.colorbar()}. */
  public Axes colorbar() {
    if (image == null)
      throw new TorchException("No mappable was found to use for colorbar creation. First define a mappable such as an image (with imshow).");
    colorbar = true;
    return this;
  }

  /** A 2-D float image with its colour map and value range. */
  record ImageData(int h, int w, float[] values, Colormap cmap, float vmin, float vmax) {
    static ImageData of(Tensor t, Colormap cmap) {
      int[] s = t.shapeArray();
      if (s.length == 3 && s[0] == 1) s = new int[]{s[1], s[2]};
      if (s.length != 2) throw new TorchException("Invalid shape " + t.shape() + " for image data (imshow takes [H, W] or [1, H, W])");
      float[] v = t.toFloatArray();
      float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
      for (float x : v) if (Float.isFinite(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
      if (lo > hi) { lo = 0; hi = 1; }
      return new ImageData(s[0], s[1], v, cmap, lo, hi);
    }

    /** The colour-map entry of each value, through matplotlib's float32 rescaling round trip and Normalize. */
    int[] entries() {
      float span = (float) (((double) vmax - vmin) / 0.8);
      float top = vmax;
      if (vmin != vmax) top = (((vmax - vmin) / span + 0.1f) - 0.1f) * span + vmin;
      int[] out = new int[values.length];
      for (int i = 0; i < values.length; i++) {
        float x = values[i];
        if (Float.isNaN(x)) { out[i] = -1; continue; }
        if (vmin == vmax) { out[i] = Colormap.index(0f); continue; }
        float scaled = ((((x - vmin) / span) + 0.1f) - 0.1f) * span + vmin;
        out[i] = Colormap.index((scaled - vmin) / (top - vmin));
      }
      return out;
    }
  }
}
