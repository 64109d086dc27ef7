package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.runtime.NDArray;

/**
 * Runs one op eagerly: checks shapes with the op's rule, computes with its kernel, records the autograd node
 * when grad mode is on and an input requires grad, and reports the op to an active tracer. Every eager op —
 * Tensor methods, {@code nn.F}, derivative rules under create_graph — passes through {@link #apply}.
 */
public final class Dispatcher {
  private Dispatcher() {}

  /** Applies {@code op}; {@code gradName} overrides the op's autograd node name (null keeps it). */
  public static Tensor[] apply(OpDef op, Attrs attrs, String gradName, Tensor... in) {
    TensorType[] inTypes = new TensorType[in.length];
    NDArray[] data = new NDArray[in.length];
    for (int i = 0; i < in.length; i++) {
      if (in[i] == null) throw new TorchException(op.name() + "(): argument " + i + " must be a Tensor, not null");
      inTypes[i] = in[i].type();
      data[i] = in[i].array();
    }
    TensorType[] outTypes = op.infer(attrs, inTypes);
    NDArray[] outData = op.eval(attrs, data);
    for (int i = 0; i < outData.length; i++)
      if (outData[i].dtype() != outTypes[i].dtype() && (outData[i].dtype() == DType.FLOAT64 || outTypes[i].dtype() == DType.FLOAT64))
        throw new TorchException(op.name() + "(): computed " + outData[i].dtype() + " where " + outTypes[i].dtype() + " was expected (not supported for float64 yet)");
    Tensor[] out = new Tensor[outData.length];
    boolean view = op.isView() && outData[0].sharesStorage(data[0]);
    for (int i = 0; i < out.length; i++) {
      out[i] = view && i == 0 ? in[0].viewOf(outData[0], new ViewChain.Step(op, attrs, inTypes[0], outTypes[0])) : new Tensor(outData[i]);
    }
    if (GradMode.isEnabled() && needsRecording(op, in)) record(op, attrs, gradName, in, inTypes, outTypes, out);
    TraceHook hook = TraceHook.current();
    if (hook != null) hook.onOp(op, attrs, in, out);
    return out;
  }

  public static Tensor apply1(OpDef op, Attrs attrs, Tensor... in) { return apply(op, attrs, null, in)[0]; }

  public static Tensor apply1(String gradName, OpDef op, Attrs attrs, Tensor... in) { return apply(op, attrs, gradName, in)[0]; }

  private static boolean needsRecording(OpDef op, Tensor[] in) {
    for (int i = 0; i < in.length; i++) if (in[i].requiresGrad() && op.differentiable(i)) return true;
    return false;
  }

  private static void record(OpDef op, Attrs attrs, String gradName, Tensor[] in, TensorType[] inTypes,
                             TensorType[] outTypes, Tensor[] out) {
    GradFn.Edge[] next = new GradFn.Edge[in.length];
    for (int i = 0; i < in.length; i++) if (op.differentiable(i) && in[i].requiresGrad()) next[i] = in[i].gradEdge();
    OpNode node = new OpNode(op, attrs, gradName != null ? gradName : op.gradFnName(attrs), in, inTypes, outTypes, next);
    for (int i = 0; i < out.length; i++) {
      if (out[i].dtype().isFloatingPoint()) out[i].setHistory(node, i);
    }
    node.saveOutputs(out);
  }
}
