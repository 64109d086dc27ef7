package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import java.util.List;

/** The autograd node of one op: its derivative comes from the op's shared rule ({@link OpDef#vjp}). */
final class OpNode extends GradFn {
  private final OpDef op;
  private final Attrs attrs;
  private final String name;
  private final TensorType[] inTypes, outTypes;
  private final SavedTensor[] savedIn, savedOut;

  OpNode(OpDef op, Attrs attrs, String name, Tensor[] inputs, TensorType[] inTypes, TensorType[] outTypes, Edge[] next) {
    super(next);
    this.op = op;
    this.attrs = attrs;
    this.name = name;
    this.inTypes = inTypes;
    this.outTypes = outTypes;
    savedIn = new SavedTensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) if (op.savesInput(attrs, i)) savedIn[i] = new SavedTensor(inputs[i]);
    savedOut = new SavedTensor[outTypes.length];
  }

  /** Saves the outputs the derivative reads; called once the outputs carry this node. */
  void saveOutputs(Tensor[] outputs) {
    for (int i = 0; i < outputs.length; i++) if (op.savesOutput(attrs, i)) savedOut[i] = new SavedTensor(outputs[i], this);
  }

  @Override public String name() { return name; }

  @Override int numOutputs() { return outTypes.length; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    ActivationBackward.Kind kind = GradMode.isEnabled() ? ActivationBackward.kindOf(op) : null;
    if (kind != null && savedOut[0] != null) {
      // under create_graph: one node named as PyTorch's (TanhBackwardBackward0, ...), not the rule's composite
      Tensor g = gradOutputs.get(0);
      return java.util.Collections.singletonList(g == null || !needed[0] ? null : ActivationBackward.apply(kind, g, savedOut[0].unpack()));
    }
    Vjp<Tensor> v = new Vjp<>(EagerAlgebra.INSTANCE, op, attrs, inTypes, outTypes,
        i -> savedIn[i].unpack(), i -> savedOut[i].unpack(), gradOutputs, needed);
    op.vjp(v);
    return v.grads();
  }

  @Override void release() {
    for (SavedTensor s : savedIn) if (s != null) s.release();
    for (SavedTensor s : savedOut) if (s != null) s.release();
  }

  OpDef op() { return op; }
  Attrs attrs() { return attrs; }
}
