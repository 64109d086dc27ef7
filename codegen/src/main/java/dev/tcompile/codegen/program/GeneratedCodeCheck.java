package dev.tcompile.codegen.program;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Checks a generated class as the tests do: ASM's {@link CheckClassAdapter} (structure and data flow) and every
 * method under {@link ProgramEmitter#METHOD_BUDGET} bytes of code. On for every class generated while the
 * system property {@code tcompile.verifyGeneratedCode} is true (the build's tests set it).
 */
public final class GeneratedCodeCheck {
  private GeneratedCodeCheck() {}

  public static final boolean ENABLED = Boolean.getBoolean("tcompile.verifyGeneratedCode");

  /** Throws IllegalStateException naming {@code what} and the problems. */
  public static void verify(byte[] bytes, String what) {
    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(bytes), GeneratedCodeCheck.class.getClassLoader(), false, new PrintWriter(problems));
    if (!problems.toString().isEmpty()) throw new IllegalStateException("generated class " + what + " does not verify:\n" + problems);
    for (Map.Entry<String, Integer> m : ProgramSizes.of(bytes).entrySet())
      if (m.getValue() >= ProgramEmitter.METHOD_BUDGET)
        throw new IllegalStateException("generated method " + what + "." + m.getKey() + " has " + m.getValue() + " bytes of code");
  }
}
