package dev.tcompile.format;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;

/**
 * PyTorch's {@code _Formatter}: one width and one notation for every element of a tensor, chosen from the
 * shown elements. Floats print as integers ("3.") when all nonzero finite values are whole, in scientific
 * notation when they span more than three decades, exceed 1e8 or (non-integers) fall below 1e-4, and in fixed
 * point otherwise. The decisions compare float32 values widened to double (float64 values as they are), as
 * PyTorch does.
 */
final class ElementFormatter {
  private final DType dtype;
  private final int precision;
  private boolean intMode = true;
  private boolean sciMode = false;
  private int maxWidth = 1;

  ElementFormatter(NDArray data, int[] shown, PrintOptions options) {
    this.dtype = data.dtype();
    this.precision = options.precision();
    if (!dtype.isFloatingPoint()) {
      for (int s : shown) maxWidth = Math.max(maxWidth, plain(data, s).length());
    } else if (!chooseFloatNotation(data, shown)) {
      return; // PyTorch returns before applying a forced sci_mode when there is no nonzero finite value
    }
    if (options.sciMode() != null) sciMode = options.sciMode();
  }

  int width() { return maxWidth; }

  /** The element at storage index {@code s} of {@code data}'s storage, right-aligned to {@link #width()}. */
  String format(NDArray data, int s) {
    String ret;
    if (!dtype.isFloatingPoint()) {
      ret = plain(data, s);
    } else {
      double v = element(data, s);
      if (sciMode) ret = PyFloat.sci(v, precision);
      else if (intMode) ret = Double.isFinite(v) ? PyFloat.fixed(v, 0) + "." : PyFloat.fixed(v, 0);
      else ret = PyFloat.fixed(v, precision);
    }
    return " ".repeat(Math.max(0, maxWidth - ret.length())) + ret;
  }

  /** Sets intMode, sciMode and maxWidth from the nonzero finite values; false when there are none. */
  private boolean chooseFloatNotation(NDArray data, int[] shown) {
    double[] vals = new double[shown.length];
    int n = 0;
    for (int s : shown) {
      double v = element(data, s);
      if (Double.isFinite(v) && v != 0) vals[n++] = v;
    }
    if (n == 0) return false;
    double min = Double.POSITIVE_INFINITY, max = 0;
    for (int i = 0; i < n; i++) {
      double a = Math.abs(vals[i]);
      min = Math.min(min, a);
      max = Math.max(max, a);
      if (vals[i] != Math.ceil(vals[i])) intMode = false;
    }
    boolean wide = max / min > 1000.0 || max > 1.0e8;
    if (intMode) {
      sciMode = wide;
      for (int i = 0; i < n; i++) {
        // whole numbers gain a "." when printed, hence the + 1
        int len = sciMode ? PyFloat.sci(vals[i], precision).length() : PyFloat.fixed(vals[i], 0).length() + 1;
        maxWidth = Math.max(maxWidth, len);
      }
    } else {
      sciMode = wide || min < 1.0e-4;
      for (int i = 0; i < n; i++) {
        String s = sciMode ? PyFloat.sci(vals[i], precision) : PyFloat.fixed(vals[i], precision);
        maxWidth = Math.max(maxWidth, s.length());
      }
    }
    return true;
  }

  /** A floating element at storage index {@code s}, widened to double. */
  private static double element(NDArray data, int s) {
    return data.dtype() == DType.FLOAT64 ? data.doubles()[s] : data.floats()[s];
  }

  /** Python's {@code str} of an int64 or bool element. */
  private static String plain(NDArray data, int s) {
    return switch (data.dtype()) {
      case INT64 -> Long.toString(data.longs()[s]);
      case BOOL -> data.bools()[s] ? "True" : "False";
      case FLOAT32, FLOAT64 -> throw new IllegalStateException("floating elements are formatted by notation");
    };
  }
}
