package dev.tcompile.codegen.bytecode;

import static org.objectweb.asm.Opcodes.*;

import dev.tcompile.DType;
import dev.tcompile.ir.FusedOp;
import dev.tcompile.runtime.compiled.VectorKernel;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.PointwiseOps;
import dev.tcompile.ir.Value;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits a {@link FusedOp}'s body as the loop of a {@link VectorKernel} class: the body's ops, run once through
 * this {@link PointwiseOps} implementation, each emit the Vector API calls that compute them into a new local
 * (a {@code FloatVector}, or a {@code VectorMask} for bool values). Semantics are the interpreter's
 * ({@code BlockOps}): the same lanewise operators, blends for ReLU, where and casts. A sum epilogue's input is
 * written to a chunk-sized buffer (element {@code i - from}) that the caller adds up exactly as the interpreter
 * does. Inputs that broadcast (a bias over rows, a per-channel or per-row value) are read through a row split of
 * the space ({@link KernelLayout}), with masked loads and stores at each row's end. Bodies using something this
 * emitter does not cover (erf and the erf-based gelu, sin, pow by a non-constant, bool arrays beside broadcast
 * inputs...) are refused with {@link Unsupported}; they keep running in the interpreter's loop.
 */
public final class VectorKernelEmitter implements PointwiseOps<VectorKernelEmitter.Slot> {
  /** A value of the body: the local holding it, and its dtype (float32: FloatVector; bool: VectorMask). */
  public record Slot(int local, DType dtype) {}

  /** The value of each local holding a broadcast constant (pow's exponent picks its code by it). */
  private final Map<Integer, Float> constantValue = new java.util.HashMap<>();

  /** The body needs something this emitter does not generate. */
  public static final class Unsupported extends RuntimeException {
    Unsupported(String why) { super(why, null, false, false); }
  }

  static final String VEC = "jdk/incubator/vector/";
  static final String FV = VEC + "FloatVector", MASK = VEC + "VectorMask", SPECIES = VEC + "VectorSpecies", OPS = VEC + "VectorOperators";
  static final String FV_D = "L" + FV + ";", MASK_D = "L" + MASK + ";", SPECIES_D = "L" + SPECIES + ";", VECTOR_D = "L" + VEC + "Vector;";
  private static final String BINARY_D = "(" + VECTOR_D + ")" + FV_D;

  /** How the generated loop reads input i (see {@link KernelLayout}). */
  public enum InputKind { DENSE, SCALAR, ROW, COL }

  private final String className;
  private MethodVisitor mv;
  private int nextLocal;

  private VectorKernelEmitter(String className) { this.className = className; }

  /** The input kinds a kernel for {@code op} reads; {@link Unsupported} when no loop reads them all. */
  public static InputKind[] inputKinds(FusedOp op) { return KernelLayout.of(op).kinds(); }

  /** The class file of a kernel for {@code op}, named {@code className} (internal form). */
  public static byte[] emit(FusedOp op, String className) {
    Graph body = op.body();
    if (body.nodes().stream().allMatch(n -> n.isConstant() || FusedOp.isReduction(n)))
      throw new Unsupported("sums alone: the interpreter's loop adds the inputs up where they are, a generated loop would copy them first");
    KernelLayout layout = KernelLayout.of(op);
    if (!layout.flat())
      for (Value v : body.outputs())
        if (v.type().dtype() == DType.BOOL) throw new Unsupported("bool output %" + v.name() + " of a kernel with broadcast inputs (no masked stores of bools)");
    ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
      // the generated class cannot be loaded by name while it is being written; every local has one type anyway
      @Override protected String getCommonSuperClass(String a, String b) { return "java/lang/Object"; }
    };
    cw.visit(V25, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, className, null, "java/lang/Object",
        new String[]{VectorKernel.class.getName().replace('.', '/')});
    cw.visitField(ACC_STATIC | ACC_FINAL | ACC_PRIVATE, "S", SPECIES_D, null, null).visitEnd();
    MethodVisitor clinit = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
    clinit.visitCode();
    clinit.visitFieldInsn(GETSTATIC, FV, "SPECIES_PREFERRED", SPECIES_D);
    clinit.visitFieldInsn(PUTSTATIC, className, "S", SPECIES_D);
    clinit.visitInsn(RETURN);
    clinit.visitMaxs(0, 0);
    clinit.visitEnd();
    MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
    init.visitCode();
    init.visitVarInsn(ALOAD, 0);
    init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    init.visitInsn(RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();
    VectorKernelEmitter e = new VectorKernelEmitter(className);
    e.run(cw, body, layout);
    if (!layout.flat()) e.inputNumels(cw, layout.numels());
    cw.visitEnd();
    return cw.toByteArray();
  }

