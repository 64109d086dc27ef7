package dev.tcompile.ir.ops;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.runtime.NDArray;

/** Ops without tensor inputs. */
public final class Creation {
  private Creation() {}

  /** full(shape, value, dtype): a tensor of one value (zeros and ones are its special cases). */
  public static final OpDef FULL = new OpDef("full") {
    @Override public int arity() { return 0; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      return Elementwise.one(TensorType.of(a.getDType("dtype"), a.getInts("shape")));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(NDArray.full(a.getDType("dtype"), a.getDouble("value"), a.getInts("shape")));
    }
  };
}
