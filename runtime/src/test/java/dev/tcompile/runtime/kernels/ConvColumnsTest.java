package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvColumns#pack} against im2col written out here, bit for bit (it is a copy), for every output width
 * 1..40 (runs of every length below, at and above the vector lengths), strides 1 and 2, dilation 1 and 2, with
 * and without padding, into GEMM panels and into plain row-major blocks, whole and in parts.
 */
class ConvColumnsTest {

  /** Column-matrix element (k, j) of image 0: row k = (ci*kh + ki)*kw + kj, column j = oh*ow + q; 0 in the padding. */
  private static float col(float[] x, ConvGeometry g, int k, int j) {
    Conv2d.Params p = g.p();
    int kj = k % g.kw(), ki = k / g.kw() % g.kh(), ci = k / (g.kw() * g.kh()), oh = j / g.ow(), q = j % g.ow();
    int ih = oh * p.strideH() - p.padH() + ki * p.dilH(), iw = q * p.strideW() - p.padW() + kj * p.dilW();
    return ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w() ? 0f : x[(ci * g.h() + ih) * g.w() + iw];
  }

  private static ConvGeometry geometry(int c, int oh, int ow, int k, int stride, int pad, int dil) {
    int h = (oh - 1) * stride + dil * (k - 1) + 1 - 2 * pad, w = (ow - 1) * stride + dil * (k - 1) + 1 - 2 * pad;
    return new ConvGeometry(1, c, h, w, 1, k, k, oh, ow, 1, new Conv2d.Params(stride, stride, pad, pad, dil, dil, 1));
  }

  /** Packs rows [k0, k0+kc) x columns [j0, j0+nb) with panel width pw and compares every written element. */
  private static void check(float[] x, ConvGeometry g, int k0, int kc, int j0, int nb, int pw) {
    int panels = (nb + pw - 1) / pw;
    int off = 3;   // blocks start anywhere in their buffer
    float[] dst = new float[off + panels * kc * pw];
    java.util.Arrays.fill(dst, Float.NaN);   // an unwritten element would show
    ConvColumns.pack(x, 0, g, k0, kc, j0, nb, pw, dst, off);
    for (int k = 0; k < kc; k++)
      for (int j = 0; j < nb; j++) {
        int at = off + ((j / pw) * kc + k) * pw + j % pw;
        assertEquals(Float.floatToRawIntBits(col(x, g, k0 + k, j0 + j)), Float.floatToRawIntBits(dst[at]),
            g + " rows " + k0 + "+" + kc + " cols " + j0 + "+" + nb + " pw " + pw + " at (" + k + "," + j + ")");
      }
  }

  @Test void everyOutputWidthFromOneToForty() {
    Random r = new Random(17);
    for (int ow = 1; ow <= 40; ow++)
      for (int stride = 1; stride <= 2; stride++)
        for (int dil = 1; dil <= 2; dil++)
          for (int pad = 0; pad <= 1; pad++) {
            ConvGeometry g = geometry(2, 3, ow, 3, stride, pad, dil);
            if (g.h() < 1 || g.w() < 1) continue;
            float[] x = new float[g.c() * g.hw()];
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
            int kk = g.kk(), ohw = g.ohw();
            check(x, g, 0, kk, 0, ohw, Gemm.NR);          // GEMM panels (forward)
            check(x, g, 0, kk, 0, ohw, ohw + 16);         // a plain block, rows padded (backward weight)
            check(x, g, 4, kk - 7, 1, ohw - 1, Gemm.NR);  // rows from the middle of a tap run, columns from inside a row
            if (ohw > 5) check(x, g, 1, 9, ow / 2 + 1, ohw - ow / 2 - 2, ow + 3);
          }
  }

