package dev.tcompile.codegen.program;

import java.lang.reflect.Method;

/**
 * A node as one static call into the runtime: {@code method} with {@code args}, each either an {@link Input} (the
 * node's i-th input array) or a constant the emitter builds in bytecode ({@link ConstantEmitter}: null, boxed
 * primitives, strings, int and boolean arrays, enum constants, records of these).
 */
public record KernelCall(Method method, Object[] args) {
  /** The node's input {@code index}. */
  public record Input(int index) {}

  public static Input in(int i) { return new Input(i); }

  /** Whether the call returns every output at once (an array) rather than the single one. */
  public boolean returnsArray() { return method.getReturnType().isArray(); }
}
