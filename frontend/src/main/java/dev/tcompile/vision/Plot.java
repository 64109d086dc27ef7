package dev.tcompile.vision;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import java.nio.file.Path;

/**
 * {@code matplotlib.pyplot} for the figures the seed draws: a current {@link Figure} and its current
 * {@link Axes}, driven by static calls ({@code Plot.figure(15, 30); Plot.subplot(131); Plot.title("Input");
 * Plot.imshow(img, "gray"); Plot.savefig(Path.of("fig.png"))}). Rendering is headless and needs no fonts.
 */
public final class Plot {
  private Plot() {}

  private static Figure current;

  /** A new current figure of matplotlib's default size (6.4 x 4.8 inches). */
  public static synchronized Figure figure() { return current = new Figure(); }

  /** {@code plt.figure(figsize=(width, height))}, in inches at 100 dpi. */
  public static synchronized Figure figure(double widthIn, double heightIn) { return current = new Figure(widthIn, heightIn); }

  /** The current figure, created when there is none. */
  public static synchronized Figure gcf() { return current != null ? current : figure(); }

  /** Forgets the current figure: the next call starts a new one. */
  public static synchronized void close() { current = null; }

  public static Axes subplot(int rows, int cols, int index) { return gcf().subplot(rows, cols, index); }

  /** The three-digit form: {@code subplot(132)} is {@code subplot(1, 3, 2)}. */
  public static Axes subplot(int code) {
    if (code < 111 || code > 999)
      throw new TorchException("Integer subplot specification must be a three-digit number, not " + code);
    return subplot(code / 100, code / 10 % 10, code % 10);
  }

  public static Axes gca() { return gcf().gca(); }

  public static void title(String text) { gca().title(text); }

  /** {@code plt.imshow(t, cmap)}: "gray", "jet" or "viridis". */
  public static void imshow(Tensor t, String cmap) { gca().imshow(t, cmap); }

  /** {@code plt.imshow(t)} with matplotlib's default colour map, viridis. */
  public static void imshow(Tensor t) { imshow(t, "viridis"); }

  public static void colorbar() { gca().colorbar(); }

  public static void savefig(Path file) { gcf().savefig(file); }
}
