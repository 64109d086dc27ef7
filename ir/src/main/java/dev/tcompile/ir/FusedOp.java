package dev.tcompile.ir;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fused kernel: the op of a node that holds a subgraph of pointwise ops (each with a {@link OpDef#body}) and
 * scalar constants, and optionally float sums of its values as epilogues. The body's pointwise values share one
 * shape, the kernel's iteration space, which every input broadcasts to; a sum reduces a value of that shape and
 * is an output only (nothing in the body reads it: it is complete only when the loop ends). Backends run the body as one loop over that space (the interpreter's
 * {@code FusedKernel} a block at a time, the bytecode backend as one vector loop); {@link #eval} runs the body
 * node by node with each op's own kernel, the reference the loops are checked against.
 * Prints as {@code %3 = fused(%1, %2) graph @fused0(%a: f32[4], %b: f32[]) { ... return %r } : f32[4]}.
 */
public final class FusedOp extends OpDef {
  public static final String NAME = "fused";

  private final Graph body;
  private final int[] space;

  public FusedOp(Graph body) {
    super(NAME);
    this.body = body;
    this.space = check(body);
  }

  public Graph body() { return body; }

  /** The shape every pointwise output has and every input and intermediate broadcasts to. */
  public int[] iterationSpace() { return space.clone(); }

  @Override public int arity() { return body.inputs().size(); }
  @Override public int numOutputs(Attrs attrs) { return body.outputs().size(); }

  @Override public TensorType[] infer(Attrs attrs, TensorType... in) {
    checkArity(in);
    for (int i = 0; i < in.length; i++)
      if (!in[i].equals(body.inputs().get(i).type()))
        throw new TorchException("fused: input " + i + " is " + in[i] + " but the body's %" + body.inputs().get(i).name()
            + " is " + body.inputs().get(i).type());
    return body.outputs().stream().map(Value::type).toArray(TensorType[]::new);
  }

  /** The reference: each body node's own kernel, in order. */
  @Override public NDArray[] eval(Attrs attrs, NDArray... in) {
    Map<Value, NDArray> env = new IdentityHashMap<>();
    for (int i = 0; i < in.length; i++) env.put(body.inputs().get(i), in[i]);
    for (Node n : body.nodes()) {
      if (n.isConstant()) { env.put(n.output(), n.payload()); continue; }
      NDArray[] args = n.inputs().stream().map(env::get).toArray(NDArray[]::new);
      NDArray[] outs = n.op().eval(n.attrs(), args);
      for (int k = 0; k < outs.length; k++) env.put(n.outputs().get(k), outs[k]);
    }
    NDArray[] out = new NDArray[body.outputs().size()];
    for (int i = 0; i < out.length; i++) {
      // always a fresh array of the output's shape: a body may return an input, a constant or a broadcast view
      TensorType t = body.outputs().get(i).type();
      out[i] = NDArray.empty(t.dtype(), t.shape());
      out[i].copyFrom(env.get(body.outputs().get(i)));
    }
    return out;
  }

  /**
   * The rules a body must follow: pointwise nodes (those with a body for their input types) and constants of one
   * element; outputs of one shape, which every value broadcasts to.
   */
  private static int[] check(Graph body) {
    if (body.outputs().isEmpty()) throw new TorchException("fused: the body @" + body.name() + " returns nothing");
    int[] space = null;
    for (Node n : body.nodes())
      if (!n.isConstant()) { space = isReduction(n) ? n.inputs().get(0).type().shape() : n.output().type().shape(); break; }
    if (space == null) space = body.outputs().get(0).type().shape();
    for (Value v : body.outputs()) {
      Node p = v.producer();
      if ((p == null || !isReduction(p)) && !Arrays.equals(v.type().shape(), space))
        throw new TorchException("fused: outputs of @" + body.name() + " differ in shape: " + Shapes.str(space) + " and " + Shapes.str(v.type().shape()));
    }
    for (Value v : body.inputs()) broadcastsTo(body, v, space);
    for (Node n : body.nodes()) {
      if (n.isConstant()) {
        if (n.payload().numel() != 1) throw new TorchException("fused: constant %" + n.output().name() + " of @" + body.name() + " must have one element");
        continue;
      }
      for (Value in : n.inputs())
        if (in.producer() != null && isReduction(in.producer()))
          throw new TorchException("fused: " + n.op().name() + " in @" + body.name() + " reads the sum %" + in.name() + ", which is complete only after the loop");
      if (isReduction(n)) {
        if (!Arrays.equals(n.inputs().get(0).type().shape(), space) || n.inputs().get(0).type().dtype() != dev.tcompile.DType.FLOAT32)
          throw new TorchException("fused: the sum %" + n.output().name() + " of @" + body.name() + " must reduce a float32 value of shape " + Shapes.str(space));
        if (!body.outputs().contains(n.output()))
          throw new TorchException("fused: the sum %" + n.output().name() + " of @" + body.name() + " must be an output");
        continue;
      }
      TensorType[] in = n.inputs().stream().map(Value::type).toArray(TensorType[]::new);
      if (!n.op().hasBody(n.attrs(), in))
        throw new TorchException("fused: " + n.op().name() + " in @" + body.name() + " is not pointwise for inputs " + Arrays.toString(in));
      for (Value v : n.outputs()) broadcastsTo(body, v, space);
    }
    return space;
  }

  /** A sum node: the one reduction a fused kernel takes, as an epilogue. */
  public static boolean isReduction(Node n) { return n.op() == dev.tcompile.ir.ops.Reductions.SUM; }

  private static void broadcastsTo(Graph body, Value v, int[] space) {
    int[] s = v.type().shape();
    boolean ok = s.length <= space.length;
    for (int i = 0; ok && i < s.length; i++) {
      int d = s[s.length - 1 - i], t = space[space.length - 1 - i];
      ok = d == t || d == 1;
    }
    if (!ok) throw new TorchException("fused: %" + v.name() + " of @" + body.name() + " (" + v.type() + ") does not broadcast to " + Shapes.str(space));
  }

  /** Fused nodes are built after autodiff: they have no derivative of their own. */
  @Override public boolean differentiable(int input) { return false; }

  /** Distinct kernels even when bodies look alike (CSE compares ops by identity). */
  @Override public boolean equals(Object o) { return this == o; }
  @Override public int hashCode() { return System.identityHashCode(this); }

  /** Body inputs in the order the node passes them. */
  public List<Value> bodyInputs() { return body.inputs(); }
}
