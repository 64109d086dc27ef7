package dev.tcompile.ir;

import dev.tcompile.DType;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;

/**
 * The scalar vocabulary a pointwise op's body is written in ({@link OpDef#body}), the way derivatives are written
 * against {@link Algebra}. One body, several interpreters: scalar floats (the reference the tests check bodies
 * against), blocks of floats run with the Vector API (the interpreter's fused kernels), and bytecode emitters.
 * Values are float32 or bool; {@link #dtype} tells which. The element semantics of each {@link UnaryOp} and
 * {@link BinaryOp} are the runtime's ({@code UnaryOp.apply}, {@code BinaryOp.apply}/{@code test}).
 */
public interface PointwiseOps<E> {
  DType dtype(E x);

  /** A constant of {@code dtype} (float32 or bool), the same at every element. */
  E constant(double value, DType dtype);

  /** A float32 function of a float32 value. */
  E unary(UnaryOp op, E x);

  /** Arithmetic on two float32 values; comparisons give bool; logical ops take and give bool. */
  E binary(BinaryOp op, E a, E b);

  /** {@code cond ? a : b} with a bool condition and operands of one dtype. */
  E where(E cond, E a, E b);

  /** Conversion between float32 and bool (nonzero is true; true is 1). */
  E cast(E x, DType to);

  default E castTo(E x, DType to) { return dtype(x) == to ? x : cast(x, to); }
  default E add(E a, E b) { return binary(BinaryOp.ADD, a, b); }
  default E sub(E a, E b) { return binary(BinaryOp.SUB, a, b); }
  default E mul(E a, E b) { return binary(BinaryOp.MUL, a, b); }
  default E f32(double v) { return constant(v, DType.FLOAT32); }
}
