package dev.tcompile.codegen.program;

import java.util.LinkedHashMap;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.CodeSizeEvaluator;

/** Bytes of code of each method of a class file (ASM's {@link CodeSizeEvaluator}, its upper bound). */
public final class ProgramSizes {
  private ProgramSizes() {}

  /** Method name and descriptor -> most bytes its code can take. */
  public static Map<String, Integer> of(byte[] classFile) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
        return new CodeSizeEvaluator(null) {
          @Override public void visitEnd() { sizes.put(name + desc, getMaxSize()); }
        };
      }
    }, 0);
    return sizes;
  }

  /** The largest method's size. */
  public static int largest(byte[] classFile) {
    return of(classFile).values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }
}
