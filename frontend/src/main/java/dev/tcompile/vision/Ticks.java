package dev.tcompile.vision;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * matplotlib's default ticks: {@code AutoLocator} (MaxNLocator with steps 1, 2, 2.5, 5, 10 and as many bins
 * as fit the axis length) and {@code ScalarFormatter} labels (common number of decimals, Unicode minus;
 * no offset or scientific notation).
 */
final class Ticks {
  private Ticks() {}

  private static final double[] EXTENDED_STEPS = {0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20};
  private static final int MIN_N_TICKS = 2;

  /** A tick: its value and label. */
  record Tick(double value, String label) {}

  /** {@code Axis.get_tick_space()}: axis length in points over 3 (x) or 2 (y) times the 10 pt label size. */
  static int tickSpace(double lengthPx, double dpi, boolean horizontal) {
    double points = lengthPx / dpi * 72;
    return (int) Math.floor(points / (10.0 * (horizontal ? 3 : 2)));
  }

  /** The visible ticks of a view interval, labelled. */
  static List<Tick> ticks(double vmin, double vmax, int tickSpace) {
    double lo = Math.min(vmin, vmax), hi = Math.max(vmin, vmax);
    double[] locs = locate(lo, hi, tickSpace);
    String[] labels = format(locs);
    List<Tick> out = new ArrayList<>();
    for (int i = 0; i < locs.length; i++) {
      if (locs[i] >= lo - 1e-10 * (hi - lo) && locs[i] <= hi + 1e-10 * (hi - lo)) out.add(new Tick(locs[i], labels[i]));
    }
    return out;
  }

  /** {@code MaxNLocator.tick_values} (nbins 'auto'): may include one tick beyond each end. */
  static double[] locate(double vmin, double vmax, int tickSpace) {
    double[] ns = nonsingular(vmin, vmax);
    vmin = ns[0];
    vmax = ns[1];
    int nbins = Math.max(Math.max(1, MIN_N_TICKS - 1), Math.min(9, tickSpace));
    double dv = Math.abs(vmax - vmin), meanv = (vmax + vmin) / 2;
    double offset = Math.abs(meanv) / dv < 100 ? 0 : Math.copySign(Math.pow(10, Math.floor(Math.log10(Math.abs(meanv)))), meanv);
    double scale = Math.pow(10, Math.floor(Math.log10(dv / nbins)));
    double lo = vmin - offset, hi = vmax - offset;
    double rawStep = (hi - lo) / nbins;
    int istep = 0;
    while (istep < EXTENDED_STEPS.length - 1 && EXTENDED_STEPS[istep] * scale < rawStep) istep++;
    double[] ticks = new double[0];
    for (int k = istep; k >= 0; k--) {
      double step = EXTENDED_STEPS[k] * scale;
      double bestVmin = Math.floor(lo / step) * step;
      long low = edgeLe(lo - bestVmin, step, offset), high = edgeGe(hi - bestVmin, step, offset);
      ticks = new double[(int) (high - low + 1)];
      int visible = 0;
      for (int i = 0; i < ticks.length; i++) {
        ticks[i] = (low + i) * step + bestVmin;
        if (ticks[i] <= hi && ticks[i] >= lo) visible++;
      }
      if (visible >= MIN_N_TICKS) break;
    }
    for (int i = 0; i < ticks.length; i++) ticks[i] += offset;
    return ticks;
  }

  private static double[] nonsingular(double vmin, double vmax) {
    double maxabs = Math.max(Math.abs(vmin), Math.abs(vmax));
    if (maxabs < 1e-300 || vmax - vmin <= maxabs * 1e-14) {
      if (vmin == 0 && vmax == 0) return new double[]{-1e-13, 1e-13};
      return new double[]{vmin - 1e-13 * Math.abs(vmin), vmax + 1e-13 * Math.abs(vmax)};
    }
    return new double[]{vmin, vmax};
  }

  private static boolean closeTo(double ms, double edge, double step, double offset) {
    double tol = 1e-10;
    if (offset != 0) tol = Math.min(0.4999, Math.max(1e-10, Math.pow(10, Math.log10(Math.abs(offset) / step) - 12)));
    return Math.abs(ms - edge) < tol;
  }

  /** Python's divmod for floats: floor quotient and a remainder with the divisor's sign. */
  private static double[] divmod(double x, double step) {
    double m = x % step;
    if (m != 0 && (m < 0) != (step < 0)) m += step;
    return new double[]{Math.rint((x - m) / step), m};
  }

  private static long edgeLe(double x, double step, double offset) {
    double[] dm = divmod(x, step);
    return (long) dm[0] + (closeTo(dm[1] / step, 1, step, offset) ? 1 : 0);
  }

  private static long edgeGe(double x, double step, double offset) {
    double[] dm = divmod(x, step);
    return (long) dm[0] + (closeTo(dm[1] / step, 0, step, offset) ? 0 : 1);
  }

  /** {@code ScalarFormatter}: every label with the fewest decimals that keep all ticks apart. */
  static String[] format(double[] locs) {
    if (locs.length == 0) return new String[0];
    double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
    for (double v : locs) { min = Math.min(min, v); max = Math.max(max, v); }
    double range = max - min;
    if (range == 0) range = Math.max(Math.abs(min), Math.abs(max));
    if (range == 0) range = 1;
    int oom = (int) Math.floor(Math.log10(range));
    int sigfigs = Math.max(0, 3 - oom);
    double thresh = 1e-3 * Math.pow(10, oom);
    while (sigfigs >= 0) {
      double worst = 0;
      for (double v : locs) worst = Math.max(worst, Math.abs(v - roundTo(v, sigfigs)));
      if (worst < thresh) sigfigs--;
      else break;
    }
    sigfigs++;
    String[] out = new String[locs.length];
    for (int i = 0; i < locs.length; i++) {
      double v = Math.abs(locs[i]) < 1e-8 ? 0 : locs[i];
      out[i] = new BigDecimal(v).setScale(sigfigs, RoundingMode.HALF_EVEN).toPlainString().replace('-', '\u2212');
    }
    return out;
  }

  /** NumPy's {@code np.round(v, decimals)}: scale, round half to even, unscale. */
  private static double roundTo(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.rint(v * f) / f;
  }
}