  /**
   * {@link ConvColumns#scatterAdd} (col2im) against adding every column-matrix element at its input position, per
   * NR-column panel as the input gradient uses it. Small integers keep every sum exact in any order.
   */
  @Test void scatterAddEveryOutputWidthFromOneToForty() {
    Random r = new Random(23);
    for (int ow = 1; ow <= 40; ow++)
      for (int stride = 1; stride <= 2; stride++)
        for (int dil = 1; dil <= 2; dil++)
          for (int pad = 0; pad <= 1; pad++) {
            ConvGeometry g = geometry(3, 3, ow, 3, stride, pad, dil);
            if (g.h() < 1 || g.w() < 1) continue;
            int kk = g.kk(), ohw = g.ohw(), nr = Gemm.NR;
            float[] want = new float[g.c() * g.hw()], got = new float[want.length];
            for (int j0 = 0; j0 < ohw; j0 += nr) {
              int nb = Math.min(nr, ohw - j0);
              float[] src = new float[kk * nr];
              for (int i = 0; i < src.length; i++) src[i] = r.nextInt(9) - 4;
              ConvColumns.scatterAdd(src, 0, nr, g, j0, nb, got, 0);
              for (int k = 0; k < kk; k++)
                for (int j = 0; j < nb; j++) {
                  Conv2d.Params p = g.p();
                  int kj = k % g.kw(), ki = k / g.kw() % g.kh(), ci = k / (g.kw() * g.kh()), oh = (j0 + j) / ow, q = (j0 + j) % ow;
                  int ih = oh * p.strideH() - p.padH() + ki * p.dilH(), iw = q * p.strideW() - p.padW() + kj * p.dilW();
                  if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) want[(ci * g.h() + ih) * g.w() + iw] += src[k * nr + j];
                }
            }
            assertArrayEquals(want, got, g.toString());
          }
  }

  /**
   * {@link ConvColumns#scatterAdd} against a scalar col2im that adds each element's contributions in the order
   * panels, output-row runs, kernel rows, then kernel columns ascending (the order every path keeps, the fused
   * stride-2 3-tap pass included), bit for bit on random floats of mixed magnitudes and signed zeros, where a
   * different order gives different sums: input rows wider than the kernel reaches, padding, dilation.
   */
  @Test void scatterAddKeepsTheTapOrderBitForBit() {
    Random r = new Random(24);
    for (int round = 0; round < 3; round++)
      for (int ow = 1; ow <= 40; ow++)
        for (int k : new int[]{3, 5})
          for (int stride = 1; stride <= 2; stride++)
            for (int pad = 0; pad <= 1; pad++)
              for (int dil = 1; dil <= 2; dil++)
                for (int extra = 0; extra <= 2; extra++) {
                  int oh = 2, c = 3;
                  int h = (oh - 1) * stride + dil * (k - 1) + 1 - 2 * pad, w = (ow - 1) * stride + dil * (k - 1) + 1 - 2 * pad + extra;
                  if (h < 1 || w < 1) continue;
                  ConvGeometry g = new ConvGeometry(1, c, h, w, 1, k, k, oh, ow, 1, new Conv2d.Params(stride, stride, pad, pad, dil, dil, 1));
                  int kk = g.kk(), ohw = g.ohw(), nr = Gemm.NR;
                  float[] want = new float[c * h * w], got = new float[want.length];
                  for (int i = 0; i < want.length; i++) want[i] = got[i] = (float) r.nextGaussian();
                  for (int j0 = 0; j0 < ohw; j0 += nr) {
                    int nb = Math.min(nr, ohw - j0);
                    float[] src = new float[kk * nr];
                    for (int i = 0; i < src.length; i++)
                      src[i] = r.nextInt(10) == 0 ? (r.nextBoolean() ? -0f : 0f) : (float) (r.nextGaussian() * Math.pow(2, r.nextInt(40) - 20));
                    ConvColumns.scatterAdd(src, 0, nr, g, j0, nb, got, 0);
                    // runs: the panel's columns split at output-row ends
                    for (int j = 0; j < nb; ) {
                      int ohRow = (j0 + j) / ow, q0 = (j0 + j) % ow, len = Math.min(ow - q0, nb - j);
                      Conv2d.Params p = g.p();
                      for (int ki = 0; ki < k; ki++)
                        for (int kj = 0; kj < k; kj++)
                          for (int ci = 0; ci < c; ci++)
                            for (int t = 0; t < len; t++) {
                              int ih = ohRow * stride - pad + ki * dil, iw = (q0 + t) * stride - pad + kj * dil;
                              if (ih >= 0 && ih < h && iw >= 0 && iw < w)
                                want[(ci * h + ih) * w + iw] += src[((ci * k + ki) * k + kj) * nr + j + t];
                            }
                      j += len;
                    }
                  }
                  for (int i = 0; i < want.length; i++)
                    if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i]))
                      fail(g + " element " + i + ": " + got[i] + ", in tap order " + want[i]);
                }
  }
}
