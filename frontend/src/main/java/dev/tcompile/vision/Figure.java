package dev.tcompile.vision;

import dev.tcompile.TorchException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A matplotlib figure of image subplots, rendered the way matplotlib's Agg backend lays it out at its
 * default 100 dpi: {@code figsize} in inches, subplot parameters left 0.125, right 0.9, bottom 0.11,
 * top 0.88, spacing 0.2; images with equal aspect, nearest-neighbour scaled; ticks, 10 pt tick labels,
 * 12 pt titles and colour bars (fraction 0.15, pad 0.05, aspect 20). Needs no display and no installed fonts.
 */
public final class Figure {
  static {
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
  }

  public static final double DPI = 100;
  private static final Box SUBPLOT_AREA = new Box(0.125, 0.11, 0.9, 0.88);
  private static final double POINT = DPI / 72;
  private static final double LINE_WIDTH = 0.8 * POINT, TICK_LENGTH = 3.5 * POINT, TICK_PAD = 3.5 * POINT;
  private static final double LABEL_SIZE = 10 * POINT, TITLE_SIZE = 12 * POINT, TITLE_PAD = 6 * POINT;
  private static final double CB_FRACTION = 0.15, CB_PAD = 0.05, CB_ASPECT = 20;

  private final double widthIn, heightIn;
  private final List<Axes> axes = new ArrayList<>();
  private Axes current;

  /** matplotlib's default size, 6.4 x 4.8 inches (640 x 480 pixels). */
  public Figure() { this(6.4, 4.8); }

  public Figure(double widthIn, double heightIn) {
    if (!(widthIn > 0) || !(heightIn > 0))
      throw new TorchException("figure size must be positive finite, not (" + widthIn + ", " + heightIn + ")");
    this.widthIn = widthIn;
    this.heightIn = heightIn;
  }

  public int widthPx() { return (int) (widthIn * DPI); }
  public int heightPx() { return (int) (heightIn * DPI); }

  /** The subplot at (rows, cols, index), made current; the same grid position returns the same subplot. */
  public Axes subplot(int rows, int cols, int index) {
    for (Axes a : axes) {
      if (a.rows == rows && a.cols == cols && a.index == index) return current = a;
    }
    Axes a = new Axes(rows, cols, index);
    axes.add(a);
    return current = a;
  }

  /** The current subplot, creating a single one if there is none ({@code plt.gca()}). */
  public Axes gca() { return current != null ? current : subplot(1, 1, 1); }

  public List<Axes> axes() { return List.copyOf(axes); }

