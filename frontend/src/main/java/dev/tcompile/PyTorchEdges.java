package dev.tcompile;

import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.ops.Convolution;
import dev.tcompile.ir.ops.Normalization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * An op node's {@code next_functions} as PyTorch 1.13 lists them. PyTorch's generated nodes have one edge per
 * argument that has a derivative formula, so inputs tcompile passes as tensors but PyTorch takes as non-differentiable
 * arguments (targets, indices, class weights, running statistics, where's condition) have none; the Scalar overloads
 * ({@code 1 - x}, {@code x.remainder(1.5)}, {@code masked_fill(mask, 0.0)}, a mean's division by the element count) take the number as a Scalar, not a
 * tensor; an absent optional tensor (conv's bias, layer_norm's affine pair) is still an undefined edge there; and the
 * backward ops of gather, index_select and indexing accumulate into zeros that are their first argument there.
 */
final class PyTorchEdges {
  private PyTorchEdges() {}

  /** Nodes of PyTorch's Scalar overloads: the 0-dim operand tcompile wraps as a tensor is no edge there. */
  private static final Set<String> SCALAR_OVERLOADS =
      Set.of("AddBackward1", "SubBackward1", "MulBackward1", "DivBackward1", "RsubBackward1", "RemainderBackward0",
          "MaskedFillBackward0");

  /** Backward ops PyTorch writes as an accumulation into a zeros {@code self} tensor, its first (undefined) edge. */
  private static final Set<String> INTO_ZEROS = Set.of("IndexAddBackward0", "ScatterAddBackward0", "ScatterBackward0", "IndexPutImplBackward0");

  static List<GradFn.Edge> of(OpDef op, String name, TensorType[] inTypes, GradFn.Edge[] next) {
    // masked_fill(zeros, mask, value tensor), which tcompile writes where(mask, value, 0): edges (self, value)
    if (name.equals("MaskedFillBackward1")) return List.of(new GradFn.Edge(null, 0), next[1] == null ? new GradFn.Edge(null, 0) : next[1]);
    List<GradFn.Edge> out = new ArrayList<>(next.length + 2);
    if (INTO_ZEROS.contains(name)) out.add(new GradFn.Edge(null, 0));
    boolean scalarOverload = SCALAR_OVERLOADS.contains(name);
    for (int i = 0; i < next.length; i++) {
      if (!op.differentiable(i)) continue;
      if (scalarOverload && next[i] == null && inTypes[i].dim() == 0) continue;
      out.add(next[i] == null ? new GradFn.Edge(null, 0) : next[i]);
    }
    int absent = op == Convolution.CONV2D && next.length == 2 ? 1 : op == Normalization.NATIVE_LAYER_NORM && next.length == 1 ? 2 : 0;
    for (int i = 0; i < absent; i++) out.add(new GradFn.Edge(null, 0));
    return Collections.unmodifiableList(out);
  }
}
