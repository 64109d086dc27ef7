package dev.tcompile.nn;

import java.math.BigDecimal;

/** Python's {@code repr} of the values modules print in their {@code extra_repr}. */
public final class PyRepr {
  private PyRepr() {}

  /** {@code repr(float)}: the shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
  public static String of(double v) {
    if (Double.isNaN(v)) return "nan";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    if (v == 0) return 1 / v < 0 ? "-0.0" : "0.0";
    String sign = v < 0 ? "-" : "";
    BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
    String digits = d.unscaledValue().toString();
    int exp = digits.length() - 1 - d.scale();
    if (exp >= -4 && exp < 16) {
      String plain = d.toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
  }

  public static String of(boolean b) { return b ? "True" : "False"; }

  /** A Python tuple of ints: {@code (3, 5)}, {@code (8,)}. */
  static String tuple(int... v) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < v.length; i++) { if (i > 0) sb.append(", "); sb.append(v[i]); }
    return sb.append(v.length == 1 ? ",)" : ")").toString();
  }

  /** An argument given as an int or as a tuple, printed as it was given. */
  static String intOrTuple(int[] v, boolean givenAsInt) { return givenAsInt ? String.valueOf(v[0]) : tuple(v); }
}
