package dev.tcompile.fuzz;

import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Torch;
import dev.tcompile.runtime.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A generated program: its nodes in creation order, node i producing value {@code v<i>}. A node is an input
 * (a {@link Leaf}: an argument of the function or a tensor it captures) or an {@link Op} on earlier values.
 * The function returns the last value. {@code choices} rebuilds it through {@link ProgramGenerator}.
 */
record Program(List<Node> nodes, int[] choices) {
  sealed interface Node permits Leaf, Op {}

  /** What an input holds: normal floats, floats in [0.5, 1.5), or class indices in [0, classes). */
  enum Kind { NORMAL, POSITIVE, CLASSES }

  /** How an input is laid out: contiguous, a transposed leaf, or a transposed view of a leaf (not a leaf itself). */
  enum Layout { CONTIGUOUS, TRANSPOSED_LEAF, TRANSPOSED_VIEW }

  /**
   * An input. {@code sameAs} >= 0: an argument that, in the tracing call, is the very tensor object of the earlier
   * argument {@code v<sameAs>} (same shape, kind and layout) and, in the second call, a tensor of its own.
   */
  record Leaf(int[] shape, Kind kind, int classes, boolean requiresGrad, Layout layout, boolean captured, int sameAs) implements Node {
    /**
     * The input's tensor for one set of values. Each leaf draws from its own seed, so dropping a node while
     * generating or shrinking leaves the other inputs' values alone. Returns {value seen by the program, tensor
     * whose gradient is compared}.
     */
    Tensor[] materialize(long valueSeed, int index) {
      Torch.manualSeed(valueSeed * 1_000_003L + index);
      int[] stored = layout == Layout.CONTIGUOUS ? shape : swapLast(shape);
      Tensor t = switch (kind) {
        case NORMAL -> Torch.randn(stored);
        case POSITIVE -> Torch.rand(stored).add(0.5);
        case CLASSES -> Torch.randint(0, classes, stored);
      };
      return switch (layout) {
        case CONTIGUOUS -> new Tensor[]{t.requiresGrad_(requiresGrad), t};
        case TRANSPOSED_LEAF -> {
          Tensor v = t.transpose(-1, -2).requiresGrad_(requiresGrad);
          yield new Tensor[]{v, v};
        }
        case TRANSPOSED_VIEW -> {
          t.requiresGrad_(requiresGrad);
          yield new Tensor[]{t.transpose(-1, -2), t};
        }
      };
    }

    String describe() {
      int[] stored = layout == Layout.CONTIGUOUS ? shape : swapLast(shape);
      String dims = Shapes.str(stored).replace("[", "").replace("]", "");
      String source = switch (kind) {
        case NORMAL -> "randn(" + dims + ")";
        case POSITIVE -> "rand(" + dims + ").add(0.5)";
        case CLASSES -> "randint(0, " + classes + ", [" + dims + "])";
      };
      String grad = requiresGrad ? ".requiresGrad_(true)" : "";
      source += switch (layout) {
        case CONTIGUOUS -> grad;
        case TRANSPOSED_LEAF -> ".transpose(-1, -2)" + grad;
        case TRANSPOSED_VIEW -> grad + ".transpose(-1, -2)";
      };
      if (sameAs >= 0) return "argument: v" + sameAs + " itself in the tracing call, " + source + " in the second call";
      return (captured ? "captured " : "argument ") + source;
    }
  }

  /** An op on earlier values; {@code text} is how it reads in Java, with values named v0, v1, ... (null: pruned). */
  record Op(String text, OpFn fn) implements Node {
    static final Op PRUNED = new Op(null, v -> null);

    /** The values it reads, from its text. */
    List<Integer> reads() {
      List<Integer> out = new ArrayList<>();
      Matcher m = VALUE.matcher(text);
      while (m.find()) out.add(Integer.parseInt(m.group(1)));
      return out;
    }
  }

  private static final Pattern VALUE = Pattern.compile("\\bv(\\d+)\\b");

  @FunctionalInterface
  interface OpFn {
    Tensor apply(List<Tensor> values);
  }

  static int[] swapLast(int[] shape) {
    int[] s = shape.clone();
    int n = s.length;
    int t = s[n - 1]; s[n - 1] = s[n - 2]; s[n - 2] = t;
    return s;
  }

  List<Leaf> leaves() {
    List<Leaf> out = new ArrayList<>();
    for (Node n : nodes) if (n instanceof Leaf l) out.add(l);
    return out;
  }

  int opCount() {
    int n = 0;
    for (Node x : nodes) if (x instanceof Op o && o.text() != null) n++;
    return n;
  }

  /** The same program with the ops the result does not depend on replaced by nothing (inputs stay: they are the signature). */
  Program pruned() {
    boolean[] live = new boolean[nodes.size()];
    live[nodes.size() - 1] = true;
    for (int i = nodes.size() - 1; i >= 0; i--)
      if (live[i] && nodes.get(i) instanceof Op o && o.text() != null) for (int r : o.reads()) live[r] = true;
    List<Node> out = new ArrayList<>(nodes);
    for (int i = 0; i < out.size(); i++) if (!live[i] && out.get(i) instanceof Op) out.set(i, Op.PRUNED);
    return new Program(List.copyOf(out), choices);
  }

  /** The program as a function of its argument leaves; captured leaves are read from {@code captured} (by leaf order). */
  TensorFn function(Tensor[] captured) {
    return xs -> {
      List<Tensor> values = new ArrayList<>(nodes.size());
      int arg = 0, leaf = 0;
      for (Node n : nodes) {
        if (n instanceof Leaf l) values.add(l.captured() ? captured[leaf] : xs[arg++]);
        else values.add(((Op) n).fn().apply(values));
        if (n instanceof Leaf) leaf++;
      }
      return values.getLast();
    };
  }

  /** One line per node, in Java. */
  String describe() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (n instanceof Op o && o.text() == null) continue;
      sb.append("  v").append(i).append(" = ");
      sb.append(n instanceof Leaf l ? l.describe() : ((Op) n).text()).append('\n');
    }
    sb.append("  return v").append(nodes.size() - 1).append('\n');
    return sb.toString();
  }
}
