package dev.tcompile.ir;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;

/**
 * The {@code constant} pseudo-op: a value whose data travels with the node. Small constants print inline;
 * large ones print as a reference ({@code @"file.safetensors"["name"]}) to data stored beside the IR text.
 */
public final class Constant {
  private Constant() {}

  /** Constants up to this many elements print inline. */
  public static final int INLINE_LIMIT = 16;

  public static final OpDef OP = new OpDef("constant") {
    @Override public int arity() { return 0; }

    @Override public TensorType[] infer(Attrs attrs, TensorType... in) {
      throw new TorchException("a constant's type comes from its data");
    }

    @Override public NDArray[] eval(Attrs attrs, NDArray... in) {
      throw new TorchException("constants are read from their node, not evaluated");
    }
  };
}
