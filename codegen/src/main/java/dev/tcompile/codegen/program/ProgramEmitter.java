package dev.tcompile.codegen.program;

import static org.objectweb.asm.Opcodes.*;

import dev.tcompile.codegen.MemoryPlan;
import dev.tcompile.ir.FusedOp;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.compiled.CompiledProgram;
import dev.tcompile.runtime.compiled.Kernel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.MethodNode;

/**
 * Turns a kernel-level graph into one class implementing {@link CompiledProgram}: {@code run} keeps the graph's
 * values in a register array, and calls {@code part0, part1, ...}, each running a stretch of nodes in order. A node
 * is a static call into a runtime kernel with its attributes baked in as constants ({@link KernelCalls}), a call
 * through a {@link Kernel} handle (fused loops; ops without a direct call, in-process only), a constant, or nothing
 * more than register moves; a register is cleared after its last reader, as the interpreter drops it. Fused nodes
 * write into the memory plan's buffers (the arena {@code run} is given). Constants and handles are not bytecode:
 * they are the {@code data} array the class is constructed with. Methods are split so that none reaches
 * {@link #METHOD_BUDGET} bytes of code, whatever the graph's size.
 */
public final class ProgramEmitter {
  /** Most bytes of code a generated method may have (the JIT refuses to inline, and compiles slowly, above ~8000). */
  public static final int METHOD_BUDGET = 8000;
  /** An upper bound on one instruction's size, used to split before a method could reach the budget. */
  private static final int MAX_INSN_BYTES = 6;
  private static final String NDARRAY = Type.getInternalName(NDArray.class), NDARRAY_D = Type.getDescriptor(NDArray.class);
  private static final String KERNEL = Type.getInternalName(Kernel.class);
  private static final String PART_D = "([" + NDARRAY_D + "[" + NDARRAY_D + "[[" + NDARRAY_D + ")V";
  private static final String OUTPUTS_D = "([" + NDARRAY_D + "[" + NDARRAY_D + ")V";
  private static final String SUPPORT = Type.getInternalName(dev.tcompile.runtime.compiled.ProgramSupport.class);
  private static final Handle CLASS_DATA_AT = new Handle(H_INVOKESTATIC, "java/lang/invoke/MethodHandles", "classDataAt",
      "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)Ljava/lang/Object;", false);
  private static final String BUFFER_D = "([[" + NDARRAY_D + "II[" + NDARRAY_D + "I)" + NDARRAY_D;

  /** What a node needs besides bytecode: its handle, for {@link Kind#HANDLE} nodes. */
  public enum Kind { CONSTANT, CALL, FUSED, HANDLE }

  /**
   * The emitted class and its data (constants' payloads and kernel handles, in order): the hidden class's class
   * data when {@code classData}, else what its constructor takes.
   */
  public record Emitted(byte[] bytes, Object[] data, List<String> methods, boolean classData) {}

  /**
   * Supplies a node's handle when it is a fused node or has no direct call ({@code kind} says which); returns null
   * to refuse the node (for a jar: nothing outside the runtime may be referenced), and the emitter then throws
   * {@link Unsupported} naming it.
   */
  @FunctionalInterface
  public interface Handles {
    Kernel handle(int nodeIndex, Node node, Kind kind);
  }

  /** The graph has a node the caller's {@link Handles} refused. */
  public static final class Unsupported extends RuntimeException {
    Unsupported(String why) { super(why, null, false, false); }
  }

  private final Graph graph;
  private final MemoryPlan plan;
  private final String className;
  /**
   * In-process programs load their data as class-data constants ({@code ldc} of {@code MethodHandles.classDataAt}):
   * the JIT sees each kernel handle as a constant and can inline its call. Classes written into jars (ordinary
   * classes have no class data) take the data in their constructor and read it from a field.
   */
  private final boolean classData;
  private final List<Object> data = new ArrayList<>();
  /**
   * Arguments that are objects (int arrays, parameter records): built once, in the class initialiser, into static
   * fields {@code k0, k1, ...}, so that a call allocates none of them. Kernels never write to their arguments. (Not
   * final: the initialiser fills them through helper methods, to keep every method under the budget, and only
   * {@code <clinit>} itself may write a static final field.)
   */
  private final List<Object> statics = new ArrayList<>();
  private final Map<Value, Integer> slot = new IdentityHashMap<>();
  private final int[][] freeAfter;

