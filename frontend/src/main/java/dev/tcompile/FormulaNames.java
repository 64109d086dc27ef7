package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.ir.ops.Indexing;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.util.List;

/**
 * The node names PyTorch's derivative formulas give the ops a derivative rule applies eagerly under create_graph,
 * where they differ from the op's own name: arithmetic with a C++ number is the Scalar overload ({@code grad * 2} is
 * MulBackward1, {@code result + 1} AddBackward1, {@code 1 - y} RsubBackward1), and the matrix products' transposes are
 * {@code t()} for matrices (TBackward0) and {@code transpose(-2, -1)} for batches (TransposeBackward0), which the rules
 * write as permutes; the formulas' sign is {@code sgn()} (SgnBackward0); the reshapes of a view's backward are
 * PyTorch's {@code reshape} (ReshapeAliasBackward0), of unsqueeze's {@code squeeze(dim)} (SqueezeBackward1), of squeeze's
 * and of a sum over dims {@code unsqueeze} (UnsqueezeBackward0); masked_fill's and norm's zeroing where is
 * {@code masked_fill(mask, 0)} (MaskedFillBackward0), as are maximum's and minimum's; max(dim)'s scatter is
 * {@code scatter_} (ScatterBackward0). Null keeps the op's name.
 */
final class FormulaNames {
  private FormulaNames() {}

  static String of(OpDef op, Attrs attrs, List<Tensor> in) {
    if (op == Views.PERMUTE) return permute(attrs.getInts("dims"));
    if (op == Elementwise.unary(UnaryOp.SIGN)) return "SgnBackward0";
    if (op == Views.RESHAPE) return reshape(in.get(0).shapeArray(), attrs.getInts("shape"));
    if (op == Indexing.SCATTER_ADD && ruleIn(VALUE_SELECTING_RULES)) return "ScatterBackward0";
    if (op == Elementwise.WHERE && in.get(1).formulaScalar && ruleIn(MASKED_FILL_RULES)) return "MaskedFillBackward0";
    if (op == Elementwise.WHERE && in.get(2).formulaScalar && ruleIn(EVENLY_DISTRIBUTING_RULES)) return "MaskedFillBackward1";
    if (in.size() != 2) return null;
    boolean first = in.get(0).formulaScalar, second = in.get(1).formulaScalar;
    if (!first && !second) return null;
    if (op == Elementwise.binary(BinaryOp.MUL)) return "MulBackward1";
    if (op == Elementwise.binary(BinaryOp.ADD)) return "AddBackward1";
    if (op == Elementwise.binary(BinaryOp.SUB)) return second ? "SubBackward1" : "RsubBackward1";
    if (op == Elementwise.binary(BinaryOp.DIV) && second) return "DivBackward1";
    return null;
  }

  /** Nodes whose PyTorch formula zeroes by a mask with {@code masked_fill(mask, 0)}, which their rules write as a where. */
  private static final java.util.Set<String> MASKED_FILL_RULES =
      java.util.Set.of("MaskedFillBackward0", "NormBackward1", "MaximumBackward0", "MinimumBackward0");

  /**
   * max(dim)/min(dim): PyTorch's value_selecting_reduction_backward scatters the gradient into zeros (scatter_, each
   * index once, so the values are scatter_add's) after unsqueezing it.
   */
  private static final java.util.Set<String> VALUE_SELECTING_RULES = java.util.Set.of("MaxBackward0", "MinBackward0");

  /** max()/min(): evenly_distribute_backward fills zeros with grad / count where the mask holds (masked_fill_ with a tensor). */
  private static final java.util.Set<String> EVENLY_DISTRIBUTING_RULES = java.util.Set.of("MaxBackward1", "MinBackward1");

  /** The name of the node whose derivative rule runs on this thread (set by OpNode while its rule runs). */
  private static final ThreadLocal<String> RULE_OF = new ThreadLocal<>();

  /** Runs {@code rule} as the derivative of node {@code nodeName}; returns what it returns. */
  static <R> R inRuleOf(String nodeName, java.util.function.Supplier<R> rule) {
    String outer = RULE_OF.get();
    RULE_OF.set(nodeName);
    try {
      return rule.get();
    } finally {
      RULE_OF.set(outer);
    }
  }

  /** Whether the running rule is one of {@code rules} (none runs outside OpNode's rules; Set.of refuses null). */
  private static boolean ruleIn(java.util.Set<String> rules) {
    String rule = RULE_OF.get();
    return rule != null && rules.contains(rule);
  }

  private static String reshape(int[] from, int[] to) {
    String rule = RULE_OF.get();
    if (rule == null) return null;
    return switch (rule) {
      case "ViewBackward0", "ReshapeAliasBackward0", "UnsafeViewBackward0" -> "ReshapeAliasBackward0";
      case "UnsqueezeBackward0" -> "SqueezeBackward1";
      case "SqueezeBackward0", "SqueezeBackward1", "SumBackward1", "MaxBackward0", "MinBackward0" ->
          to.length > from.length ? "UnsqueezeBackward0" : null;
      default -> null;
    };
  }

  /** TBackward0 for a matrix transpose, TransposeBackward0 for a permute that swaps two dims, else the op's name. */
  private static String permute(int[] dims) {
    int moved = 0;
    for (int i = 0; i < dims.length; i++) if (dims[i] != i) moved++;
    if (moved != 2) return null;
    return dims.length == 2 ? "TBackward0" : "TransposeBackward0";
  }
}
