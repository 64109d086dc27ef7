package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import dev.tcompile.ir.ops.LossFunctions;
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

  /** PyTorch's next_functions for this op ({@link PyTorchEdges}); the engine still uses one edge per input. */
  @Override public List<Edge> nextEdges() { return PyTorchEdges.of(op, name, inTypes, next); }

  @Override int numOutputs() { return outTypes.length; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    ActivationBackward.Kind kind = GradMode.isEnabled() ? ActivationBackward.kindOf(op) : null;
    if (kind != null && savedOut[0] != null) {
      // under create_graph: one node named as PyTorch's (TanhBackwardBackward0, ...), not the rule's composite
      Tensor g = gradOutputs.get(0);
      return java.util.Collections.singletonList(g == null || !needed[0] ? null : ActivationBackward.apply(kind, g, savedOut[0].unpack()));
    }
    if (GradMode.isEnabled() && LeakyReluBackward.isLeakyRelu(op) && needed[0]) {
      // under create_graph: LeakyReluBackwardBackward0, connected to the input as PyTorch's node is
      Tensor g = gradOutputs.get(0);
      return java.util.Collections.singletonList(g == null ? null : LeakyReluBackward.apply(g, savedIn[0].unpack(), attrs.getDouble("negative_slope")));
    }
    if (GradMode.isEnabled() && (op == LossFunctions.MSE_LOSS || op == LossFunctions.BINARY_CROSS_ENTROPY))
      return lossDerivatives(gradOutputs, needed);
    if (GradMode.isEnabled() && GeluTanhBackward.isGeluTanh(op) && gradOutputs.get(0) != null) {
      // under create_graph: GeluBackwardBackward0, valued by the rule computed without recording
      List<Tensor> plain;
      try (GradGuard off = Torch.noGrad()) {
        plain = ruleGrads(gradOutputs, needed);
      }
      GeluTanhBackward.attach(plain.get(0), gradOutputs.get(0), savedIn[0].unpack());
      return plain;
    }
    List<Tensor> grads = ruleGrads(gradOutputs, needed);
    if (GradMode.isEnabled() && NormBackwardBackward.applies(op))
      return NormBackwardBackward.attach(op, attrs, name, gradOutputs.get(0), next, grads); // PyTorch's one node
    if (GradMode.isEnabled() && op == dev.tcompile.ir.ops.Convolution.CONV2D) {
      // under create_graph: one ConvolutionBackwardBackward0 for all of conv's gradients, as PyTorch's node
      ConvolutionBackward.attach(gradOutputs.get(0), next[0], next[1], grads);
      return grads;
    }
    String linearName = GradMode.isEnabled() ? SelfEdgeBackward.nameFor(op, attrs, name) : null;
    if (linearName != null) SelfEdgeBackward.attach(linearName, grads.get(0), next[0], inTypes[0]);
    return grads;
  }

  private List<Tensor> ruleGrads(List<Tensor> gradOutputs, boolean[] needed) {
    Vjp<Tensor> v = new Vjp<>(EagerAlgebra.INSTANCE, op, attrs, inTypes, outTypes,
        i -> savedIn[i].unpack(), i -> savedOut[i].unpack(), gradOutputs, needed);
    return FormulaNames.inRuleOf(name, () -> {
      op.vjp(v);
      return inInputDTypes(v.grads());
    });
  }

  /**
   * Under create_graph, mse_loss's gradients and binary_cross_entropy's input gradient are PyTorch's single nodes
   * (MseLossBackwardBackward0, BinaryCrossEntropyBackwardBackward0), valued by the rule computed without recording;
   * binary_cross_entropy's target gradient stays the rule's recorded composite.
   */
  private List<Tensor> lossDerivatives(List<Tensor> gradOutputs, boolean[] needed) {
    Tensor g = gradOutputs.get(0);
    boolean mse = op == LossFunctions.MSE_LOSS;
    List<Tensor> plain;
    try (GradGuard off = Torch.noGrad()) {
      plain = new java.util.ArrayList<>(ruleGrads(gradOutputs, mse ? needed : new boolean[]{needed[0], false}));
    }
    if (g == null) return plain;
    String reduction = attrs.getString("reduction");
    Tensor x = savedIn[0].unpack(), t = savedIn[1].unpack();
    if (mse) {
      MseLossBackward.attach(plain.get(0), g, x, t, reduction);
      if (plain.size() > 1) MseLossBackward.attach(plain.get(1), g, t, x, reduction);
      return plain;
    }
    BinaryCrossEntropyBackward.attach(plain.get(0), g, x, t, savedIn.length > 2 ? savedIn[2].unpack() : null, reduction);
    if (needed.length > 1 && needed[1]) {
      boolean[] targetOnly = new boolean[needed.length];
      targetOnly[1] = true;
      plain.set(1, ruleGrads(gradOutputs, targetOnly).get(1));
    }
    return plain;
  }

  /**
   * PyTorch's validate_outputs: each gradient takes its input's dtype (the gradient of a float32 input of a
   * float64 result is cast back to float32), through a recorded cast so create_graph differentiates it.
   */
  private List<Tensor> inInputDTypes(List<Tensor> grads) {
    List<Tensor> out = null;
    for (int i = 0; i < grads.size(); i++) {
      Tensor g = grads.get(i);
      dev.tcompile.DType want = inTypes[i].dtype();
      if (g == null || g.dtype() == want || !want.isFloatingPoint()) continue;
      if (out == null) out = new java.util.ArrayList<>(grads);
      out.set(i, g.to(want));
    }
    return out == null ? grads : out;
  }

  @Override void release() {
    for (SavedTensor s : savedIn) if (s != null) s.release();
    for (SavedTensor s : savedOut) if (s != null) s.release();
  }

  OpDef op() { return op; }
  Attrs attrs() { return attrs; }
}
