package dev.tcompile.runtime.compiled;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fused kernel's body as the runtime runs it ({@link FusedLoop}): the pointwise operations its ops' bodies
 * perform, in order, over an iteration space. Values are numbered: the inputs first, then one per instruction. A
 * {@code SUM} instruction adds its operand up over the reduced dims of the space (its value is the sum's output).
 * Written as text ({@link #toText}) into compiled artifacts, read back by {@link #parse}, which refuses anything
 * malformed with a {@link TorchException}.
 */
public final class PointwiseProgram {
  public enum Code { CONST, UNARY, BINARY, WHERE, CAST, SUM }

  /** One operation; {@code a, b, c} are operand value ids (-1 unused); {@code reduced}: a sum's reduced dims. */
  public record Insn(Code code, int a, int b, int c, UnaryOp unary, BinaryOp binary, DType dtype, double value, boolean[] reduced) {}

  /** An output: the value it is, its dtype and shape. */
  public record Output(int value, DType dtype, int[] shape) {}

  private final int[] space;
  private final DType[] inputs;
  private final List<Insn> insns;
  private final List<Output> outputs;
  private final DType[] valueTypes;

  public PointwiseProgram(int[] space, DType[] inputs, List<Insn> insns, List<Output> outputs) {
    this.space = space.clone();
    this.inputs = inputs.clone();
    this.insns = List.copyOf(insns);
    this.outputs = List.copyOf(outputs);
    this.valueTypes = check();
  }

  public int[] space() { return space.clone(); }
  public int numInputs() { return inputs.length; }
  public DType inputType(int i) { return inputs[i]; }
  public List<Insn> insns() { return insns; }
  public List<Output> outputs() { return outputs; }
  public int numValues() { return inputs.length + insns.size(); }
  public DType valueType(int v) { return valueTypes[v]; }

  /** Every operand defined before use and of the right dtype, outputs existing: else a TorchException. */
  private DType[] check() {
    long numel = 1;
    for (int s : space) {
      if (s < 0) throw bad("negative size in the iteration space " + Arrays.toString(space));
      numel *= s;
      if (numel > Integer.MAX_VALUE) throw bad("iteration space " + Arrays.toString(space) + " is too large");
    }
    DType[] t = new DType[inputs.length + insns.size()];
    for (int i = 0; i < inputs.length; i++) t[i] = floatOrBool(inputs[i]);
    for (int k = 0; k < insns.size(); k++) {
      Insn n = insns.get(k);
      int def = inputs.length + k;
      if (n.code() == null) throw bad("instruction " + k + " has no code");
      t[def] = switch (n.code()) {
        case CONST -> floatOrBool(n.dtype());
        case UNARY -> { need(n.unary() != null, k); operand(t, def, n.a(), DType.FLOAT32, k); yield DType.FLOAT32; }
        case BINARY -> {
          need(n.binary() != null, k);
          DType in = n.binary().isLogical() ? DType.BOOL : DType.FLOAT32;
          operand(t, def, n.a(), in, k);
          operand(t, def, n.b(), in, k);
          yield n.binary().isLogical() || n.binary().isComparison() ? DType.BOOL : DType.FLOAT32;
        }
        case WHERE -> {
          operand(t, def, n.a(), DType.BOOL, k);
          DType x = operand(t, def, n.b(), null, k);
          operand(t, def, n.c(), x, k);
          yield x;
        }
        case CAST -> { operand(t, def, n.a(), null, k); yield floatOrBool(n.dtype()); }
        case SUM -> {
          operand(t, def, n.a(), DType.FLOAT32, k);
          need(n.reduced() != null && n.reduced().length == space.length, k);
          yield DType.FLOAT32;
        }
      };
    }
    for (Output o : outputs) {
      if (o.value() < 0 || o.value() >= t.length) throw bad("output value " + o.value() + " does not exist");
      if (t[o.value()] != o.dtype() || o.shape() == null) throw bad("output value " + o.value() + " is " + t[o.value()] + ", not " + o.dtype());
      for (int s : o.shape()) if (s < 0) throw bad("negative size in an output shape");
    }
    return t;
  }

  private static DType operand(DType[] t, int def, int v, DType want, int k) {
    if (v < 0 || v >= def) throw bad("instruction " + k + " reads value " + v + " before it is defined");
    if (want != null && t[v] != want) throw bad("instruction " + k + " reads value " + v + " as " + want + " but it is " + t[v]);
    return t[v];
  }

  private static void need(boolean ok, int k) { if (!ok) throw bad("instruction " + k + " is incomplete"); }

  private static DType floatOrBool(DType d) {
    if (d != DType.FLOAT32 && d != DType.BOOL) throw bad("fused kernels compute in float32 and bool, not " + d);
    return d;
  }

  private static TorchException bad(String why) { return new TorchException("malformed pointwise program: " + why); }

  // --- text form: one line per item, fields separated by spaces ---

  public String toText() {
    StringBuilder s = new StringBuilder();
    s.append("space ").append(ints(space)).append('\n');
    s.append("inputs");
    for (DType d : inputs) s.append(' ').append(d.name());
    s.append('\n');
    for (Insn n : insns) {
      switch (n.code()) {
        case CONST -> s.append("const ").append(n.dtype().name()).append(' ').append(Long.toHexString(Double.doubleToRawLongBits(n.value())));
        case UNARY -> s.append("unary ").append(n.unary().name()).append(' ').append(n.a());
        case BINARY -> s.append("binary ").append(n.binary().name()).append(' ').append(n.a()).append(' ').append(n.b());
        case WHERE -> s.append("where ").append(n.a()).append(' ').append(n.b()).append(' ').append(n.c());
        case CAST -> s.append("cast ").append(n.dtype().name()).append(' ').append(n.a());
        case SUM -> {
          StringBuilder m = new StringBuilder();
          for (boolean r : n.reduced()) m.append(r ? '1' : '0');
          s.append("sum ").append(n.a()).append(' ').append(m.isEmpty() ? "-" : m);
        }
      }
      s.append('\n');
    }
    for (Output o : outputs) s.append("output ").append(o.value()).append(' ').append(o.dtype().name()).append(' ').append(ints(o.shape())).append('\n');
    return s.toString();
  }

  private static String ints(int[] a) {
    if (a.length == 0) return "-";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < a.length; i++) s.append(i == 0 ? "" : ",").append(a[i]);
    return s.toString();
  }

  /** Reads {@link #toText}'s form back; a TorchException naming the line for anything else. */
  public static PointwiseProgram parse(String text) {
    if (text == null) throw bad("no text");
    String[] lines = text.split("\n");
    int[] space = null;
    DType[] inputs = null;
    List<Insn> insns = new ArrayList<>();
    List<Output> outputs = new ArrayList<>();
    for (int ln = 0; ln < lines.length; ln++) {
      String[] f = lines[ln].split(" ");
      try {
        switch (f[0]) {
          case "space" -> { arity(f, 2); space = parseInts(f[1]); }
          case "inputs" -> {
            inputs = new DType[f.length - 1];
            for (int i = 1; i < f.length; i++) inputs[i - 1] = DType.valueOf(f[i]);
          }
          case "const" -> { arity(f, 3); insns.add(new Insn(Code.CONST, -1, -1, -1, null, null, DType.valueOf(f[1]),
              Double.longBitsToDouble(Long.parseUnsignedLong(f[2], 16)), null)); }
          case "unary" -> { arity(f, 3); insns.add(new Insn(Code.UNARY, Integer.parseInt(f[2]), -1, -1, UnaryOp.valueOf(f[1]), null, null, 0, null)); }
          case "binary" -> { arity(f, 4); insns.add(new Insn(Code.BINARY, Integer.parseInt(f[2]), Integer.parseInt(f[3]), -1, null, BinaryOp.valueOf(f[1]), null, 0, null)); }
          case "where" -> { arity(f, 4); insns.add(new Insn(Code.WHERE, Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), null, null, null, 0, null)); }
          case "cast" -> { arity(f, 3); insns.add(new Insn(Code.CAST, Integer.parseInt(f[2]), -1, -1, null, null, DType.valueOf(f[1]), 0, null)); }
          case "sum" -> {
            arity(f, 3);
            String m = f[2].equals("-") ? "" : f[2];
            boolean[] r = new boolean[m.length()];
            for (int i = 0; i < r.length; i++) {
              if (m.charAt(i) != '0' && m.charAt(i) != '1') throw new IllegalArgumentException("reduced dims must be 0s and 1s");
              r[i] = m.charAt(i) == '1';
            }
            insns.add(new Insn(Code.SUM, Integer.parseInt(f[1]), -1, -1, null, null, null, 0, r));
          }
          case "output" -> { arity(f, 4); outputs.add(new Output(Integer.parseInt(f[1]), DType.valueOf(f[2]), parseInts(f[3]))); }
          default -> throw new IllegalArgumentException("unknown item '" + f[0] + "'");
        }
      } catch (IllegalArgumentException e) {   // NumberFormatException too
        throw bad("line " + (ln + 1) + ": " + e.getMessage());
      }
    }
    if (space == null || inputs == null) throw bad("no space or inputs line");
    return new PointwiseProgram(space, inputs, insns, outputs);
  }

  private static void arity(String[] f, int n) {
    if (f.length != n) throw new IllegalArgumentException("'" + f[0] + "' takes " + (n - 1) + " fields, got " + (f.length - 1));
  }

  private static int[] parseInts(String s) {
    if (s.equals("-")) return new int[0];
    String[] p = s.split(",");
    if (p.length > 64) throw new IllegalArgumentException("more than 64 dims");
    int[] a = new int[p.length];
    for (int i = 0; i < a.length; i++) a[i] = Integer.parseInt(p[i]);
    return a;
  }
}
