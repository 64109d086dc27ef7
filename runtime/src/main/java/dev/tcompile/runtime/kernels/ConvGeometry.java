package dev.tcompile.runtime.kernels;

/**
 * Sizes of one conv2d call, checked once by {@link Conv2d}: input {@code [n, c, h, w]}, weight
 * {@code [oc, c/groups, kh, kw]}, output {@code [n, oc, oh, ow]}. Per group the convolution is the product of the
 * weight matrix {@code [ocg, kk]} and the column matrix {@code [kk, ohw]} (im2col: row {@code (ci*kh + ki)*kw + kj},
 * column {@code oh*ow + q}).
 */
record ConvGeometry(int n, int c, int h, int w, int oc, int kh, int kw, int oh, int ow, int groups, Conv2d.Params p) {
  int cg() { return c / groups; }
  int ocg() { return oc / groups; }
  int kk() { return cg() * kh * kw; }
  int ohw() { return oh * ow; }
  int hw() { return h * w; }
}
