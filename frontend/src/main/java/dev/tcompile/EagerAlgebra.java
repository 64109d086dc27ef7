package dev.tcompile;

import dev.tcompile.ir.Algebra;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.runtime.NDArray;
import java.util.Arrays;
import java.util.List;

/** Derivative rules run on eager tensors: each op goes through the dispatcher (so create_graph records it). */
final class EagerAlgebra extends Algebra<Tensor> {
  static final EagerAlgebra INSTANCE = new EagerAlgebra();

  private EagerAlgebra() {}

  @Override public List<Tensor> apply(OpDef op, Attrs attrs, List<Tensor> inputs) {
    return Arrays.asList(Dispatcher.apply(op, attrs, FormulaNames.of(op, attrs, inputs), inputs.toArray(new Tensor[0])));
  }

  /** A number in a derivative formula: marked, so the op it feeds takes PyTorch's Scalar-overload name. */
  @Override public Tensor scalar(double v, dev.tcompile.DType dtype) {
    Tensor t = new Tensor(NDArray.scalar(dtype, v));
    t.formulaScalar = true;
    return t;
  }

  @Override public TensorType type(Tensor x) { return x.type(); }

  @Override public boolean columnMajor(Tensor x) { return columnMajor(x.array().shape(), x.array().strides()); }

  @Override public Tensor constant(NDArray data) { return new Tensor(data); }
}
