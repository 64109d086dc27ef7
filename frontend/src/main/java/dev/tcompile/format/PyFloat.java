package dev.tcompile.format;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code '{:.Nf}'} and {@code '{:.Ne}'} for a double. Both round the exact binary value half-even,
 * which {@link BigDecimal} of the double reproduces; Java's own formatter rounds half-up and spells exponents
 * differently. Python keeps the sign of -0.0, prints nan unsigned, and writes exponents with two or more digits.
 */
public final class PyFloat {
  private PyFloat() {}

  /** {@code '{:.Nf}'.format(v)}. */
  public static String fixed(double v, int precision) {
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

  /**
   * Python's {@code repr(v)}: the shortest digits that read back as {@code v} (Java 19+'s Double.toString finds
   * the same digits), fixed notation when the decimal exponent is in (-4, 16], else {@code 1e-05} style.
   */
  public static String repr(double v) {
    String special = special(v);
    if (special != null) return special;
    if (v == 0) return sign(v) + "0.0";
    BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
    // Double.toString writes at least two digits (4.9E-324); Python keeps one when one reads back
    BigDecimal one = d.round(new MathContext(1, RoundingMode.HALF_EVEN));
    if (Double.parseDouble(one.toString()) == Math.abs(v)) d = one.stripTrailingZeros();
    String digits = d.unscaledValue().toString();
    int decpt = digits.length() - d.scale(); // v = 0.DIGITS x 10^decpt
    StringBuilder out = new StringBuilder(sign(v));
    if (decpt > -4 && decpt <= 16) {
      if (decpt <= 0) out.append("0.").append("0".repeat(-decpt)).append(digits);
      else if (decpt >= digits.length()) out.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
      else out.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
      return out.toString();
    }
    out.append(digits.charAt(0));
    if (digits.length() > 1) out.append('.').append(digits, 1, digits.length());
    int exp = decpt - 1;
    out.append(exp < 0 ? "e-" : "e+");
    if (Math.abs(exp) < 10) out.append('0');
    return out.append(Math.abs(exp)).toString();
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
