package dev.tcompile.vision;

/**
 * A rectangle in figure fractions (origin bottom left, as matplotlib's figure coordinates), with the
 * layout steps matplotlib applies to subplots: grid cells, shrinking to an aspect ratio, anchoring.
 */
record Box(double x0, double y0, double x1, double y1) {
  double width() { return x1 - x0; }
  double height() { return y1 - y0; }

  /** {@code GridSpec.get_grid_positions} for one cell (index from 1, row-major) with the given spacing. */
  static Box gridCell(Box area, int rows, int cols, int index, double wspace, double hspace,
                      double[] widthRatios, double[] heightRatios) {
    int row = (index - 1) / cols, col = (index - 1) % cols;
    double[] ys = positions(area.height(), rows, hspace, heightRatios);
    double[] xs = positions(area.width(), cols, wspace, widthRatios);
    return new Box(area.x0 + xs[2 * col], area.y1 - ys[2 * row + 1], area.x0 + xs[2 * col + 1], area.y1 - ys[2 * row]);
  }

  /** Cumulated [start, end) offsets of n cells with separators of {@code space} times the mean cell size. */
  private static double[] positions(double total, int n, double space, double[] ratios) {
    double cell = total / (n + space * (n - 1));
    double sep = space * cell, sum = 0;
    for (int i = 0; i < n; i++) sum += ratios == null ? 1 : ratios[i];
    double norm = cell * n / sum, at = 0;
    double[] out = new double[2 * n];
    for (int i = 0; i < n; i++) {
      if (i > 0) at += sep;
      out[2 * i] = at;
      at += (ratios == null ? 1 : ratios[i]) * norm;
      out[2 * i + 1] = at;
    }
    return out;
  }

  /** {@code Bbox.shrunk_to_aspect} then {@code anchored}: the largest box of height/width {@code boxAspect} (in inches). */
  Box shrunkToAspect(double boxAspect, double figAspect, double anchorX, double anchorY) {
    double w = width(), h = height();
    double hh = w * boxAspect / figAspect, ww = w;
    if (hh > h) {
      ww = h * figAspect / boxAspect;
      hh = h;
    }
    double nx = x0 + (w - ww) * anchorX, ny = y0 + (h - hh) * anchorY;
    return new Box(nx, ny, nx + ww, ny + hh);
  }
}
