package dev.tcompile.ir;

import dev.tcompile.runtime.NDArray;
import java.util.List;

/** One op application: {@code %3, %4 = max_dim(%2) {dim=1, keepdim=false}}. Constants carry their data. */
public final class Node {
  private final OpDef op;
  private final Attrs attrs;
  private final List<Value> inputs;
  private List<Value> outputs;
  private final NDArray payload;

  Node(OpDef op, Attrs attrs, List<Value> inputs, NDArray payload) {
    this.op = op;
    this.attrs = attrs;
    this.inputs = List.copyOf(inputs);
    this.payload = payload;
  }

  void setOutputs(List<Value> outs) { this.outputs = List.copyOf(outs); }

  public OpDef op() { return op; }
  public Attrs attrs() { return attrs; }
  public List<Value> inputs() { return inputs; }
  public List<Value> outputs() { return outputs; }
  public Value output() { return outputs.get(0); }
  /** A constant's data (null for every other op). */
  public NDArray payload() { return payload; }
  public boolean isConstant() { return op == Constant.OP; }

  @Override public String toString() { return GraphPrinter.node(this); }
}
