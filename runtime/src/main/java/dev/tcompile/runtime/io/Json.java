package dev.tcompile.runtime.io;

import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON (RFC 8259) reader and string writer, enough for safetensors headers, so that the
 * runtime needs no library. Values: {@code LinkedHashMap<String, Object>}, {@code List<Object>}, String,
 * Long (integers that fit) or Double, Boolean, and {@link #NULL}. Duplicate object keys are errors.
 * Errors name the byte position, counted from {@code base} (the document's offset in its file).
 */
public final class Json {
  /** JSON's {@code null}. */
  public static final Object NULL = new Object() {
    @Override public String toString() { return "null"; }
  };

  /** Deepest nesting of arrays and objects accepted: a hostile document cannot exhaust the stack. */
  public static final int MAX_DEPTH = 64;

  private final byte[] src;
  private final int end, base;
  private int pos, depth;

  private Json(byte[] src, int from, int to, int base) {
    this.src = src;
    this.pos = from;
    this.end = to;
    this.base = base - from;
  }

  /** Parses the UTF-8 document {@code src[from, to)}; positions in messages are {@code base + (i - from)}. */
  public static Object parse(byte[] src, int from, int to, int base) {
    Json p = new Json(src, from, to, base);
    p.skipSpace();
    Object v = p.value();
    p.skipSpace();
    if (p.pos != p.end) throw p.error("unexpected data after the JSON value");
    return v;
  }

  private TorchException error(String what) { return new TorchException("invalid JSON at byte " + (base + pos) + ": " + what); }

  private void skipSpace() {
    while (pos < end && (src[pos] == ' ' || src[pos] == '\t' || src[pos] == '\n' || src[pos] == '\r')) pos++;
  }

  private int peek() {
    if (pos >= end) throw error("unexpected end of input");
    return src[pos] & 0xff;
  }

  private void expect(char c) {
    if (peek() != c) throw error("expected '" + c + "' but found " + describe(peek()));
    pos++;
  }

  private static String describe(int b) { return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("byte 0x%02x", b); }

  private Object value() {
    int c = peek();
    if ((c == '{' || c == '[') && depth >= MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
    return switch (c) {
      case '{' -> { depth++; Map<String, Object> m = object(); depth--; yield m; }
      case '[' -> { depth++; List<Object> a = array(); depth--; yield a; }
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", NULL);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) yield number();
        throw error("expected a value but found " + describe(c));
      }
    };
  }

  private Object literal(String word, Object v) {
    for (int i = 0; i < word.length(); i++) {
      if (pos >= end || src[pos] != word.charAt(i)) throw error("invalid literal, expected '" + word + "'");
      pos++;
    }
    return v;
  }

  private Map<String, Object> object() {
    expect('{');
    Map<String, Object> m = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') { pos++; return m; }
    while (true) {
      skipSpace();
      int keyAt = pos;
      if (peek() != '"') throw error("expected a string key but found " + describe(peek()));
      String k = string();
      skipSpace();
      expect(':');
      skipSpace();
      Object v = value();
      if (m.putIfAbsent(k, v) != null) { pos = keyAt; throw error("duplicate key \"" + k + "\""); }
      skipSpace();
      int c = peek();
      pos++;
      if (c == '}') return m;
      if (c != ',') { pos--; throw error("expected ',' or '}' but found " + describe(c)); }
    }
  }

  private List<Object> array() {
    expect('[');
    List<Object> a = new ArrayList<>();
    skipSpace();
    if (peek() == ']') { pos++; return a; }
    while (true) {
      skipSpace();
      a.add(value());
      skipSpace();
      int c = peek();
      pos++;
      if (c == ']') return a;
      if (c != ',') { pos--; throw error("expected ',' or ']' but found " + describe(c)); }
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      int c = peek();
      if (c == '"') { pos++; return sb.toString(); }
      if (c < 0x20) throw error("control character in string");
      if (c == '\\') {
        pos++;
        int e = peek();
        pos++;
        switch (e) {
          case '"' -> sb.append('"');
          case '\\' -> sb.append('\\');
          case '/' -> sb.append('/');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> sb.append(hex4());
          default -> { pos--; throw error("invalid escape \\" + (char) e); }
        }
      } else if (c < 0x80) {
        sb.append((char) c);
        pos++;
      } else {
        sb.appendCodePoint(utf8());
      }
    }
  }

  private char hex4() {
    if (pos + 4 > end) throw error("truncated \\u escape");
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(src[pos + i], 16);
      if (d < 0) throw error("invalid \\u escape");
      v = v * 16 + d;
    }
    pos += 4;
    return (char) v;
  }

  /** One multi-byte UTF-8 sequence, validated. */
  private int utf8() {
    int b0 = src[pos] & 0xff, n, cp;
    if (b0 >= 0xc2 && b0 <= 0xdf) { n = 1; cp = b0 & 0x1f; }
    else if (b0 >= 0xe0 && b0 <= 0xef) { n = 2; cp = b0 & 0x0f; }
    else if (b0 >= 0xf0 && b0 <= 0xf4) { n = 3; cp = b0 & 0x07; }
    else throw error("invalid UTF-8 byte 0x" + Integer.toHexString(b0));
    if (pos + n >= end) throw error("truncated UTF-8 sequence");
    for (int i = 1; i <= n; i++) {
      int b = src[pos + i] & 0xff;
      if ((b & 0xc0) != 0x80) throw error("invalid UTF-8 continuation byte");
      cp = (cp << 6) | (b & 0x3f);
    }
    int min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw error("invalid UTF-8 sequence");
    pos += n + 1;
    return cp;
  }

  private Object number() {
    int start = pos;
    if (src[pos] == '-') pos++;
    if (peek() == '0') pos++;
    else if (peek() >= '1' && peek() <= '9') while (pos < end && isDigit(src[pos])) pos++;
    else throw error("invalid number");
    boolean integral = true;
    if (pos < end && src[pos] == '.') {
      integral = false;
      pos++;
      if (pos >= end || !isDigit(src[pos])) throw error("invalid number: digits expected after '.'");
      while (pos < end && isDigit(src[pos])) pos++;
    }
    if (pos < end && (src[pos] == 'e' || src[pos] == 'E')) {
      integral = false;
      pos++;
      if (pos < end && (src[pos] == '+' || src[pos] == '-')) pos++;
      if (pos >= end || !isDigit(src[pos])) throw error("invalid number: digits expected in the exponent");
      while (pos < end && isDigit(src[pos])) pos++;
    }
    String text = new String(src, start, pos - start, java.nio.charset.StandardCharsets.US_ASCII);
    if (integral) {
      try { return Long.parseLong(text); } catch (NumberFormatException tooBig) { return Double.parseDouble(text); }
    }
    return Double.parseDouble(text);
  }

  private static boolean isDigit(byte b) { return b >= '0' && b <= '9'; }

  /** A JSON string literal for {@code s}. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }
}
