package dev.tcompile;

import dev.tcompile.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * The one node of a multi-output view function (split, chunk: SplitBackward0 / SplitWithSizesBackward0; unbind:
 * UnbindBackward0), as PyTorch records it: every piece is an output of the same node, whose backward concatenates
 * (split) or stacks (unbind) the gradients of all pieces along the dim, a piece no gradient reached contributing zeros
 * (split_with_sizes_backward / unbind_backward). Under create_graph that is a recorded cat/stack (CatBackward0 /
 * StackBackward0 with no edge for the zeros). The pieces stay views of the input: written in place they take their
 * history from the input again, as any view does.
 */
final class PiecesBackward extends GradFn {
  private final String name;
  private final int dim;
  private final boolean stack;
  private final TensorType[] pieceTypes;

  private PiecesBackward(String name, Edge input, int dim, boolean stack, TensorType[] pieceTypes) {
    super(new Edge[]{input});
    this.name = name;
    this.dim = dim;
    this.stack = stack;
    this.pieceTypes = pieceTypes;
  }

  /**
   * Makes {@code pieces} (views of {@code input} along {@code dim}, made without recording) the outputs of one node,
   * when grad mode is on and {@code input} requires grad.
   */
  static List<Tensor> attach(String name, Tensor input, int dim, boolean stack, List<Tensor> pieces) {
    if (!GradMode.isEnabled() || !input.requiresGrad()) return pieces;
    TensorType[] types = new TensorType[pieces.size()];
    for (int i = 0; i < types.length; i++) types[i] = pieces.get(i).type();
    PiecesBackward node = new PiecesBackward(name, input.gradEdge(), dim, stack, types);
    for (int i = 0; i < types.length; i++) pieces.get(i).setHistory(node, i);
    return pieces;
  }

  @Override public String name() { return name; }

  @Override int numOutputs() { return pieceTypes.length; }

  @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
    List<Tensor> out = new ArrayList<>(1);
    if (!needed[0]) {
      out.add(null);
      return out;
    }
    Tensor[] grads = new Tensor[pieceTypes.length];
    for (int i = 0; i < grads.length; i++) {
      Tensor g = gradOutputs.get(i);
      grads[i] = g != null ? g : Torch.zeros(pieceTypes[i].dtype(), pieceTypes[i].shape());
    }
    out.add(stack ? Torch.stack(dim, grads) : Torch.cat(dim, grads));
    return out;
  }
}
