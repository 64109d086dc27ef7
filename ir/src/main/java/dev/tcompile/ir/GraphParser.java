package dev.tcompile.ir;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.IrLexer.Kind;
import dev.tcompile.ir.IrLexer.Token;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the text form printed by {@link GraphPrinter}. Every statement is checked as it is read — the op
 * exists, the inputs are defined, the arity and attributes suit the op, the declared types equal the op's
 * shape rule — and any failure is an {@link IrParseException} at the statement's line and column.
 */
public final class GraphParser {
  /** Supplies the data of a constant stored outside the text: (file, key) -> array. */
  @FunctionalInterface
  public interface ConstantResolver {
    NDArray resolve(String file, String key);
  }

  private final List<Token> tokens;
  private final ConstantResolver constants;
  private int pos;
  private final Map<String, Value> scope = new HashMap<>();

  private GraphParser(String text, ConstantResolver constants) {
    this.tokens = IrLexer.lex(text);
    this.constants = constants;
  }

  public static Graph parse(String text) {
    return parse(text, (file, key) -> { throw new TorchException("no data for constant @\"" + file + "\"[\"" + key + "\"]"); });
  }

  public static Graph parse(String text, ConstantResolver constants) {
    GraphParser p = new GraphParser(text, constants);
    Graph g = p.graph();
    p.expectKind(Kind.EOF, "end of input");
    return g;
  }

  private Graph graph() {
    expect("graph");
    Token name = expectKind(Kind.GLOBAL, "a graph name like @forward");
    Graph g = new Graph(name.text());
    expect("(");
    if (!peek().is(")")) {
      do {
        Token v = expectKind(Kind.VALUE, "an input like %x");
        expect(":");
        TensorType t = type();
        Attrs a = peek().is("{") ? attrs() : Attrs.EMPTY;
        define(v, g.addInput(v.text(), t, a));
      } while (accept(","));
    }
    expect(")");
    expect("{");
    while (!peek().is("return")) statement(g);
    expect("return");
    List<Value> outs = new ArrayList<>();
    if (!peek().is("}")) {
      do outs.add(use(expectKind(Kind.VALUE, "a value like %3"))); while (accept(","));
    }
    expect("}");
    g.setOutputs(outs);
    return g;
  }

  private void statement(Graph g) {
    Token first = peek();
    List<Token> names = new ArrayList<>();
    do names.add(expectKind(Kind.VALUE, "a value name like %3")); while (accept(","));
    expect("=");
    Token opTok = expectKind(Kind.IDENT, "an op name");
    if (opTok.text().equals("constant")) {
      if (names.size() != 1) throw error(first, "a constant defines exactly one value");
      NDArray data = constantData();
      expect(":");
      Token typeTok = peek();
      TensorType t = type();
      if (!java.util.Arrays.equals(data.shape(), t.shape())) data = reshapeLiteral(data, t, typeTok);
      if (t.dtype() == DType.FLOAT32 && literalTokens != null) checkFloat32Range(data, literalTokens);
      if (data.dtype() != t.dtype()) data = data.to(t.dtype());
      define(names.get(0), g.constant(data, names.get(0).text()));
      return;
    }
    boolean fused = opTok.text().equals(FusedOp.NAME);
    OpDef op = fused ? null : OpRegistry.find(opTok.text());
    if (op == null && !fused) throw error(opTok, "unknown op '" + opTok.text() + "'");
    expect("(");
    List<Value> in = new ArrayList<>();
    if (!peek().is(")")) {
      do in.add(use(expectKind(Kind.VALUE, "an input value like %2"))); while (accept(","));
    }
    expect(")");
    Attrs attrs = peek().is("{") ? attrs() : Attrs.EMPTY;
    if (fused) op = fusedBody();
    if (op.arity() >= 0 && in.size() != op.arity())
      throw error(opTok, op.name() + " takes " + op.arity() + " input" + (op.arity() == 1 ? "" : "s") + " but was given " + in.size());
    expect(":");
    List<TensorType> declared = new ArrayList<>();
    do declared.add(type()); while (accept(","));
    List<String> outNames = names.stream().map(Token::text).toList();
    Value[] outs;
    try {
      outs = g.add(op, attrs, in, outNames, declared);
    } catch (IrParseException e) {
      throw e;
    } catch (TorchException e) {
      throw error(opTok, e.getMessage());
    } catch (RuntimeException e) {
      // A hostile file can hand an op attributes its checks never expected (a too-short int list, ...).
      throw error(opTok, "invalid attributes or inputs for " + op.name() + " (" + e.getClass().getSimpleName() + ")");
    }
    for (int i = 0; i < outs.length; i++) define(names.get(i), outs[i]);
  }

