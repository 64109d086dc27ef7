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

  /**
   * The geometry of these sizes and parameters (padding, stride, dilation and groups from {@code p}'s values): the
   * calling thread's earlier one when it has seen them lately (a compiled step convolves the same shapes every
   * call, and a geometry is immutable), else a new one. {@code p} may be null: a new Params of those values.
   */
  static ConvGeometry of(int n, int c, int h, int w, int oc, int kh, int kw, int oh, int ow, int groups,
                         int sH, int sW, int pH, int pW, int dH, int dW, Conv2d.Params p) {
    ConvGeometry[] recent = RECENT.get();
    for (ConvGeometry g : recent) {
      if (g == null) break;
      Conv2d.Params q = g.p;
      if (g.n == n && g.c == c && g.h == h && g.w == w && g.oc == oc && g.kh == kh && g.kw == kw && g.oh == oh && g.ow == ow
          && g.groups == groups && q.strideH() == sH && q.strideW() == sW && q.padH() == pH && q.padW() == pW
          && q.dilH() == dH && q.dilW() == dW && q.groups() == groups)
        return g;
    }
    ConvGeometry g = new ConvGeometry(n, c, h, w, oc, kh, kw, oh, ow, groups,
        p != null ? p : new Conv2d.Params(sH, sW, pH, pW, dH, dW, groups));
    System.arraycopy(recent, 0, recent, 1, recent.length - 1);   // most recent first; the oldest drops out
    recent[0] = g;
    return g;
  }

  /** Per thread, the geometries of the latest calls (a few layers, forward and backward). */
  private static final ThreadLocal<ConvGeometry[]> RECENT = ThreadLocal.withInitial(() -> new ConvGeometry[16]);
}
