package dev.tcompile.format;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code '{:.Nf}'} and {@code '{:.Ne}'} for a double. Both round the exact binary value half-even,
 * which {@link BigDecimal} of the double reproduces; Java's own formatter rounds half-up and spells exponents
 * differently. Python keeps the sign of -0.0, prints nan unsigned, and writes exponents with two or more digits.
 */
final class PyFloat {
  private PyFloat() {}

  /** {@code '{:.Nf}'.format(v)}. */
  static String fixed(double v, int precision) {
    String special = special(v);
    if (special != null) return special;
    String digits = new BigDecimal(Math.abs(v)).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
    return sign(v) + digits;
  }

  /** {@code '{:.Ne}'.format(v)}. */
  static String sci(double v, int precision) {
    String special = special(v);
    if (special != null) return special;
    String digits;
    int exponent;
    if (v == 0) {
      digits = "0".repeat(precision + 1);
      exponent = 0;
    } else {
      BigDecimal rounded = new BigDecimal(Math.abs(v)).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
      String unscaled = rounded.unscaledValue().toString();
      exponent = unscaled.length() - 1 - rounded.scale();
      // round() drops trailing zeros of exact values (1.0 has one digit); pad back to precision + 1
      digits = unscaled + "0".repeat(precision + 1 - unscaled.length());
    }
    StringBuilder out = new StringBuilder(sign(v)).append(digits.charAt(0));
    if (precision > 0) out.append('.').append(digits, 1, digits.length());
    out.append(exponent < 0 ? "e-" : "e+");
    int absExp = Math.abs(exponent);
    if (absExp < 10) out.append('0');
    return out.append(absExp).toString();
  }

  private static String special(double v) {
    if (Double.isNaN(v)) return "nan";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    return null;
  }

  private static String sign(double v) {
    return Double.doubleToRawLongBits(v) < 0 ? "-" : "";
  }
}