  /** Writes the figure as PNG (to a temporary file renamed over {@code file}: a failure never leaves half an image). */
  public void savefig(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && !java.nio.file.Files.isDirectory(dir))
      throw new TorchException("savefig: cannot write " + file + ": no such directory " + dir);
    // write through an explicit stream: ImageIO.write(File) prints its own stack trace on failure
    BufferedImage image = render();
    try {
      dev.tcompile.runtime.io.AtomicFiles.write(file, out -> {
        if (!ImageIO.write(image, "png", out)) throw new TorchException("no PNG writer available");
      });
    } catch (IOException e) {
      throw new TorchException("savefig: cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** The figure as an RGB image of widthPx() x heightPx() pixels. */
  public BufferedImage render() {
    BufferedImage img = new BufferedImage(widthPx(), heightPx(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(Color.BLACK);
      for (Axes a : axes) draw(g, img, a);
    } finally {
      g.dispose();
    }
    return img;
  }

  // ---------------------------------------------------------------- layout

  /** Pixel rectangle (y down) of a box. */
  record Pixels(double left, double top, double right, double bottom) {
    double width() { return right - left; }
    double height() { return bottom - top; }
  }

  Pixels pixels(Box b) {
    int w = widthPx(), h = heightPx();
    return new Pixels(b.x0() * w, (1 - b.y1()) * h, b.x1() * w, (1 - b.y0()) * h);
  }

  /** Where a subplot's axes go: the image box and, with a colour bar, the bar's box (else null). */
  Box[] layout(Axes a) {
    double figAspect = heightIn / widthIn;
    Box cell = Box.gridCell(SUBPLOT_AREA, a.rows, a.cols, a.index, 0.2, 0.2, null, null);
    Box main = cell, bar = null;
    if (a.colorbar) {
      double space = 2 * CB_PAD / (1 - CB_PAD);
      double[] ratios = {1 - CB_FRACTION - CB_PAD, CB_FRACTION};
      main = Box.gridCell(cell, 1, 2, 1, space, 0, ratios, null);
      bar = Box.gridCell(cell, 1, 2, 2, space, 0, ratios, null).shrunkToAspect(CB_ASPECT, figAspect, 0, 0.5);
    }
    if (a.image != null) main = main.shrunkToAspect((double) a.image.h() / a.image.w(), figAspect, a.colorbar ? 1 : 0.5, 0.5);
    return new Box[]{main, bar};
  }

  // ---------------------------------------------------------------- drawing

  /** The x range of a subplot's data: the image's pixel edges, else 0..1. */
  private static double[] xLimits(Axes a) { return a.image == null ? new double[]{0, 1} : new double[]{-0.5, a.image.w() - 0.5}; }

  private static double[] yLimits(Axes a) { return a.image == null ? new double[]{0, 1} : new double[]{-0.5, a.image.h() - 0.5}; }

  List<Ticks.Tick> xTicks(Axes a) {
    double[] lim = xLimits(a);
    return Ticks.ticks(lim[0], lim[1], Ticks.tickSpace(pixels(layout(a)[0]).width(), DPI, true));
  }

  List<Ticks.Tick> yTicks(Axes a) {
    double[] lim = yLimits(a);
    return Ticks.ticks(lim[0], lim[1], Ticks.tickSpace(pixels(layout(a)[0]).height(), DPI, false));
  }

  List<Ticks.Tick> colorbarTicks(Axes a) {
    Box bar = layout(a)[1];
    if (bar == null) return List.of();
    return Ticks.ticks(a.image.vmin(), a.image.vmax(), Ticks.tickSpace(pixels(bar).height(), DPI, false));
  }

  private void draw(Graphics2D g, BufferedImage img, Axes a) {
    Box[] boxes = layout(a);
    Pixels p = pixels(boxes[0]);
    if (a.image != null) paintImage(img, p, a.image);
    outline(g, p);
    double[] xl = xLimits(a), yl = yLimits(a);
    for (Ticks.Tick t : xTicks(a)) {
      double x = p.left() + (t.value() - xl[0]) / (xl[1] - xl[0]) * p.width();
      line(g, snap(x), p.bottom(), snap(x), p.bottom() + TICK_LENGTH);
      text(g, t.label(), x - StrokeFont.width(t.label(), LABEL_SIZE) / 2, p.bottom() + TICK_LENGTH + TICK_PAD + 0.76 * LABEL_SIZE, LABEL_SIZE);
    }
    for (Ticks.Tick t : yTicks(a)) {
      double f = (t.value() - yl[0]) / (yl[1] - yl[0]);
      // images put row 0 at the top (the y axis is inverted), plain axes grow upwards
      double y = a.image == null ? p.bottom() - f * p.height() : p.top() + f * p.height();
      line(g, p.left() - TICK_LENGTH, snap(y), p.left(), snap(y));
      double right = p.left() - TICK_LENGTH - TICK_PAD;
      text(g, t.label(), right - StrokeFont.width(t.label(), LABEL_SIZE), y + StrokeFont.capHeight(LABEL_SIZE) / 2, LABEL_SIZE);
    }
    if (a.title != null && !a.title.isEmpty()) {
      double cx = (p.left() + p.right()) / 2;
      text(g, a.title, cx - StrokeFont.width(a.title, TITLE_SIZE) / 2, p.top() - TITLE_PAD, TITLE_SIZE);
    }
    if (boxes[1] != null) drawColorbar(g, img, pixels(boxes[1]), a);
  }

  /** Nearest-neighbour: each pixel whose centre lies in the axes shows the data cell under that centre. */
  private static void paintImage(BufferedImage img, Pixels p, Axes.ImageData im) {
    int[] entries = im.entries();
    for (int py = (int) Math.floor(p.top()); py < Math.ceil(p.bottom()) && py < img.getHeight(); py++) {
      double cy = py + 0.5;
      if (py < 0 || cy < p.top() || cy >= p.bottom()) continue;
      int row = Math.min(im.h() - 1, (int) ((cy - p.top()) / p.height() * im.h()));
      for (int px = (int) Math.floor(p.left()); px < Math.ceil(p.right()) && px < img.getWidth(); px++) {
        double cx = px + 0.5;
        if (px < 0 || cx < p.left() || cx >= p.right()) continue;
        int col = Math.min(im.w() - 1, (int) ((cx - p.left()) / p.width() * im.w()));
        int e = entries[row * im.w() + col];
        img.setRGB(px, py, e < 0 ? 0xFFFFFF : im.cmap().rgb(e));
      }
    }
  }

  private void drawColorbar(Graphics2D g, BufferedImage img, Pixels p, Axes a) {
    Axes.ImageData im = a.image;
    for (int py = (int) Math.floor(p.top()); py < Math.ceil(p.bottom()) && py < img.getHeight(); py++) {
      double cy = py + 0.5;
      if (py < 0 || cy < p.top() || cy >= p.bottom()) continue;
      int band = Math.min(Colormap.N - 1, (int) ((p.bottom() - cy) / p.height() * Colormap.N));
      for (int px = (int) Math.floor(p.left()); px < Math.ceil(p.right()) && px < img.getWidth(); px++) {
        double cx = px + 0.5;
        if (px >= 0 && cx >= p.left() && cx < p.right()) img.setRGB(px, py, im.cmap().roundedRgb(band));
      }
    }
    outline(g, p);
    double lo = im.vmin(), hi = im.vmax();
    for (Ticks.Tick t : colorbarTicks(a)) {
      double y = hi == lo ? p.bottom() : p.bottom() - (t.value() - lo) / (hi - lo) * p.height();
      line(g, p.right(), snap(y), p.right() + TICK_LENGTH, snap(y));
      text(g, t.label(), p.right() + TICK_LENGTH + TICK_PAD, y + StrokeFont.capHeight(LABEL_SIZE) / 2, LABEL_SIZE);
    }
  }

  /** Pixel-centre snapping, as Agg snaps thin axis lines. */
  private static double snap(double v) { return Math.floor(v) + 0.5; }

  private static void outline(Graphics2D g, Pixels p) {
    g.setStroke(new BasicStroke((float) LINE_WIDTH, BasicStroke.CAP_SQUARE, BasicStroke.JOIN_MITER));
    double l = snap(p.left()), t = snap(p.top()), r = snap(p.right()), b = snap(p.bottom());
    g.draw(new Rectangle2D.Double(l, t, r - l, b - t));
  }

  private static void line(Graphics2D g, double x0, double y0, double x1, double y1) {
    g.setStroke(new BasicStroke((float) LINE_WIDTH, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
    g.draw(new Line2D.Double(x0, y0, x1, y1));
  }

  private static void text(Graphics2D g, String s, double x, double baseline, double size) {
    StrokeFont.draw(g, s, x, baseline, size);
  }
}
