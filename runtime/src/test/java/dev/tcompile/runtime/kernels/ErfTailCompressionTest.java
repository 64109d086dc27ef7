package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * erf and GELU with the tail elements compressed before the erfc stages ({@link ErfLoops#erf}, {@link ErfLoops#gelu}
 * on AVX-512) against every stage over every lane ({@link ErfLoops#allLanes}, the previous implementation's
 * order of work), bit for bit: mixes of middle and tail elements in every proportion, each split point and its
 * neighbours, specials, runs of every length across chunk ends and at odd offsets.
 */
class ErfTailCompressionTest {
  private static final float[] SPECIAL = {Float.NaN, Float.intBitsToFloat(0x7fc01234), Float.intBitsToFloat(0xffc00001),
      Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE,
      ErfLoops.ERF_SPLIT, -ErfLoops.ERF_SPLIT, Math.nextDown(ErfLoops.ERF_SPLIT), -Math.nextDown(ErfLoops.ERF_SPLIT),
      ErfLoops.GELU_NEG_SPLIT, Math.nextUp(ErfLoops.GELU_NEG_SPLIT), Math.nextDown(ErfLoops.GELU_NEG_SPLIT),
      ErfLoops.GELU_POS_SPLIT, Math.nextUp(ErfLoops.GELU_POS_SPLIT), Math.nextDown(ErfLoops.GELU_POS_SPLIT),
      ErfLoops.GELU_AMAX, -ErfLoops.GELU_AMAX, -14.2f, 8f, Math.nextUp(8f), 4f, -4f, 0x1p-30f, -0x1p-31f, 100f, -20f};

  /** tailPercent of the elements from the tails (|x| in [0.5, 16)), the rest from the middle, some specials. */
  private static float[] data(Random r, int n, int tailPercent) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(100);
      if (k < 3) x[i] = SPECIAL[r.nextInt(SPECIAL.length)];
      else if (r.nextInt(100) < tailPercent) x[i] = (r.nextBoolean() ? 1 : -1) * (0.5f + 15.5f * r.nextFloat());
      else x[i] = -0.5f + 1.9f * r.nextFloat();
    }
    return x;
  }

  private static void same(float[] x, int off, int n, String at) {
    for (boolean gelu : new boolean[]{false, true}) {
      float[] want = new float[off + n], got = new float[off + n];
      ErfLoops.allLanes(gelu, x, off, want, off, n);
      if (gelu) ErfLoops.gelu(x, off, got, off, n);
      else ErfLoops.erf(x, off, got, off, n);
      for (int i = off; i < off + n; i++)
        if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i]))
          fail((gelu ? "gelu(" : "erf(") + x[i] + ") = " + got[i] + ", every lane: " + want[i] + " (" + at + ", element " + i + ")");
    }
  }

  /** Repeated so that later rounds run the C2-compiled loops (compress and expand intrinsics). */
  @Test void everyMixAndLengthMatchesTheAllLanesBits() {
    Random r = new Random(31);
    for (int round = 0; round < 20; round++)
      for (int tail : new int[]{0, 1, 10, 40, 90, 100}) {
        float[] x = data(r, 3 * ErfLoops.CHUNK + 77, tail);
        same(x, 0, x.length, "tails " + tail + "%");
        for (int n : new int[]{1, 5, 16, 17, 255, 256, 257, 511}) same(x, 3, n, "tails " + tail + "%, n " + n);
      }
  }

  @Test void specialsAndSplitPointsMatch() {
    float[] x = new float[SPECIAL.length * 9];
    for (int i = 0; i < x.length; i++) x[i] = SPECIAL[(i * 7) % SPECIAL.length];
    for (int round = 0; round < 50; round++) same(x, 0, x.length, "specials");
  }

  @Test void aMillionNormalValuesMatch() {
    Random r = new Random(32);
    float[] x = new float[1 << 20];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * (i % 3 + 1));
    same(x, 0, x.length, "normal");
  }
}
