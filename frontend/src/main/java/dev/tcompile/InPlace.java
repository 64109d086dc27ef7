package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.ops.Creation;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/**
 * In-place ops ({@code add_}, {@code copy_}, ...): the op runs out of place through the dispatcher, its result
 * is written into the tensor's storage, the version counter is bumped (so stale saved tensors are caught, and
 * views of the storage take their history again), and the history is rebased as PyTorch does: onto the op's
 * node, or — when the tensor is a view — its base's onto a {@link CopySlices} wrapping that node.
 */
final class InPlace {
  private InPlace() {}

  static Tensor apply(Tensor self, OpDef op, Attrs attrs, Tensor... others) { return apply(self, null, op, attrs, others); }

  static Tensor apply(Tensor self, String gradName, OpDef op, Attrs attrs, Tensor... others) {
    boolean othersNeedGrad = false;
    for (Tensor o : others) othersNeedGrad |= o.requiresGrad();
    check(self);
    if (op != Creation.FULL_LIKE) checkNoInternalOverlap(self); // fill_ and zero_ may write a value many times
    Tensor[] in = new Tensor[others.length + 1];
    in[0] = self;
    System.arraycopy(others, 0, in, 1, others.length);
    boolean record = GradMode.isEnabled() && (self.requiresGrad() || othersNeedGrad);
    // the derivative must see self's value from before the write: save a copy with self's autograd identity
    if (record && op.savesInput(attrs, 0)) in[0] = self.snapshotForSave();
    Tensor base = self.viewBase();
    GradFn.Edge baseHistory = record && base != null ? base.gradEdge() : null;
    Tensor r = Dispatcher.apply(op, attrs, gradName, in)[0];
    write(self, r);
    if (r.gradFn() == null) return self;
    if (base == null) self.setHistory(r.gradFn(), 0);
    else base.setHistory(new CopySlices(baseHistory, r.gradFn(), self.viewChain()), 0);
    return self;
  }

  /** Overwrites every element with {@code values} (uniform_, normal_): no gradient reaches the old value. */
  static Tensor overwrite(Tensor self, String gradName, NDArray values) {
    return apply(self, gradName, Creation.COPY, Attrs.EMPTY, Tensor.wrap(values));
  }

  private static void check(Tensor self) {
    if (!GradMode.isEnabled()) return;
    Tensor base = self.viewBase();
    if (base != null && base.isLeaf() && base.requiresGrad())
      throw new TorchException("a view of a leaf Variable that requires grad is being used in an in-place operation.");
    if (self.isLeaf() && self.requiresGrad())
      throw new TorchException("a leaf Variable that requires grad is being used in an in-place operation.");
  }

  /** ATen's assert_no_internal_overlap: an expanded tensor (a stride 0 over a size > 1) is not written elementwise. */
  private static void checkNoInternalOverlap(Tensor self) {
    int[] shape = self.array().shape(), strides = self.array().strides();
    for (int i = 0; i < shape.length; i++)
      if (shape[i] > 1 && strides[i] == 0)
        throw new TorchException("unsupported operation: more than one element of the written-to tensor refers to a single "
            + "memory location. Please clone() the tensor before performing the operation.");
  }

  /** Checks the result fits self (dtype, shape), writes it into self's storage and bumps the version. */
  private static void write(Tensor self, Tensor r) {
    DType want = self.dtype(), got = r.dtype();
    if (!canCast(got, want))
      throw new TorchException("result type " + got.legacyName() + " can't be cast to the desired output type " + want.legacyName());
    if (!java.util.Arrays.equals(r.shapeArray(), self.shapeArray()))
      throw new TorchException("output with shape " + Shapes.str(self.shapeArray()) + " doesn't match the broadcast shape "
          + Shapes.str(r.shapeArray()));
    Tracing.inplace(self, r);
    self.array().copyFrom(r.array());
    self.versionCounter().bump();
  }

  /** PyTorch's canCast: no float into an integer, nothing but bool into bool. */
  private static boolean canCast(DType from, DType to) {
    if (from.isFloatingPoint()) return to.isFloatingPoint();
    if (from == DType.INT64) return to != DType.BOOL;
    return true;
  }
}
