package dev.tcompile.ir;

import java.util.ArrayList;
import java.util.List;

/** Splits IR text into tokens, each with its line and column (1-based). {@code //} starts a comment. */
final class IrLexer {
  enum Kind { VALUE, GLOBAL, IDENT, NUMBER, STRING, PUNCT, EOF }

  record Token(Kind kind, String text, int line, int col) {
    boolean is(String s) { return (kind == Kind.PUNCT || kind == Kind.IDENT) && text.equals(s); }
    String describe() { return kind == Kind.EOF ? "end of input" : "'" + text + "'"; }
  }

  static List<Token> lex(String src) {
    List<Token> out = new ArrayList<>();
    int i = 0, line = 1, col = 1, n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (c == '\n') { i++; line++; col = 1; continue; }
      if (Character.isWhitespace(c)) { i++; col++; continue; }
      if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
        while (i < n && src.charAt(i) != '\n') i++;
        continue;
      }
      int start = i, startCol = col;
      if (c == '%' || c == '@') {
        i++;
        if (c == '@' && i < n && src.charAt(i) == '"') { out.add(new Token(Kind.PUNCT, "@", line, startCol)); col++; continue; }
        while (i < n && isNameChar(src.charAt(i))) i++;
        if (i == start + 1) throw new IrParseException(line, startCol, "expected a name after '" + c + "'");
        out.add(new Token(c == '%' ? Kind.VALUE : Kind.GLOBAL, src.substring(start + 1, i), line, startCol));
      } else if (c == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
          if (i >= n || src.charAt(i) == '\n') throw new IrParseException(line, startCol, "unterminated string");
          char d = src.charAt(i);
          if (d == '"') { i++; break; }
          if (d == '\\' && i + 1 < n) { sb.append(src.charAt(i + 1)); i += 2; continue; }
          sb.append(d);
          i++;
        }
        out.add(new Token(Kind.STRING, sb.toString(), line, startCol));
      } else if (Character.isDigit(c) || ((c == '-' || c == '+') && i + 1 < n && (Character.isDigit(src.charAt(i + 1)) || src.startsWith("inf", i + 1)))) {
        i++;
        if (src.startsWith("inf", i)) i += 3;
        else {
          while (i < n && (Character.isDigit(src.charAt(i)) || src.charAt(i) == '.' || src.charAt(i) == 'e' || src.charAt(i) == 'E'
              || ((src.charAt(i) == '-' || src.charAt(i) == '+') && (src.charAt(i - 1) == 'e' || src.charAt(i - 1) == 'E')))) i++;
          if (i < n && src.charAt(i) == 'L') i++;
        }
        out.add(new Token(Kind.NUMBER, src.substring(start, i), line, startCol));
      } else if (Character.isLetter(c) || c == '_') {
        while (i < n && isNameChar(src.charAt(i))) i++;
        out.add(new Token(Kind.IDENT, src.substring(start, i), line, startCol));
      } else if ("(){}[],:=".indexOf(c) >= 0) {
        i++;
        out.add(new Token(Kind.PUNCT, String.valueOf(c), line, startCol));
      } else {
        throw new IrParseException(line, startCol, "unexpected character '" + c + "'");
      }
      col += i - start;
    }
    out.add(new Token(Kind.EOF, "", line, col));
    return out;
  }

  private static boolean isNameChar(char c) { return Character.isLetterOrDigit(c) || c == '_' || c == '.'; }
}