  /** A fused node's body: a nested graph with its own names, checked by {@link FusedOp}'s rules. */
  private FusedOp fusedBody() {
    Token at = peek();
    Map<String, Value> outer = new HashMap<>(scope);
    scope.clear();
    Graph body;
    try {
      body = graph();
    } finally {
      scope.clear();
      scope.putAll(outer);
    }
    try {
      return new FusedOp(body);
    } catch (TorchException e) {
      throw error(at, e.getMessage());
    }
  }

  /** The element tokens of the last literal constant (null for a constant read from a file). */
  private List<Token> literalTokens;

  /** A float literal declared f32 must fit: literals are read as doubles, so f64 constants keep every digit. */
  private void checkFloat32Range(NDArray data, List<Token> elems) {
    if (data.dtype() != DType.FLOAT64) return;
    for (int i = 0; i < elems.size(); i++) {
      double v = data.doubles()[i];
      if (Float.isInfinite((float) v) && !Double.isInfinite(v)) throw error(elems.get(i), "number " + elems.get(i).text() + " is out of range for f32");
    }
  }

  private NDArray constantData() {
    Token t = peek();
    literalTokens = null;
    if (accept("@")) {
      Token file = expectKind(Kind.STRING, "a file name string");
      expect("[");
      Token key = expectKind(Kind.STRING, "a constant name string");
      expect("]");
      try {
        return constants.resolve(file.text(), key.text());
      } catch (TorchException e) {
        throw error(t, e.getMessage());
      }
    }
    if (accept("[")) {
      List<Token> elems = new ArrayList<>();
      if (!peek().is("]")) do elems.add(next()); while (accept(","));
      expect("]");
      return literalArray(elems, true);
    }
    return literalArray(List.of(next()), false);
  }

  /**
   * Literal elements become float64 (converted to the declared dtype afterwards) unless they are all booleans or all
   * integers (then bool / int64).
   */
  private NDArray literalArray(List<Token> elems, boolean list) {
    literalTokens = elems;
    boolean allBool = !elems.isEmpty(), allInt = !elems.isEmpty();
    for (Token e : elems) {
      allBool &= e.is("true") || e.is("false");
      allInt &= e.kind() == Kind.NUMBER && isInteger(e.text());
      if (!(e.kind() == Kind.NUMBER || e.is("true") || e.is("false") || e.is("nan") || e.is("inf")))
        throw error(e, "expected a number, true or false in a constant, got " + e.describe());
    }
    int[] shape = list ? new int[]{elems.size()} : new int[0];
    NDArray a = NDArray.empty(allBool ? DType.BOOL : allInt ? DType.INT64 : DType.FLOAT64, shape);
    for (int i = 0; i < elems.size(); i++) {
      Token e = elems.get(i);
      double v = e.is("true") ? 1 : e.is("false") ? 0 : number(e);
      if (allInt) a.longs()[i] = parseLong(e);
      else a.setDouble(i, v);
    }
    return a;
  }

  private NDArray reshapeLiteral(NDArray data, TensorType t, Token at) {
    if (data.numel() == t.numel())
      return data.dense().view(t.shape(), dev.tcompile.runtime.Shapes.contiguousStrides(t.shape()), 0);
    throw error(at, "constant has " + data.numel() + " element" + (data.numel() == 1 ? "" : "s") + " but its type " + t + " needs " + t.numel());
  }

  private Attrs attrs() {
    expect("{");
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    if (!peek().is("}")) {
      do {
        Token k = expectKind(Kind.IDENT, "an attribute name");
        expect("=");
        if (m.containsKey(k.text())) throw error(k, "attribute '" + k.text() + "' given twice");
        m.put(k.text(), attrValue());
      } while (accept(","));
    }
    expect("}");
    return Attrs.of(m);
  }

