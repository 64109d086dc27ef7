package dev.tcompile.codegen.bytecode;

import dev.tcompile.ir.FusedOp;
import dev.tcompile.runtime.compiled.VectorKernel;
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

  /**
   * Fused loops of fewer elements run in the interpreter's blocked loop instead of a generated one. A small kernel
   * is called too rarely for HotSpot to compile it with C2: it stays in C1 code, where no Vector API operation is
   * intrinsified, so every vector is a heap object (measured: the MNIST step's bias and bias-update kernels of 1 to
   * 500 elements were still in C1 after thousands of steps, and allocated most of the step's garbage). The
   * interpreter's loops are shared by every fused node and compiled early. The system property
   * {@code tcompile.kernels.minElements} overrides it (tests set 1 to generate code for small programs too).
   */
  public static final int MIN_ELEMENTS = 4096;

  /** Null when {@code op} is worth a generated loop, else why it runs in the interpreter's loop. */
  public static String tooSmall(FusedOp op) {
    long n = dev.tcompile.runtime.Shapes.numel(op.iterationSpace());
    int min = Integer.getInteger("tcompile.kernels.minElements", MIN_ELEMENTS);
    return n >= min ? null : n + " elements a call are too few for a loop of its own (under " + min + ", it would stay in unoptimised code)";
  }

  /** A new instance of the generated kernel for {@code op}; {@link VectorKernelEmitter.Unsupported} when none can be. */
  public static VectorKernel load(FusedOp op) { return load(op, null); }

  /**
   * With {@code dumpDir}, also writes the class as an ordinary {@code .class} file and its bytecode listing
   * ({@code .txt}, ASM's Textifier) there, named after the kernel's body.
   */
  public static VectorKernel load(FusedOp op, java.nio.file.Path dumpDir) {
    byte[] bytes = VectorKernelEmitter.emit(op, CLASS_NAME);
    if (dumpDir != null) dump(bytes, dumpDir, op.body().name());
    if (dev.tcompile.codegen.program.GeneratedCodeCheck.ENABLED) dev.tcompile.codegen.program.GeneratedCodeCheck.verify(bytes, "kernel " + op.body().name());
    try {
      MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClass(bytes, true);
      return (VectorKernel) l.findConstructor(l.lookupClass(), MethodType.methodType(void.class)).invoke();
    } catch (Throwable t) {
      throw new IllegalStateException("the generated kernel for " + op.body().name() + " did not load: " + t, t);
    }
  }

  private static void dump(byte[] bytes, java.nio.file.Path dir, String name) {
    java.io.StringWriter listing = new java.io.StringWriter();
    new org.objectweb.asm.ClassReader(bytes).accept(new org.objectweb.asm.util.TraceClassVisitor(new java.io.PrintWriter(listing)), 0);
    try {
      java.nio.file.Files.createDirectories(dir);
      String base = name;
      for (int i = 1; java.nio.file.Files.exists(dir.resolve(base + ".class")); i++) base = name + "_" + i;
      java.nio.file.Files.write(dir.resolve(base + ".class"), bytes);
      java.nio.file.Files.writeString(dir.resolve(base + ".txt"), listing.toString());
    } catch (java.io.IOException e) {
      throw new dev.tcompile.TorchException("cannot write generated code to " + dir + ": " + e.getMessage(), e);
    }
  }
}
