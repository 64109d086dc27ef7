package dev.tcompile.ir;

import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.ViewMath;
import java.util.Arrays;
import java.util.List;

/** Derivative rules (and replays) that append to a graph instead of computing: the compiler's {@link Algebra}. */
public final class GraphAlgebra extends Algebra<Value> {
  private final Graph graph;

  public GraphAlgebra(Graph graph) { this.graph = graph; }

  public Graph graph() { return graph; }

  @Override public List<Value> apply(OpDef op, Attrs attrs, List<Value> inputs) {
    if (op == Views.PERMUTE) {
      Value undone = undone(attrs.getInts("dims"), inputs.get(0));
      if (undone != null) return List.of(undone);
    }
    return Arrays.asList(graph.add(op, attrs, inputs, null, null));
  }

  /**
   * The value a permute by {@code dims} of {@code x} gives back when {@code x} is itself a permute that this one
   * undoes (a rule's transposed gradient, e.g. mm's for a column-major operand, through the transpose that made the
   * operand): the graph then holds the product itself, which later passes and the memory plan see as one, or null.
   */
  private static Value undone(int[] dims, Value x) {
    Node p = x.producer();
    if (p == null || p.isConstant() || p.op() != Views.PERMUTE) return null;
    int[] inner = p.attrs().getInts("dims");
    int n = dims.length;
    if (inner.length != n) return null;
    for (int i = 0; i < n; i++)
      if (Shapes.wrapDim(inner[Shapes.wrapDim(dims[i], n)], n) != i) return null;
    return p.inputs().get(0);
  }

  @Override public TensorType type(Value x) { return x.type(); }

  @Override public Value constant(NDArray data) { return graph.constant(data); }

  /** The layout the eager run would have: see {@link #strides}. */
  @Override public boolean columnMajor(Value x) { return columnMajor(x.type().shape(), strides(x)); }

  /**
   * The strides {@code x} has when the graph runs as eager code would: constants have their array's, inputs
   * (parameters, arguments) and the results of computing ops are contiguous, permutes and reshapes are the views eager code makes of them; null
   * where unknown (other views).
   */
  static int[] strides(Value x) {
    Node p = x.producer();
    int[] shape = x.type().shape();
    if (p != null && p.isConstant() && p.payload() != null) return p.payload().strides();
    if (p == null || p.isConstant() || !p.op().isView()) return Shapes.contiguousStrides(shape);
    if (p.op() == Views.PERMUTE) {
      int[] in = strides(p.inputs().get(0)), dims = p.attrs().getInts("dims");
      if (in == null) return null;
      int[] st = new int[dims.length];
      for (int i = 0; i < dims.length; i++) st[i] = in[Shapes.wrapDim(dims[i], dims.length)];
      return st;
    }
    if (p.op() == Views.RESHAPE) {
      Value src = p.inputs().get(0);
      int[] in = strides(src);
      if (in == null) return null;
      int[] st = ViewMath.computeStrides(src.type().shape(), in, shape);
      return st != null ? st : Shapes.contiguousStrides(shape);
    }
    return null;
  }
}
