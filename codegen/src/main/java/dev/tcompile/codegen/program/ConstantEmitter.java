package dev.tcompile.codegen.program;

import static org.objectweb.asm.Opcodes.*;

import dev.tcompile.runtime.compiled.ViewKernels;
import java.lang.reflect.RecordComponent;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * Pushes a compile-time value onto the operand stack as bytecode: the attributes of a kernel call are baked into
 * the generated program (ints, int arrays built element by element, enum constants, parameter records through
 * their canonical constructor), never looked up at run time.
 */
final class ConstantEmitter {
  private ConstantEmitter() {}

  /** Whether pushing {@code v} allocates (an array or a record), so that a program builds it once, not per call. */
  static boolean isObject(Object v) {
    return v instanceof int[] || v instanceof boolean[] || v instanceof Record || v instanceof ViewKernels.Cache;
  }

  static void push(MethodVisitor mv, Object v) {
    switch (v) {
      case null -> mv.visitInsn(ACONST_NULL);
      case Boolean b -> mv.visitInsn(b ? ICONST_1 : ICONST_0);
      case Integer i -> pushInt(mv, i);
      case Long l -> mv.visitLdcInsn(l);
      case Float f -> mv.visitLdcInsn(f);
      case Double d -> mv.visitLdcInsn(d);
      case String s -> mv.visitLdcInsn(s);
      case int[] a -> {
        pushInt(mv, a.length);
        mv.visitIntInsn(NEWARRAY, T_INT);
        for (int i = 0; i < a.length; i++) { mv.visitInsn(DUP); pushInt(mv, i); pushInt(mv, a[i]); mv.visitInsn(IASTORE); }
      }
      case boolean[] a -> {
        pushInt(mv, a.length);
        mv.visitIntInsn(NEWARRAY, T_BOOLEAN);
        for (int i = 0; i < a.length; i++) { mv.visitInsn(DUP); pushInt(mv, i); mv.visitInsn(a[i] ? ICONST_1 : ICONST_0); mv.visitInsn(BASTORE); }
      }
      case Enum<?> e -> {
        Type t = Type.getType(e.getDeclaringClass());
        mv.visitFieldInsn(GETSTATIC, t.getInternalName(), e.name(), t.getDescriptor());
      }
      case Record r -> record(mv, r);
      case ViewKernels.Cache c -> {   // a fresh, empty cache (each program class builds its own)
        String owner = Type.getInternalName(ViewKernels.Cache.class);
        mv.visitTypeInsn(NEW, owner);
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKESPECIAL, owner, "<init>", "()V", false);
      }
      default -> throw new IllegalArgumentException("no bytecode constant for a " + v.getClass().getName());
    }
  }

  private static void record(MethodVisitor mv, Record r) {
    String owner = Type.getInternalName(r.getClass());
    mv.visitTypeInsn(NEW, owner);
    mv.visitInsn(DUP);
    RecordComponent[] cs = r.getClass().getRecordComponents();
    Type[] types = new Type[cs.length];
    for (int i = 0; i < cs.length; i++) {
      types[i] = Type.getType(cs[i].getType());
      try {
        push(mv, cs[i].getAccessor().invoke(r));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + cs[i] + " of " + r, e);
      }
    }
    mv.visitMethodInsn(INVOKESPECIAL, owner, "<init>", Type.getMethodDescriptor(Type.VOID_TYPE, types), false);
  }

  static void pushInt(MethodVisitor mv, int i) {
    if (i >= -1 && i <= 5) mv.visitInsn(ICONST_0 + i);
    else if (i >= Byte.MIN_VALUE && i <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, i);
    else if (i >= Short.MIN_VALUE && i <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, i);
    else mv.visitLdcInsn(i);
  }
}
