package dev.tcompile.ir;

/**
 * An SSA value: defined once, by a node's output or as a graph input, with a static type. Identity is the
 * object; {@link #name()} is for printing and is unique within its graph.
 */
public final class Value {
  private final String name;
  private final TensorType type;
  private final Node producer;
  private final int index;

  Value(String name, TensorType type, Node producer, int index) {
    this.name = name;
    this.type = type;
    this.producer = producer;
    this.index = index;
  }

  public String name() { return name; }
  public TensorType type() { return type; }
  /** The node that defines this value, or null for a graph input. */
  public Node producer() { return producer; }
  /** Which output of its producer this value is. */
  public int index() { return index; }
  public boolean isInput() { return producer == null; }

  @Override public String toString() { return "%" + name + ": " + type; }
}
