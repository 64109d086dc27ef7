package dev.tcompile.codegen.program;

import java.lang.reflect.Method;

/**
 * A node as one static call into the runtime: {@code method} with {@code args}, each an {@link Input} (the
 * node's i-th input array), an {@link Output} (where its output goes), the program's {@link Registers} and a
 * {@link Register} index (for a kernel that stores its outputs there itself, returning nothing), or a constant the
 * emitter builds in bytecode ({@link ConstantEmitter}: null, boxed primitives, strings, int and boolean arrays, enum
 * constants, records of these).
 */
public record KernelCall(Method method, Object[] args) {
  /** The node's input {@code index}. */
  public record Input(int index) {}

  public static Input in(int i) { return new Input(i); }

  /** The buffer the node's output {@code index} goes into: the caller's, the memory plan's, or null (a new array). */
  public record Output(int index) {}

  public static Output out(int i) { return new Output(i); }

  /** The program's registers (an NDArray[]), which a void kernel stores its outputs into. */
  public record Registers() {}

  public static Registers registers() { return new Registers(); }

  /** The index in {@link Registers} of the node's output {@code index} (an int argument). */
  public record Register(int index) {}

  public static Register register(int i) { return new Register(i); }

  /** Whether the kernel stores its outputs into the registers itself (it returns nothing). */
  public boolean storesItself() { return method.getReturnType() == void.class; }

  /** Whether the call returns every output at once (an array) rather than the single one. */
  public boolean returnsArray() { return method.getReturnType().isArray(); }
}