  private Object attrValue() {
    Token t = next();
    if (t.is("[")) {
      List<Integer> xs = new ArrayList<>();
      if (!peek().is("]")) {
        do {
          Token e = expectKind(Kind.NUMBER, "an integer");
          if (!isInteger(e.text())) throw error(e, "int lists hold integers, got " + e.describe());
          xs.add(parseInt(e, "an int list element"));
        } while (accept(","));
      }
      expect("]");
      return xs.stream().mapToInt(Integer::intValue).toArray();
    }
    if (t.kind() == Kind.STRING) return t.text();
    if (t.is("true")) return Boolean.TRUE;
    if (t.is("false")) return Boolean.FALSE;
    if (t.is("nan")) return Double.NaN;
    if (t.is("inf")) return Double.POSITIVE_INFINITY;
    if (t.kind() == Kind.IDENT && (t.text().equals("f32") || t.text().equals("i64") || t.text().equals("bool")))
      return DType.fromIrName(t.text());
    if (t.kind() == Kind.NUMBER) {
      String s = t.text();
      if (s.endsWith("L")) {
        if (!isInteger(s)) throw error(t, "malformed number " + t.describe());
        return parseLong(t);
      }
      if (isInteger(s)) {
        long v = parseLong(t);
        if (v != (int) v) throw error(t, "integer " + s + " does not fit an int; write " + s + "L for a long");
        return (int) v;
      }
      return number(t);
    }
    throw error(t, "expected an attribute value, got " + t.describe());
  }

  private TensorType type() {
    Token d = expectKind(Kind.IDENT, "a dtype (f32, i64, bool)");
    DType dt;
    try { dt = DType.fromIrName(d.text()); } catch (TorchException e) { throw error(d, e.getMessage()); }
    expect("[");
    List<Integer> dims = new ArrayList<>();
    if (!peek().is("]")) {
      do {
        Token e = expectKind(Kind.NUMBER, "a dimension size");
        if (!isInteger(e.text()) || e.text().startsWith("-")) throw error(e, "a dimension size must be a non-negative integer, got " + e.describe());
        dims.add(parseInt(e, "a dimension size"));
      } while (accept(","));
    }
    Token close = peek();
    expect("]");
    TensorType type = TensorType.of(dt, dims.stream().mapToInt(Integer::intValue).toArray());
    try {
      dev.tcompile.runtime.Shapes.numelInt(type.shape());
    } catch (TorchException e) {
      throw error(close, e.getMessage());
    }
    return type;
  }

  // ---- scopes and tokens ----

  private void define(Token name, Value v) {
    if (scope.containsKey(name.text())) throw error(name, "%" + name.text() + " is defined twice");
    scope.put(name.text(), v);
  }

  private Value use(Token name) {
    Value v = scope.get(name.text());
    if (v == null) throw error(name, "undefined value %" + name.text());
    return v;
  }

  private int parseInt(Token t, String what) {
    long v = parseLong(t);
    if (v != (int) v) throw error(t, what + " must fit an int, got " + t.text());
    return (int) v;
  }

  private long parseLong(Token t) {
    try {
      return Long.parseLong(stripL(t.text()).replace("+", ""));
    } catch (NumberFormatException e) {
      throw error(t, "integer " + t.text() + " is out of range for a long");
    }
  }

  private static boolean isInteger(String s) { return stripL(s).matches("[-+]?\\d+"); }
  private static String stripL(String s) { return s.endsWith("L") ? s.substring(0, s.length() - 1) : s; }

  private double number(Token t) {
    if (t.is("nan")) return Double.NaN;
    if (t.is("inf")) return Double.POSITIVE_INFINITY;
    String s = t.text();
    if (s.equals("-inf")) return Double.NEGATIVE_INFINITY;
    if (s.equals("+inf")) return Double.POSITIVE_INFINITY;
    double v;
    try { v = Double.parseDouble(stripL(s)); } catch (NumberFormatException e) { throw error(t, "malformed number " + t.describe()); }
    if (Double.isInfinite(v)) throw error(t, "number " + t.text() + " is out of range");
    return v;
  }

  private Token peek() { return tokens.get(pos); }
  private Token next() { Token t = tokens.get(pos); if (t.kind() != Kind.EOF) pos++; return t; }

  private boolean accept(String s) {
    if (peek().is(s)) { pos++; return true; }
    return false;
  }

  private void expect(String s) {
    Token t = peek();
    if (!t.is(s)) throw error(t, "expected '" + s + "' but found " + t.describe());
    pos++;
  }

  private Token expectKind(Kind k, String what) {
    Token t = peek();
    if (t.kind() != k) throw error(t, "expected " + what + " but found " + t.describe());
    pos++;
    return t;
  }

  private static IrParseException error(Token t, String msg) { return new IrParseException(t.line(), t.col(), msg); }
}