  private ProgramEmitter(Graph graph, MemoryPlan plan, String className, boolean classData) {
    this.graph = graph;
    this.plan = plan;
    this.className = className;
    this.classData = classData;
    for (Value v : graph.inputs()) slot.put(v, slot.size());
    for (Node n : graph.nodes()) for (Value v : n.outputs()) slot.put(v, slot.size());
    freeAfter = lastUses();
  }

  /**
   * The class {@code className} (internal form) for {@code graph}, buffers from {@code plan}, taking its data in its
   * constructor (an ordinary class, for jars).
   */
  public static Emitted emit(Graph graph, MemoryPlan plan, String className, Handles handles) {
    return new ProgramEmitter(graph, plan, className, false).emit(handles);
  }

  /** As {@link #emit}, for a hidden class defined with its data as class data ({@link ProgramLoader#define}). */
  public static Emitted emitHidden(Graph graph, MemoryPlan plan, String className, Handles handles) {
    return new ProgramEmitter(graph, plan, className, true).emit(handles);
  }

  /** For each node, the registers whose last reader it is (outputs of the graph are never cleared). */
  private int[][] lastUses() {
    List<Node> nodes = graph.nodes();
    int[] last = new int[slot.size()];
    Arrays.fill(last, -1);
    for (int k = 0; k < nodes.size(); k++) for (Value v : nodes.get(k).inputs()) last[slot.get(v)] = k;
    for (Value v : graph.outputs()) last[slot.get(v)] = Integer.MAX_VALUE;
    List<List<Integer>> per = new ArrayList<>();
    for (int k = 0; k < nodes.size(); k++) per.add(new ArrayList<>());
    for (int s = 0; s < last.length; s++) if (last[s] >= 0 && last[s] < nodes.size()) per.get(last[s]).add(s);
    return per.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
  }

