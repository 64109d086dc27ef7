package dev.tcompile.codegen.program;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.compiled.CompiledProgram;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.TraceClassVisitor;

/**
 * Defines a generated program as a hidden class of this package (no name other code can reach; unloaded with the
 * last compiled function holding it, not {@code STRONG}), its data (kernel handles, constants) as class data.
 */
public final class ProgramLoader {
  private ProgramLoader() {}

  /** The name every in-process program is written under (the JVM makes each hidden class's name unique). */
  public static final String CLASS_NAME = "dev/tcompile/codegen/program/Program";

  public static CompiledProgram define(ProgramEmitter.Emitted e) {
    try {
      if (!e.classData()) throw new IllegalArgumentException("a program for jars takes its data in its constructor; emit it with emitHidden");
      // the data as class data: the program loads each item as a constant (MethodHandles.classDataAt)
      MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClassWithClassData(e.bytes(),
          java.util.Collections.unmodifiableList(java.util.Arrays.asList(e.data())), true);
      return (CompiledProgram) l.findConstructor(l.lookupClass(), MethodType.methodType(void.class)).invoke();
    } catch (Throwable t) {
      throw new IllegalStateException("the generated program did not load: " + t, t);
    }
  }

  /** Writes {@code bytes} as {@code name.class} and its listing (ASM's Textifier) as {@code name.txt} under {@code dir}. */
  public static void dump(byte[] bytes, Path dir, String name) {
    StringWriter listing = new StringWriter();
    new ClassReader(bytes).accept(new TraceClassVisitor(new PrintWriter(listing)), 0);
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(name + ".class"), bytes);
      Files.writeString(dir.resolve(name + ".txt"), listing.toString());
    } catch (IOException ex) {
      throw new TorchException("cannot write generated code to " + dir + ": " + ex.getMessage(), ex);
    }
  }
}