  // run(float[][] fin 1, boolean[][] bin 2, int[] off 3, float[] scalars 4, float[][] fout 5, boolean[][] bout 6,
  //     float[] scratch 7, int from 8, int to 9)
  private void run(ClassWriter cw, Graph body, KernelLayout layout) {
    InputKind[] kinds = layout.kinds();
    mv = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "run", "([[F[[Z[I[F[[F[[Z[FII)I", null, null);
    mv.visitCode();
    nextLocal = 10;
    List<Value> ins = body.inputs();
    int[] array = new int[ins.size()], offset = new int[ins.size()];
    Slot[] scalarSlot = new Slot[ins.size()];
    for (int i = 0; i < ins.size(); i++) {
      boolean bool = ins.get(i).type().dtype() == DType.BOOL;
      if (kinds[i] == InputKind.SCALAR && bool) {
        // scalars[i] is 1 or 0: a mask with every lane set or none (an optimiser's first-step flag)
        mv.visitVarInsn(ALOAD, 4);
        push(i);
        mv.visitInsn(FALOAD);
        mv.visitInsn(FCONST_0);
        mv.visitInsn(FCMPL);
        int flag = nextLocal++;
        Label isFalse = new Label(), stored = new Label();
        mv.visitJumpInsn(IFEQ, isFalse);
        mv.visitInsn(ICONST_1);
        mv.visitJumpInsn(GOTO, stored);
        mv.visitLabel(isFalse);
        mv.visitInsn(ICONST_0);
        mv.visitLabel(stored);
        mv.visitVarInsn(ISTORE, flag);
        species();
        mv.visitVarInsn(ILOAD, flag);
        mv.visitMethodInsn(INVOKEINTERFACE, SPECIES, "maskAll", "(Z)" + MASK_D, true);
        scalarSlot[i] = store(DType.BOOL);
        continue;
      }
      if (kinds[i] == InputKind.SCALAR) {
        species();
        mv.visitVarInsn(ALOAD, 4);
        push(i);
        mv.visitInsn(FALOAD);
        mv.visitMethodInsn(INVOKESTATIC, FV, "broadcast", "(" + SPECIES_D + "F)" + FV_D, false);
        scalarSlot[i] = store(DType.FLOAT32);
        continue;
      }
      mv.visitVarInsn(ALOAD, bool ? 2 : 1);
      push(i);
      mv.visitInsn(AALOAD);
      array[i] = nextLocal++;
      mv.visitVarInsn(ASTORE, array[i]);
      mv.visitVarInsn(ALOAD, 3);
      push(i);
      mv.visitInsn(IALOAD);
      offset[i] = nextLocal++;
      mv.visitVarInsn(ISTORE, offset[i]);
    }
    List<Value> outs = body.outputs();
    int[] outArray = new int[outs.size()];
    for (int j = 0; j < outs.size(); j++) {
      boolean bool = outs.get(j).type().dtype() == DType.BOOL;
      mv.visitVarInsn(ALOAD, bool ? 6 : 5);
      push(j);
      mv.visitInsn(AALOAD);
      outArray[j] = nextLocal++;
      mv.visitVarInsn(ASTORE, outArray[j]);
    }
    int vl = nextLocal++;
    species();
    mv.visitMethodInsn(INVOKEINTERFACE, SPECIES, "length", "()I", true);
    mv.visitVarInsn(ISTORE, vl);
    Loop loop = new Loop(array, offset, scalarSlot, outArray, vl);
    if (layout.flat()) flatLoop(body, kinds, loop);
    else rowLoop(body, layout, loop);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }

  /** Locals the loop body reads: input arrays and offsets, scalar inputs' vectors, output arrays, index and mask. */
  private static final class Loop {
    final int[] array, offset, outArray;
    final Slot[] fixed;
    final int vl;
    int i = -1, j = -1, mask = -1;

    Loop(int[] array, int[] offset, Slot[] fixed, int[] outArray, int vl) {
      this.array = array;
      this.offset = offset;
      this.fixed = fixed;
      this.outArray = outArray;
      this.vl = vl;
    }
  }

  /** Whole vectors of [from, to), element by element; returns where it stopped (the caller finishes the tail). */
  private void flatLoop(Graph body, InputKind[] kinds, Loop l) {
    int i = nextLocal++, end = nextLocal++;
    l.i = i;
    mv.visitVarInsn(ILOAD, 8);
    mv.visitVarInsn(ISTORE, i);
    mv.visitVarInsn(ILOAD, 9);
    mv.visitVarInsn(ILOAD, l.vl);
    mv.visitInsn(ISUB);
    mv.visitVarInsn(ISTORE, end);
    Label loop = new Label(), done = new Label();
    mv.visitLabel(loop);
    mv.visitVarInsn(ILOAD, i);
    mv.visitVarInsn(ILOAD, end);
    mv.visitJumpInsn(IF_ICMPGT, done);
    body(body, kinds, l);
    advance(i, l.vl);
    mv.visitJumpInsn(GOTO, loop);
    mv.visitLabel(done);
    mv.visitVarInsn(ILOAD, i);
    mv.visitInsn(IRETURN);
  }

  /**
   * All of [from, to), a row ({@code inner} elements, baked in) at a time: per row, each COL input's value is
   * broadcast once, then the row's vectors run with a mask of the lanes inside the row (all of them but in its
   * last vector), so ROW inputs restart at column 0 every row. Returns {@code to}.
   */
  private void rowLoop(Graph body, KernelLayout layout, Loop l) {
    InputKind[] kinds = layout.kinds();
    int inner = layout.inner();
    int i = nextLocal++, j = nextLocal++, r = nextLocal++, rowEnd = nextLocal++, mask = nextLocal++;
    l.i = i;
    l.j = j;
    l.mask = mask;
    // r = from / inner, j = from - r * inner, i = from
    mv.visitVarInsn(ILOAD, 8);
    push(inner);
    mv.visitInsn(IDIV);
    mv.visitVarInsn(ISTORE, r);
    mv.visitVarInsn(ILOAD, 8);
    mv.visitVarInsn(ILOAD, r);
    push(inner);
    mv.visitInsn(IMUL);
    mv.visitInsn(ISUB);
    mv.visitVarInsn(ISTORE, j);
    mv.visitVarInsn(ILOAD, 8);
    mv.visitVarInsn(ISTORE, i);
    Label rows = new Label(), done = new Label(), vectors = new Label(), rowDone = new Label();
    mv.visitLabel(rows);
    mv.visitVarInsn(ILOAD, i);
    mv.visitVarInsn(ILOAD, 9);
    mv.visitJumpInsn(IF_ICMPGE, done);
    // rowEnd = min(to, i - j + inner)
    mv.visitVarInsn(ILOAD, i);
    mv.visitVarInsn(ILOAD, j);
    mv.visitInsn(ISUB);
    push(inner);
    mv.visitInsn(IADD);
    mv.visitVarInsn(ILOAD, 9);
    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", "(II)I", false);
    mv.visitVarInsn(ISTORE, rowEnd);
    List<Value> ins = body.inputs();
    Slot[] perRow = l.fixed.clone();
    for (int k = 0; k < ins.size(); k++) {
      if (kinds[k] != InputKind.COL) continue;
      species();
      mv.visitVarInsn(ALOAD, l.array[k]);
      mv.visitVarInsn(ILOAD, l.offset[k]);
      mv.visitVarInsn(ILOAD, r);
      push(layout.div()[k]);
      mv.visitInsn(IDIV);
      push(layout.mod()[k]);
      mv.visitInsn(IREM);
      mv.visitInsn(IADD);
      mv.visitInsn(FALOAD);
      mv.visitMethodInsn(INVOKESTATIC, FV, "broadcast", "(" + SPECIES_D + "F)" + FV_D, false);
      perRow[k] = store(DType.FLOAT32);
    }
    Loop rowLoop = new Loop(l.array, l.offset, perRow, l.outArray, l.vl);
    rowLoop.i = i;
    rowLoop.j = j;
    rowLoop.mask = mask;
    mv.visitLabel(vectors);
    mv.visitVarInsn(ILOAD, i);
    mv.visitVarInsn(ILOAD, rowEnd);
    mv.visitJumpInsn(IF_ICMPGE, rowDone);
    species();
    mv.visitVarInsn(ILOAD, i);
    mv.visitVarInsn(ILOAD, rowEnd);
    mv.visitMethodInsn(INVOKEINTERFACE, SPECIES, "indexInRange", "(II)" + MASK_D, true);
    mv.visitVarInsn(ASTORE, mask);
    body(body, kinds, rowLoop);
    advance(i, l.vl);
    advance(j, l.vl);
    mv.visitJumpInsn(GOTO, vectors);
    mv.visitLabel(rowDone);
    mv.visitVarInsn(ILOAD, rowEnd);
    mv.visitVarInsn(ISTORE, i);
    mv.visitInsn(ICONST_0);
    mv.visitVarInsn(ISTORE, j);
    mv.visitIincInsn(r, 1);
    mv.visitJumpInsn(GOTO, rows);
    mv.visitLabel(done);
    mv.visitVarInsn(ILOAD, 9);
    mv.visitInsn(IRETURN);
  }

  /** {@code local += by} (int locals). */
  private void advance(int local, int by) {
    mv.visitVarInsn(ILOAD, local);
    mv.visitVarInsn(ILOAD, by);
    mv.visitInsn(IADD);
    mv.visitVarInsn(ISTORE, local);
  }

  /** One vector of the body: loads (masked in the row loop), the ops, the stores. */
  private void body(Graph body, InputKind[] kinds, Loop l) {
    List<Value> ins = body.inputs();
    boolean masked = l.mask >= 0;
    Map<Value, Slot> env = new IdentityHashMap<>();
    for (int k = 0; k < ins.size(); k++) {
      if (l.fixed[k] != null) { env.put(ins.get(k), l.fixed[k]); continue; }
      boolean bool = ins.get(k).type().dtype() == DType.BOOL;
      species();
      mv.visitVarInsn(ALOAD, l.array[k]);
      mv.visitVarInsn(ILOAD, l.offset[k]);
      mv.visitVarInsn(ILOAD, kinds[k] == InputKind.ROW ? l.j : l.i);
      mv.visitInsn(IADD);
      if (bool) mv.visitMethodInsn(INVOKESTATIC, MASK, "fromArray", "(" + SPECIES_D + "[ZI)" + MASK_D, false);
      else if (masked) {
        mv.visitVarInsn(ALOAD, l.mask);
        mv.visitMethodInsn(INVOKESTATIC, FV, "fromArray", "(" + SPECIES_D + "[FI" + MASK_D + ")" + FV_D, false);
      } else mv.visitMethodInsn(INVOKESTATIC, FV, "fromArray", "(" + SPECIES_D + "[FI)" + FV_D, false);
      env.put(ins.get(k), store(bool ? DType.BOOL : DType.FLOAT32));
    }
    for (Node n : body.nodes()) {
      if (FusedOp.isReduction(n)) { env.put(n.output(), env.get(n.inputs().get(0))); continue; }
      if (n.isConstant()) {
        if (n.payload().dtype() != DType.FLOAT32) throw new Unsupported("bool constants");
        env.put(n.output(), constant(n.payload().getDouble(0), DType.FLOAT32));
        continue;
      }
      List<Slot> args = new ArrayList<>();
      for (Value in : n.inputs()) args.add(env.get(in));
      env.put(n.output(), n.op().body(this, n.attrs(), args));
    }
    List<Value> outs = body.outputs();
    for (int j = 0; j < outs.size(); j++) {
      Slot s = env.get(outs.get(j));
      mv.visitVarInsn(ALOAD, s.local());
      mv.visitVarInsn(ALOAD, l.outArray[j]);
      mv.visitVarInsn(ILOAD, l.i);
      Node p = outs.get(j).producer();
      if (p != null && FusedOp.isReduction(p)) {   // a sum's input goes to a chunk-sized buffer the caller reduces
        mv.visitVarInsn(ILOAD, 8);
        mv.visitInsn(ISUB);
      }
      if (s.dtype() == DType.BOOL) mv.visitMethodInsn(INVOKEVIRTUAL, MASK, "intoArray", "([ZI)V", false);
      else if (masked) {
        mv.visitVarInsn(ALOAD, l.mask);
        mv.visitMethodInsn(INVOKEVIRTUAL, FV, "intoArray", "([FI" + MASK_D + ")V", false);
      } else mv.visitMethodInsn(INVOKEVIRTUAL, FV, "intoArray", "([FI)V", false);
    }
  }

  /** {@code long[] broadcastInputNumels()}: the element count of each input, which the caller checks. */
  private void inputNumels(ClassWriter cw, long[] numels) {
    mv = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "broadcastInputNumels", "()[J", null, null);
    mv.visitCode();
    push(numels.length);
    mv.visitIntInsn(NEWARRAY, T_LONG);
    for (int k = 0; k < numels.length; k++) {
      mv.visitInsn(DUP);
      push(k);
      mv.visitLdcInsn(numels[k]);
      mv.visitInsn(LASTORE);
    }
    mv.visitInsn(ARETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }

  private void species() { mv.visitFieldInsn(GETSTATIC, className, "S", SPECIES_D); }

  private void push(int v) {
    if (v <= 5) mv.visitInsn(ICONST_0 + v);
    else if (v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
    else mv.visitLdcInsn(v);
  }

  private Slot store(DType d) {
    Slot s = new Slot(nextLocal++, d);
    mv.visitVarInsn(ASTORE, s.local());
    return s;
  }

  private void load(Slot s) { mv.visitVarInsn(ALOAD, s.local()); }

  private void broadcast(float v) {
    species();
    mv.visitLdcInsn(v);
    mv.visitMethodInsn(INVOKESTATIC, FV, "broadcast", "(" + SPECIES_D + "F)" + FV_D, false);
  }

  // ---- PointwiseOps: each call emits the code computing one value into a new local ----

  @Override public DType dtype(Slot x) { return x.dtype(); }

  @Override public Slot constant(double value, DType dtype) {
    if (dtype != DType.FLOAT32) throw new Unsupported("bool constants");
    broadcast((float) value);
    Slot c = store(DType.FLOAT32);
    constantValue.put(c.local(), (float) value);
    return c;
  }

  /**
   * {@code a ** b} for the constant exponents {@code BinaryOp.pow} computes without {@code Math.pow}, by the same
   * operations in the same order (the same bits): 1, 2, 3, 0.5, -1, -2.
   */
  private Slot powConstant(Slot a, Slot b) {
    Float e = constantValue.get(b.local());
    if (e == null) throw new Unsupported("pow with a non-constant exponent is not generated yet");
    float f = e;
    if (f == 1f) return a;
    if (f == 2f || f == 3f || f == -2f) {
      load(a);
      load(a);
      binary("mul");
      if (f == 3f) { load(a); binary("mul"); }
      Slot sq = store(DType.FLOAT32);
      if (f != -2f) return sq;
      return reciprocal(sq);
    }
    if (f == -1f) return reciprocal(a);
    if (f == 0.5f) {   // correctly rounded, as (float) Math.sqrt(a)
      load(a);
      mv.visitFieldInsn(GETSTATIC, OPS, "SQRT", "L" + OPS + "$Unary;");
      mv.visitMethodInsn(INVOKEVIRTUAL, FV, "lanewise", "(L" + OPS + "$Unary;)" + FV_D, false);
      return store(DType.FLOAT32);
    }
    throw new Unsupported("pow with exponent " + f + " is not generated yet");
  }

  private Slot reciprocal(Slot x) {
    broadcast(1f);
    load(x);
    binary("div");
    return store(DType.FLOAT32);
  }

  @Override public Slot unary(UnaryOp op, Slot x) {
    switch (op) {
      case SQRT -> {   // correctly rounded: the same bits on every JIT tier
        load(x);
        mv.visitFieldInsn(GETSTATIC, OPS, op.name(), "L" + OPS + "$Unary;");
        mv.visitMethodInsn(INVOKEVIRTUAL, FV, "lanewise", "(L" + OPS + "$Unary;)" + FV_D, false);
      }
      case EXP, LOG, TANH, SIGMOID -> {
        // the runtime's own vector functions, as the interpreter runs them: the JDK's lanewise EXP/LOG/TANH give
        // different bits in the interpreter and in C2 (SVML), which would break run-to-run determinism
        load(x);
        mv.visitVarInsn(ALOAD, 7);
        push(0);
        mv.visitMethodInsn(INVOKEVIRTUAL, FV, "intoArray", "([FI)V", false);
        // the function's own method (VectorMath.tanh, ...), not apply's dispatch on the op. Through an array, not
        // as a vector argument: C2 often declines to inline the vector function into a large generated loop
        // ("callee is too large", NodeCountInliningCutoff), and a vector passed to a call it did not inline is boxed
        // (48 MB allocated per call of a tanh/sigmoid/exp body over 1M floats, measured)
        mv.visitVarInsn(ALOAD, 7);
        push(0);
        mv.visitVarInsn(ALOAD, 7);
        push(0);
        species();
        mv.visitMethodInsn(INVOKEINTERFACE, SPECIES, "length", "()I", true);
        mv.visitMethodInsn(INVOKESTATIC, "dev/tcompile/runtime/kernels/VectorMath", op.name().toLowerCase(), "([FI[FII)V", false);
        species();
        mv.visitVarInsn(ALOAD, 7);
        push(0);
        mv.visitMethodInsn(INVOKESTATIC, FV, "fromArray", "(" + SPECIES_D + "[FI)" + FV_D, false);
      }
      case NEG, ABS -> {
        load(x);
        mv.visitMethodInsn(INVOKEVIRTUAL, FV, op == UnaryOp.NEG ? "neg" : "abs", "()" + FV_D, false);
      }
      case RELU -> {   // x < 0 ? 0 : x, keeping NaN and -0.0
        Slot lt = compareWith(x, "LT", 0f);
        load(x);
        broadcast(0f);
        load(lt);
        blend();
      }
      case RECIPROCAL -> {
        broadcast(1f);
        load(x);
        binary("div");
      }
      case ONE_MINUS_SQUARE -> {   // fma(-x, x, 1): one rounding, as UnaryOp.apply
        load(x);
        mv.visitMethodInsn(INVOKEVIRTUAL, FV, "neg", "()" + FV_D, false);
        load(x);
        broadcast(1f);
        mv.visitMethodInsn(INVOKEVIRTUAL, FV, "fma", "(" + VECTOR_D + VECTOR_D + ")" + FV_D, false);
      }
      // erf and gelu run as chunked stage loops (ErfLoops): called once per vector from a generated loop they cost
      // more than the interpreter's blocked loop, which calls them once per block (GELU fwd+bwd on 1M floats,
      // 2 threads: 13.5 ms generated, 7.4 ms blocked), with the same bits
      case ERF, GELU -> throw new Unsupported(op.name().toLowerCase() + " runs in the interpreter's blocked loop (chunked stage loops)");
      default -> throw new Unsupported(op.name().toLowerCase() + " is not generated yet");
    }
    return store(DType.FLOAT32);
  }

  /** Leaves {@code a.compare(op, b)} (a VectorMask) in a new local. */
  private Slot compareWith(Slot a, String op, float b) {
    load(a);
    mv.visitFieldInsn(GETSTATIC, OPS, op, "L" + OPS + "$Comparison;");
    broadcast(b);
    mv.visitMethodInsn(INVOKEVIRTUAL, FV, "compare", "(L" + OPS + "$Comparison;" + VECTOR_D + ")" + MASK_D, false);
    return store(DType.BOOL);
  }

  private void binary(String method) { mv.visitMethodInsn(INVOKEVIRTUAL, FV, method, BINARY_D, false); }

  /** Stack: vector, other, mask -> vector.blend(other, mask) (lanes where mask is set come from other). */
  private void blend() {
    mv.visitMethodInsn(INVOKEVIRTUAL, FV, "blend", "(" + VECTOR_D + MASK_D + ")" + FV_D, false);
  }

  @Override public Slot binary(BinaryOp op, Slot a, Slot b) {
    if (op.isLogical()) {
      load(a);
      load(b);
      mv.visitMethodInsn(INVOKEVIRTUAL, MASK, op == BinaryOp.LOGICAL_AND ? "and" : "or", "(" + MASK_D + ")" + MASK_D, false);
      return store(DType.BOOL);
    }
    if (op.isComparison()) {
      load(a);
      mv.visitFieldInsn(GETSTATIC, OPS, op.name(), "L" + OPS + "$Comparison;");
      load(b);
      mv.visitMethodInsn(INVOKEVIRTUAL, FV, "compare", "(L" + OPS + "$Comparison;" + VECTOR_D + ")" + MASK_D, false);
      return store(DType.BOOL);
    }
    if (op == BinaryOp.POW) return powConstant(a, b);
    // erf-based, as erf and gelu above: the interpreter's blocked loop runs it through the stage loops
    if (op == BinaryOp.GELU_BACKWARD) throw new Unsupported("gelu_backward runs in the interpreter's blocked loop (chunked stage loops)");
    String m = switch (op) {
      case ADD -> "add";
      case SUB -> "sub";
      case MUL -> "mul";
      case DIV -> "div";
      case MAXIMUM -> "max";
      case MINIMUM -> "min";
      default -> throw new Unsupported(op.name().toLowerCase() + " is not generated yet");
    };
    load(a);
    load(b);
    binary(m);
    return store(DType.FLOAT32);
  }

  @Override public Slot where(Slot cond, Slot a, Slot b) {
    if (a.dtype() != DType.FLOAT32) throw new Unsupported("where on bool values");
    load(b);
    load(a);
    load(cond);
    blend();
    return store(DType.FLOAT32);
  }

  @Override public Slot cast(Slot x, DType to) {
    if (x.dtype() == to) return x;
    if (to == DType.BOOL) return compareWith(x, "NE", 0f);
    broadcast(0f);
    broadcast(1f);
    load(x);
    blend();
    return store(DType.FLOAT32);
  }
}