  private Emitted emit(Handles handles) {
    ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
      @Override protected String getCommonSuperClass(String a, String b) { return "java/lang/Object"; }
    };
    cw.visit(V25, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, className, null, "java/lang/Object",
        new String[]{Type.getInternalName(CompiledProgram.class)});
    if (!classData) cw.visitField(ACC_PRIVATE | ACC_FINAL, "data", "[Ljava/lang/Object;", null, null).visitEnd();
    constructor(cw);
    List<MethodNode> parts = parts(handles);
    List<MethodNode> outputs = outputs();
    List<String> names = new ArrayList<>(List.of("<init>", "run"));
    // runInto(NDArray[] inputs 1, NDArray[] arena 2, NDArray[][] direct 3, NDArray[] results 4): outputs 5. The registers are the arena's
    // entries after the planned buffers (frameSize() says how many in all), so a call allocates no register file.
    int base = plan.buffers().size(), frame = base + slot.size();
    MethodVisitor size = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "frameSize", "()I", null, null);
    size.visitCode();
    ConstantEmitter.pushInt(size, frame);
    size.visitInsn(IRETURN);
    size.visitMaxs(0, 0);
    size.visitEnd();
    names.add("frameSize");
    // run(inputs, arena, direct): a fresh result array for runInto(inputs, arena, direct, results)
    String run3 = "([" + NDARRAY_D + "[" + NDARRAY_D + "[[" + NDARRAY_D + ")[" + NDARRAY_D;
    String run4 = "([" + NDARRAY_D + "[" + NDARRAY_D + "[[" + NDARRAY_D + "[" + NDARRAY_D + ")[" + NDARRAY_D;
    MethodVisitor fresh = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "run", run3, null, null);
    fresh.visitCode();
    for (int a = 0; a < 4; a++) fresh.visitVarInsn(ALOAD, a);
    ConstantEmitter.pushInt(fresh, graph.outputs().size());
    fresh.visitTypeInsn(ANEWARRAY, NDARRAY);
    fresh.visitMethodInsn(INVOKEVIRTUAL, className, "runInto", run4, false);
    fresh.visitInsn(ARETURN);
    fresh.visitMaxs(0, 0);
    fresh.visitEnd();
    names.add("runInto");
    MethodVisitor run = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "runInto", run4, null, null);
    run.visitCode();
    run.visitVarInsn(ALOAD, 2);
    ConstantEmitter.pushInt(run, frame);
    run.visitMethodInsn(INVOKESTATIC, SUPPORT, "checkFrame", "([" + NDARRAY_D + "I)V", false);
    // registers: inputs first, then every node's outputs
    run.visitVarInsn(ALOAD, 1);
    run.visitInsn(ICONST_0);
    run.visitVarInsn(ALOAD, 2);
    ConstantEmitter.pushInt(run, base);
    ConstantEmitter.pushInt(run, graph.inputs().size());
    run.visitMethodInsn(INVOKESTATIC, "java/lang/System", "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V", false);
    for (MethodNode p : parts) {
      run.visitVarInsn(ALOAD, 0);
      run.visitVarInsn(ALOAD, 2);
      run.visitVarInsn(ALOAD, 2);
      run.visitVarInsn(ALOAD, 3);
      run.visitMethodInsn(INVOKEVIRTUAL, className, p.name, PART_D, false);
    }
    // the results go into the caller's array (results 4)
    run.visitVarInsn(ALOAD, 4);
    ConstantEmitter.pushInt(run, graph.outputs().size());
    run.visitMethodInsn(INVOKESTATIC, SUPPORT, "checkResults", "([" + NDARRAY_D + "I)V", false);
    run.visitVarInsn(ALOAD, 4);
    run.visitVarInsn(ASTORE, 5);
    for (MethodNode p : outputs) {
      run.visitVarInsn(ALOAD, 0);
      run.visitVarInsn(ALOAD, 2);
      run.visitVarInsn(ALOAD, 5);
      run.visitMethodInsn(INVOKEVIRTUAL, className, p.name, OUTPUTS_D, false);
    }
    // the arena outlives the call: it must not keep the call's inputs and results alive
    run.visitVarInsn(ALOAD, 2);
    ConstantEmitter.pushInt(run, base);
    ConstantEmitter.pushInt(run, frame);
    run.visitInsn(ACONST_NULL);
    run.visitMethodInsn(INVOKESTATIC, "java/util/Arrays", "fill", "([Ljava/lang/Object;IILjava/lang/Object;)V", false);
    run.visitVarInsn(ALOAD, 5);
    run.visitInsn(ARETURN);
    run.visitMaxs(0, 0);
    run.visitEnd();
    for (MethodNode p : parts) { p.accept(cw); names.add(p.name); }
    for (MethodNode p : outputs) { p.accept(cw); names.add(p.name); }
    List<MethodNode> constants = staticConstants(cw);
    if (!constants.isEmpty()) names.add("<clinit>");
    for (MethodNode p : constants) { p.accept(cw); names.add(p.name); }
    cw.visitEnd();
    return new Emitted(cw.toByteArray(), data.toArray(), List.copyOf(names), classData);
  }

  private void constructor(ClassWriter cw) {
    MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", classData ? "()V" : "([Ljava/lang/Object;)V", null, null);
    init.visitCode();
    init.visitVarInsn(ALOAD, 0);
    init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    if (!classData) {
      init.visitVarInsn(ALOAD, 0);
      init.visitVarInsn(ALOAD, 1);
      init.visitFieldInsn(PUTFIELD, className, "data", "[Ljava/lang/Object;");
    }
    init.visitInsn(RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();
  }

  /**
   * The nodes, a method's worth at a time: part(NDArray[] registers 1, NDArray[] arena 2, NDArray[][] direct 3),
   * local 4 for results.
   */
  private List<MethodNode> parts(Handles handles) {
    List<MethodNode> methods = new ArrayList<>();
    MethodNode current = null;
    List<Node> nodes = graph.nodes();
    for (int k = 0; k < nodes.size(); k++) {
      MethodNode one = new MethodNode();
      node(one, k, nodes.get(k), handles);
      for (int s : freeAfter[k]) { reg(one, s); one.visitInsn(ACONST_NULL); one.visitInsn(AASTORE); }
      if (current == null || bound(current) + bound(one) > METHOD_BUDGET - 100) {
        current = method("part" + methods.size(), PART_D);
        methods.add(current);
      }
      one.instructions.accept(current);
    }
    for (MethodNode m : methods) { m.visitInsn(RETURN); m.visitMaxs(0, 0); m.visitEnd(); }
    return methods;
  }

  /** out[i] = register of output i (a copy when it is a constant's: the caller may write to it). */
  private List<MethodNode> outputs() {
    List<MethodNode> methods = new ArrayList<>();
    MethodNode current = null;
    List<Value> outs = graph.outputs();
    for (int i = 0; i < outs.size(); i++) {
      if (current == null || bound(current) > METHOD_BUDGET - 100) {
        current = method("outputs" + methods.size(), OUTPUTS_D);
        methods.add(current);
      }
      current.visitVarInsn(ALOAD, 2);
      ConstantEmitter.pushInt(current, i);
      reg(current, slot.get(outs.get(i)));
      current.visitInsn(AALOAD);
      Node p = outs.get(i).producer();
      if (p != null && p.isConstant()) current.visitMethodInsn(INVOKEVIRTUAL, NDARRAY, "copy", "()" + NDARRAY_D, false);
      current.visitInsn(AASTORE);
    }
    for (MethodNode m : methods) { m.visitInsn(RETURN); m.visitMaxs(0, 0); m.visitEnd(); }
    return methods;
  }

  private static MethodNode method(String name, String desc) {
    MethodNode m = new MethodNode(ACC_PRIVATE | ACC_FINAL, name, desc, null, null);
    m.visitCode();
    return m;
  }

  private static int bound(MethodNode m) { return m.instructions.size() * MAX_INSN_BYTES; }

  /** Pushes registers[s] 's array and index (the caller loads or stores). */
  private void reg(MethodVisitor mv, int s) {
    mv.visitVarInsn(ALOAD, 1);
    ConstantEmitter.pushInt(mv, plan.buffers().size() + s);
  }

  private void node(MethodVisitor mv, int k, Node n, Handles handles) {
    int[] outs = n.outputs().stream().mapToInt(slot::get).toArray();
    if (n.isConstant()) {
      reg(mv, outs[0]);
      datum(mv, n.payload(), NDARRAY);
      mv.visitInsn(AASTORE);
      return;
    }
    KernelCall call = n.op() instanceof FusedOp ? null : KernelCalls.of(n);
    if (call != null) {
      directCall(mv, k, n, call);
      if (call.storesItself()) return;
      if (call.returnsArray()) spread(mv, outs);
      else { mv.visitVarInsn(ASTORE, 4); reg(mv, outs[0]); mv.visitVarInsn(ALOAD, 4); mv.visitInsn(AASTORE); }
      return;
    }
    Kind kind = n.op() instanceof FusedOp ? Kind.FUSED : Kind.HANDLE;
    Kernel h = handles.handle(k, n, kind);
    if (h == null)
      throw new Unsupported("%" + n.outputs().get(0).name() + " = " + n.op().name() + " has no compiled kernel call" + (kind == Kind.FUSED ? " (fused loop)" : ""));
    datum(mv, h, KERNEL);
    if (kind == Kind.FUSED) {
      // the loop reads and writes the frame itself: no argument arrays per call
      int base = plan.buffers().size();
      int[] inSlots = n.inputs().stream().mapToInt(v -> base + slot.get(v)).toArray(), outSlots = new int[outs.length], planned = new int[outs.length];
      for (int o = 0; o < outs.length; o++) { outSlots[o] = base + outs[o]; planned[o] = plan.bufferOf(k, o); }
      mv.visitVarInsn(ALOAD, 1);
      mv.visitVarInsn(ALOAD, 3);
      ConstantEmitter.pushInt(mv, k);
      staticConstant(mv, inSlots);
      staticConstant(mv, outSlots);
      staticConstant(mv, planned);
      mv.visitMethodInsn(INVOKEINTERFACE, KERNEL, "runInFrame", "([" + NDARRAY_D + "[[" + NDARRAY_D + "I[I[I[I)V", true);
      return;
    }
    mv.visitVarInsn(ALOAD, 2);   // the arena: the handle checks its result is none of it
    List<Value> ins = n.inputs();
    ConstantEmitter.pushInt(mv, ins.size());
    mv.visitTypeInsn(ANEWARRAY, NDARRAY);
    for (int i = 0; i < ins.size(); i++) {
      mv.visitInsn(DUP);
      ConstantEmitter.pushInt(mv, i);
      reg(mv, slot.get(ins.get(i)));
      mv.visitInsn(AALOAD);
      mv.visitInsn(AASTORE);
    }
    mv.visitMethodInsn(INVOKEINTERFACE, KERNEL, "run", "([" + NDARRAY_D + "[" + NDARRAY_D + ")[" + NDARRAY_D, true);
    spread(mv, outs);
  }

  /** Pushes where output o of node k goes: ProgramSupport.buffer(direct, k, o, arena, planned buffer or -1). */
  private void buffer(MethodVisitor mv, int k, int o) {
    mv.visitVarInsn(ALOAD, 3);
    ConstantEmitter.pushInt(mv, k);
    ConstantEmitter.pushInt(mv, o);
    mv.visitVarInsn(ALOAD, 2);
    ConstantEmitter.pushInt(mv, plan.bufferOf(k, o));
    mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "buffer", BUFFER_D, false);
  }

  private void directCall(MethodVisitor mv, int k, Node n, KernelCall call) {
    Class<?>[] params = call.method().getParameterTypes();
    Object[] args = call.args();
    if (params.length != args.length) throw new IllegalStateException(call.method() + " takes " + params.length + " arguments, given " + args.length);
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof KernelCall.Input in) {
        reg(mv, slot.get(n.inputs().get(in.index())));
        mv.visitInsn(AALOAD);
      } else if (args[i] instanceof KernelCall.Output out) {
        buffer(mv, k, out.index());
      } else if (args[i] instanceof KernelCall.Registers) {
        mv.visitVarInsn(ALOAD, 1);
      } else if (args[i] instanceof KernelCall.Register r) {
        ConstantEmitter.pushInt(mv, plan.buffers().size() + slot.get(n.outputs().get(r.index())));
      } else {
        checkType(call, params[i], args[i]);
        if (ConstantEmitter.isObject(args[i])) staticConstant(mv, args[i]);
        else ConstantEmitter.push(mv, args[i]);
      }
    }
    mv.visitMethodInsn(INVOKESTATIC, Type.getInternalName(call.method().getDeclaringClass()), call.method().getName(),
        Type.getMethodDescriptor(call.method()), false);
  }

  /** Pushes static field k{i} holding {@code value}, added now and built by the class initialiser. */
  private void staticConstant(MethodVisitor mv, Object value) {
    mv.visitFieldInsn(GETSTATIC, className, "k" + statics.size(), Type.getDescriptor(value.getClass()));
    statics.add(value);
  }

  /**
   * The static fields of {@link #statics} and the class initialiser that builds them, through methods {@code
   * constants0, constants1, ...} each under the budget.
   */
  private List<MethodNode> staticConstants(ClassWriter cw) {
    List<MethodNode> methods = new ArrayList<>();
    if (statics.isEmpty()) return methods;
    MethodNode current = null;
    for (int i = 0; i < statics.size(); i++) {
      String desc = Type.getDescriptor(statics.get(i).getClass());
      cw.visitField(ACC_PRIVATE | ACC_STATIC, "k" + i, desc, null, null).visitEnd();
      MethodNode one = new MethodNode();
      ConstantEmitter.push(one, statics.get(i));
      one.visitFieldInsn(PUTSTATIC, className, "k" + i, desc);
      if (current == null || bound(current) + bound(one) > METHOD_BUDGET - 100) {
        current = new MethodNode(ACC_PRIVATE | ACC_STATIC, "constants" + methods.size(), "()V", null, null);
        current.visitCode();
        methods.add(current);
      }
      one.instructions.accept(current);
    }
    MethodVisitor clinit = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
    clinit.visitCode();
    for (MethodNode m : methods) clinit.visitMethodInsn(INVOKESTATIC, className, m.name, "()V", false);
    clinit.visitInsn(RETURN);
    clinit.visitMaxs(0, 0);
    clinit.visitEnd();
    for (MethodNode m : methods) { m.visitInsn(RETURN); m.visitMaxs(0, 0); m.visitEnd(); }
    return methods;
  }

  /** A constant argument must be exactly of its parameter's type (boxed for primitives): no silent conversion. */
  private static void checkType(KernelCall call, Class<?> param, Object v) {
    Class<?> want = param.isPrimitive() ? java.lang.invoke.MethodType.methodType(param).wrap().returnType() : param;
    if (v == null ? param.isPrimitive() : !want.isInstance(v))
      throw new IllegalStateException(call.method() + ": argument " + v + " does not fit " + param);
  }

  /** Stores each element of the NDArray[] on the stack into the output registers. */
  private void spread(MethodVisitor mv, int[] outs) {
    mv.visitVarInsn(ASTORE, 4);
    for (int o = 0; o < outs.length; o++) {
      reg(mv, outs[o]);
      mv.visitVarInsn(ALOAD, 4);
      ConstantEmitter.pushInt(mv, o);
      mv.visitInsn(AALOAD);
      mv.visitInsn(AASTORE);
    }
  }

  /** Pushes data[i] (added now) cast to {@code type}. */
  private void datum(MethodVisitor mv, Object value, String type) {
    if (classData) {
      String desc = type.startsWith("[") ? type : "L" + type + ";";
      mv.visitLdcInsn(new ConstantDynamic("_", desc, CLASS_DATA_AT, data.size()));
      data.add(value);
      return;
    }
    mv.visitVarInsn(ALOAD, 0);
    mv.visitFieldInsn(GETFIELD, className, "data", "[Ljava/lang/Object;");
    ConstantEmitter.pushInt(mv, data.size());
    data.add(value);
    mv.visitInsn(AALOAD);
    mv.visitTypeInsn(CHECKCAST, type);
  }
}
