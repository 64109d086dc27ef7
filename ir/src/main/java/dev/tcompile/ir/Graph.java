package dev.tcompile.ir;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A program in SSA form: typed inputs, nodes in execution order, outputs. Built by appending (the tracer,
 * passes, the parser); every append checks its inputs are defined and infers output types with the op's rule,
 * so a graph is well typed by construction. Passes return new graphs rather than mutating.
 */
public final class Graph {
  private final String name;
  private final List<Value> inputs = new ArrayList<>();
  private final List<Attrs> inputAttrs = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final List<Value> outputs = new ArrayList<>();
  /** Read-only live views of the lists, made once: a compiled program's per-call checks read them allocation-free. */
  private final List<Value> inputsView = Collections.unmodifiableList(inputs), outputsView = Collections.unmodifiableList(outputs);
  private final List<Node> nodesView = Collections.unmodifiableList(nodes);
  private final Set<String> names = new HashSet<>();
  private final Set<Value> defined = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  private int counter;

  public Graph(String name) { this.name = name; }

  public String name() { return name; }
  public List<Value> inputs() { return inputsView; }
  public Attrs inputAttrs(int i) { return inputAttrs.get(i); }
  public List<Node> nodes() { return nodesView; }
  public List<Value> outputs() { return outputsView; }

  // ---- building ----

  public Value addInput(String name, TensorType type) { return addInput(name, type, Attrs.EMPTY); }

  public Value addInput(String name, TensorType type, Attrs attrs) {
    Value v = new Value(claim(name), type, null, 0);
    inputs.add(v);
    inputAttrs.add(attrs);
    defined.add(v);
    return v;
  }

  /** Appends {@code op(inputs)} and returns its outputs, typed by the op's shape rule. */
  public Value[] add(OpDef op, Attrs attrs, Value... in) {
    return add(op, attrs, Arrays.asList(in), null, null);
  }

  public Value add1(OpDef op, Attrs attrs, Value... in) { return add(op, attrs, in)[0]; }

  /**
   * The general append: {@code names} (optional) name the outputs, {@code declared} (optional) are the types the
   * caller expects — a mismatch with the op's rule is an error (the parser's shape check).
   */
  public Value[] add(OpDef op, Attrs attrs, List<Value> in, List<String> outNames, List<TensorType> declared) {
    for (Value v : in)
      if (!defined.contains(v)) throw new TorchException("value %" + v.name() + " is used before it is defined in graph @" + name);
    if (op == Constant.OP) throw new TorchException("use Graph.constant to add constants");
    TensorType[] types = new TensorType[in.size()];
    for (int i = 0; i < types.length; i++) types[i] = in.get(i).type();
    TensorType[] out = op.infer(attrs, types);
    if (declared != null) {
      if (declared.size() != out.length)
        throw new TorchException(op.name() + " has " + out.length + " output" + (out.length == 1 ? "" : "s") + " but " + declared.size() + " type" + (declared.size() == 1 ? " is" : "s are") + " declared");
      for (int i = 0; i < out.length; i++)
        if (!declared.get(i).equals(out[i]))
          throw new TorchException("type mismatch for output " + i + " of " + op.name() + ": declared " + declared.get(i) + " but the op gives " + out[i]);
    }
    Node node = new Node(op, attrs, in, null);
    return append(node, out, outNames);
  }

  /** A constant node holding {@code data} (the graph keeps the array; do not mutate it afterwards). */
  public Value constant(NDArray data) { return constant(data, null); }

  public Value constant(NDArray data, String outName) {
    Node node = new Node(Constant.OP, Attrs.EMPTY, List.of(), data.dense());
    return append(node, new TensorType[]{TensorType.of(data.dtype(), data.shape())}, outName == null ? null : List.of(outName))[0];
  }

  public Value scalar(double v, DType dtype) { return constant(NDArray.scalar(dtype, v)); }

  private Value[] append(Node node, TensorType[] types, List<String> outNames) {
    Value[] vs = new Value[types.length];
    for (int i = 0; i < vs.length; i++) {
      String n = outNames != null ? outNames.get(i) : null;
      vs[i] = new Value(n != null ? claim(n) : fresh(), types[i], node, i);
      defined.add(vs[i]);
    }
    node.setOutputs(Arrays.asList(vs));
    nodes.add(node);
    return vs;
  }

  public void setOutputs(List<Value> outs) {
    for (Value v : outs)
      if (!defined.contains(v)) throw new TorchException("output %" + v.name() + " is not defined in graph @" + name);
    outputs.clear();
    outputs.addAll(outs);
  }

  public boolean defines(Value v) { return defined.contains(v); }

  private String fresh() {
    String n;
    do { n = Integer.toString(counter++); } while (names.contains(n));
    names.add(n);
    return n;
  }

  private String claim(String n) {
    String base = sanitize(n), s = base;
    for (int i = 1; names.contains(s); i++) s = base + "_" + i;
    names.add(s);
    return s;
  }

  /** Names print after '%': letters, digits, '_' and '.'; anything else becomes '_'. */
  static String sanitize(String n) {
    if (n == null || n.isEmpty()) return "v";
    StringBuilder sb = new StringBuilder();
    for (char c : n.toCharArray()) sb.append(Character.isLetterOrDigit(c) || c == '_' || c == '.' ? c : '_');
    return sb.toString();
  }

  @Override public String toString() { return GraphPrinter.print(this); }
}
