package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The vectorised 2x2 stride-2 max pooling against the general window loop, bit for bit (values by their raw bits,
 * NaN payloads and signed zeros included, and indices), on data full of ties, NaNs, infinities and signed zeros.
 */
class MaxPool2x2Test {

  private static final float[] SPECIAL = {0.5f, -0.5f, 1f, 0f, -0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
      Float.NaN, Float.intBitsToFloat(0x7fc01234), Float.intBitsToFloat(0xffc00001), Float.intBitsToFloat(0x7f800001)};

  /** Mostly special values (ties, NaN, inf), some random ones; a plane of all -inf now and then. */
  private static float[] data(Random r, int n, int specialPercent) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++)
      x[i] = r.nextInt(100) < specialPercent ? SPECIAL[r.nextInt(SPECIAL.length)] : (float) r.nextGaussian();
    return x;
  }

  private static void compare(Random r, int planes, int h, int w, int specialPercent) {
    float[] x = data(r, planes * h * w, specialPercent);   // exactly sized: the last plane's loads end at the array's end
    int ohs = h / 2, ows = w / 2, ohw = ohs * ows;
    Pool2d.Params p = Pool2d.Params.of(2, 2, 0, false);
    float[] want = new float[planes * ohw], got = new float[planes * ohw];
    long[] wantIdx = new long[planes * ohw], gotIdx = new long[planes * ohw];
    java.util.Arrays.fill(gotIdx, -7);
    for (int c = 0; c < planes; c++) {
      Pool2d.maxPlaneGeneral(x, c * h * w, h, w, ohs, ows, p, want, wantIdx, c * ohw);
      MaxPool2x2.plane(x, c * h * w, w, ohs, ows, got, gotIdx, c * ohw);
    }
    for (int i = 0; i < want.length; i++) {
      String at = planes + "x" + h + "x" + w + " output " + i;
      assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), at);
      assertEquals(wantIdx[i], gotIdx[i], at);
    }
  }

  /** Repeated so that the later rounds run C2's compiled vector code (the first ones its Java fallback). */
  @Test void everyWidthFromTwoToPastTwoVectorsMatchesTheGeneralLoop() {
    int vl = FloatVector.SPECIES_PREFERRED.length();
    Random r = new Random(2024);
    for (int round = 0; round < 30; round++)
      for (int w = 2; w <= 4 * vl + 5; w++)
        for (int h : new int[]{2, 3, 6})
          for (int special : new int[]{0, 30, 90}) compare(r, 3, h, w, special);
  }

  @Test void mnistShapesMatchTheGeneralLoop() {
    Random r = new Random(5);
    for (int round = 0; round < 30; round++) {
      compare(r, 40, 24, 24, 20);
      compare(r, 40, 8, 8, 20);
    }
    compare(r, 7, 28, 28, 50);
    compare(r, 2, 64, 64, 10);
    compare(r, 5, 13, 27, 60);   // odd height and width: the last row and column belong to no window
  }

  @Test void allMinusInfinityAndAllNanWindows() {
    for (float v : new float[]{Float.NEGATIVE_INFINITY, Float.NaN}) {
      int h = 4, w = 40;
      float[] x = new float[h * w];
      java.util.Arrays.fill(x, v);
      float[] out = new float[2 * 20];
      long[] idx = new long[2 * 20];
      MaxPool2x2.plane(x, 0, w, 2, 20, out, idx, 0);
      for (int i = 0; i < out.length; i++) {
        int oh = i / 20, ow = i % 20;
        assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(out[i]));
        // -inf: nothing replaces the first tap; NaN: every tap replaces, the last (bottom-right) stays
        long first = 2L * oh * w + 2L * ow;
        assertEquals(Float.isNaN(v) ? first + w + 1 : first, idx[i], "output " + i);
      }
    }
  }

  /** Through {@link Pool2d#maxForward} with several threads' worth of planes: as the general loop, plane by plane. */
  @Test void maxForwardUsesTheFastPathWithTheSameResults() {
    Random r = new Random(9);
    int n = 6, c = 20, h = 24, w = 24;
    NDArray x = NDArray.wrap(data(r, n * c * h * w, 25), n, c, h, w);
    NDArray[] got = Pool2d.maxForward(x, Pool2d.Params.of(2, 2, 0, false));
    float[] want = new float[n * c * 144];
    long[] wantIdx = new long[want.length];
    for (int pl = 0; pl < n * c; pl++)
      Pool2d.maxPlaneGeneral(x.floats(), pl * h * w, h, w, 12, 12, Pool2d.Params.of(2, 2, 0, false), want, wantIdx, pl * 144);
    assertArrayEquals(new int[]{n, c, 12, 12}, got[0].shape());
    assertEquals(DType.INT64, got[1].dtype());
    for (int i = 0; i < want.length; i++) assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[0].floats()[i]));
    assertArrayEquals(wantIdx, got[1].longs());
  }
}
