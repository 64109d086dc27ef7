package dev.tcompile.runtime.kernels;

/** Scalar special functions the JDK lacks. */
public final class MathFns {
  private MathFns() {}

  /** erf to double precision (W. J. Cody's rational approximations, as in many libm's). */
  public static double erf(double x) {
    double ax = Math.abs(x);
    if (ax < 0.5) {
      double t = x * x;
      double top = (((0.1857777061846031526730 * t + 3.161123743870565596947) * t + 113.8641541510501556495) * t
          + 377.4852376853020208137) * t + 3209.377589138469472562;
      double bot = (((t + 23.60129095234412093499) * t + 244.0246379344441733056) * t + 1282.616526077372275645) * t
          + 2844.236833439170622273;
      return x * top / bot;
    }
    double r = erfcLarge(ax);
    return x < 0 ? r - 1 : 1 - r;
  }

  /** erfc to double precision, with full relative accuracy in the right tail (no 1 - erf cancellation). */
  public static double erfc(double x) {
    if (x >= 0.5) return erfcLarge(x);
    if (x > -0.5) return 1 - erf(x);
    return 2 - erfcLarge(-x);
  }

  /** Standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2, accurate in both tails. */
  public static double normalCdf(double x) { return 0.5 * erfc(-x * 0.70710678118654752440); }

  /** erfc for x >= 0.5 (Cody). */
  private static double erfcLarge(double x) {
    if (x < 4) {
      double top = (((((((2.15311535474403846343e-8 * x + 0.564188496988670089180) * x + 8.88314979438837594118) * x
          + 66.1191906371416294775) * x + 298.635138197400131132) * x + 881.952221241769090411) * x
          + 1712.04761263407058314) * x + 2051.07837782607146532) * x + 1230.33935479799725272;
      double bot = (((((((x + 15.7449261107098347253) * x + 117.693950891312499305) * x + 537.181101862009857509) * x
          + 1621.38957456669018874) * x + 3290.79923573345962678) * x + 4362.61909014324715820) * x
          + 3439.36767414372163696) * x + 1230.33935480374942043;
      return Math.exp(-x * x) * top / bot;
    }
    if (x > 27) return 0;
    double z = 1 / (x * x);
    double top = ((((0.0163153871373020978498 * z + 0.305326634961232344035) * z + 0.360344899949804439429) * z
        + 0.125781726111229246204) * z + 0.0160837851487422766278) * z + 6.58749161529837803157e-4;
    double bot = ((((z + 2.56852019228982242072) * z + 1.87295284992346725209) * z + 0.527905102951428412248) * z
        + 0.0605183413124413191178) * z + 0.00233520497626869185443;
    double r = z * top / bot;
    r = (0.564189583547756286948 - r) / x;
    return Math.exp(-x * x) * r;
  }
}
