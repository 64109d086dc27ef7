package dev.tcompile.codegen.bytecode;

import dev.tcompile.ir.FusedOp;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Defines a generated kernel as a hidden class of this package: no name other classes can see, and unloaded
 * with the last compiled function that uses it (not {@code STRONG}), so recompiling many shapes does not grow
 * metaspace for good.
 */
public final class KernelLoader {
  private KernelLoader() {}

  /** The class every kernel is written as (the JVM makes each hidden class's name unique). */
  public static final String CLASS_NAME = "dev/tcompile/codegen/bytecode/Kernel";

  /** A new instance of the generated kernel for {@code op}; {@link VectorKernelEmitter.Unsupported} when none can be. */
  public static VectorKernel load(FusedOp op) {
    byte[] bytes = VectorKernelEmitter.emit(op, CLASS_NAME);
    try {
      MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClass(bytes, true);
      return (VectorKernel) l.findConstructor(l.lookupClass(), MethodType.methodType(void.class)).invoke();
    } catch (Throwable t) {
      throw new IllegalStateException("the generated kernel for " + op.body().name() + " did not load: " + t, t);
    }
  }
}
