package dev.tcompile.bench;

import dev.tcompile.runtime.kernels.VectorMath;

/**
 * Every float through the runtime's vector tanh or log against the correctly rounded reference
 * ({@code (float) Math.tanh/log}), printing the worst error in ulps and where: the check behind the "1 ulp on every
 * float" of RESULTS-kernels.md (VectorMathTest samples every 251st bit pattern; this takes minutes).
 * {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.tcompile.bench.ExhaustiveUlpCheck tanh|log}
 * (tanh: positive floats below 9.5, beyond which it is 1 and odd symmetry covers the negatives; log: all positive floats).
 */
public final class ExhaustiveUlpCheck {
  private ExhaustiveUlpCheck() {}

  public static void main(String[] args) {
    boolean log = args.length > 0 && args[0].equals("log");
    long end = log ? 0x7f80_0001L : Float.floatToRawIntBits(9.5f) + 1L;
    int block = 1 << 16;
    float[] x = new float[block], y = new float[block];
    double worst = 0;
    float at = 0;
    for (long b = 0; b < end; b += block) {
      int n = (int) Math.min(block, end - b);
      for (int i = 0; i < n; i++) x[i] = Float.intBitsToFloat((int) (b + i));
      if (log) VectorMath.log(x, 0, y, 0, n);
      else VectorMath.tanh(x, 0, y, 0, n);
      for (int i = 0; i < n; i++) {
        float e = (float) (log ? Math.log(x[i]) : Math.tanh(x[i]));
        double u = e == y[i] || (Float.isNaN(e) && Float.isNaN(y[i])) ? 0
            : Float.isInfinite(e) || Float.isNaN(e) || Float.isNaN(y[i]) ? Double.POSITIVE_INFINITY : Math.abs((double) y[i] - e) / Math.ulp(e);
        if (u > worst) { worst = u; at = x[i]; }
      }
    }
    System.out.println((log ? "log" : "tanh") + ": max error " + worst + " ulp at x = " + at);
  }
}
