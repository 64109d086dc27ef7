package dev.tcompile.runtime.compiled;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import dev.tcompile.runtime.kernels.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Runs op bodies a block at a time: each operation is one Vector API loop over {@link FusedLoop.BLOCK} elements
 * held in cache, so a fused chain reads its inputs and writes its outputs once. Scalar operands stay scalars (the
 * chain's constant parts are computed once per block). Element semantics are the runtime's: the vectorised
 * functions of {@link VectorMath} (as the eager kernels use), {@code UnaryOp.apply} / {@code BinaryOp.apply} for the
 * rest, element by element. One instance per thread: it holds the block length and the scratch arrays.
 */
final class BlockOps {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();

  final Scratch scratch = new Scratch();
  /** The cursor for walking strided inputs and sums' outputs. */
  final RowRuns runs = new RowRuns();
  /** One vector's worth of floats, for generated loops calling the runtime's array-based vector functions. */
  final float[] vector = new float[VL];
  int len;

  /** One block per input position, reused block after block for inputs read in place (no allocation per block). */
  private Block[] cursors = new Block[4];

  /** Input {@code i}'s block over {@code f} from {@code off}: this thread's cursor for that input, moved there. */
  Block cursor(int i, float[] f, int off) {
    cursors = grown(cursors, i);
    return moved(cursors, i, f, off);
  }

  private static Block[] grown(Block[] a, int i) { return i < a.length ? a : java.util.Arrays.copyOf(a, Math.max(i + 1, 2 * a.length)); }

  /** {@code a[i]}, made a block if there is none yet, pointed at {@code f} from {@code off}. */
  private static Block moved(Block[] a, int i, float[] f, int off) {
    Block c = a[i];
    if (c == null) a[i] = c = Block.of(f, off);
    c.f = f;
    c.off = off;
    return c;
  }

  private Block[] env = new Block[16];
  private boolean[] owns = new boolean[16];

  /** This thread's array for a body's values (at least {@code n}; the caller clears it after use). */
  Block[] env(int n) {
    if (env.length < n) env = new Block[n];
    return env;
  }

  /** This thread's flags for which values own a scratch array (at least {@code n}, the first n false). */
  boolean[] owns(int n) {
    if (owns.length < n) owns = new boolean[n];
    else java.util.Arrays.fill(owns, 0, n, false);
    return owns;
  }

  /** Points the cursors at nothing: they must not keep a call's arrays alive (the blocks are kept for the next call). */
  void dropCursors() {
    for (Block c : cursors) if (c != null) c.f = null;
    for (Block c : outCursors) if (c != null) c.f = null;
  }

  /**
   * Where the next float operation writes: an output array's block (so the value needs no copy into the output
   * afterwards), or null for a scratch array. Set by {@link FusedLoop} around an operation whose value is an output.
   */
  private Block target;

  void target(Block t) { target = t; }

  private float[] dest() { return target != null ? target.f : scratch.floats(); }

  private int destOff() { return target != null ? target.off : 0; }

  /** The block of what was just written into {@code d}. */
  private Block written(float[] d) { return target != null ? target : scratch.wrap(d); }

  /** One block per output position, moved block by block, for the outputs operations write directly. */
  private Block[] outCursors = new Block[2];

  /** Output {@code i}'s block over {@code f} from {@code off}: this thread's cursor for it, moved there. */
  Block outCursor(int i, float[] f, int off) {
    outCursors = grown(outCursors, i);
    return moved(outCursors, i, f, off);
  }

  DType dtype(Block x) { return x.dtype; }

  Block constant(double value, DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> Block.scalar((float) value);
      case BOOL -> Block.scalar(value != 0);
      default -> throw new TorchException("fused kernels compute in float32 and bool, not " + dtype);
    };
  }

  Block unary(UnaryOp op, Block x) {
    if (x.scalar) return Block.scalar(op.apply(x.fs));
    float[] d = dest();
    int dO = destOff();
    float[] a = x.f;
    int o = x.off, n = len;
    if (VectorMath.supports(op)) {
      VectorMath.apply(op, a, o, d, dO, n);
      return written(d);
    }
    int i = 0;
    switch (op) {
      case NEG -> { for (; i <= n - VL; i += VL) FloatVector.fromArray(S, a, o + i).neg().intoArray(d, dO + i); }
      case ABS -> { for (; i <= n - VL; i += VL) FloatVector.fromArray(S, a, o + i).abs().intoArray(d, dO + i); }
      case RELU -> {
        // x < 0 ? 0 : x keeps NaN and -0.0, as the eager kernel does
        for (; i <= n - VL; i += VL) {
          FloatVector v = FloatVector.fromArray(S, a, o + i);
          v.blend(0f, v.lt(0f)).intoArray(d, dO + i);
        }
      }
      case RECIPROCAL -> { for (; i <= n - VL; i += VL) FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, a, o + i)).intoArray(d, dO + i); }
      case ONE_MINUS_SQUARE -> {
        for (; i <= n - VL; i += VL) { FloatVector v = FloatVector.fromArray(S, a, o + i); v.neg().fma(v, FloatVector.broadcast(S, 1f)).intoArray(d, dO + i); }
      }
      default -> { }
    }
    for (; i < n; i++) d[dO + i] = op.apply(a[o + i]);
    return written(d);
  }

  Block binary(BinaryOp op, Block a, Block b) {
    if (op.isLogical()) return logical(op, a, b);
    if (op.isComparison()) return compare(op, a, b);
    if (a.scalar && b.scalar) return Block.scalar(op.apply(a.fs, b.fs));
    if (op == BinaryOp.GELU_BACKWARD) return geluBackward(a, b);
    float[] d = dest();
    int dO = destOff();
    int n = len, i = 0;
    VectorOperators.Binary vop = switch (op) {
      case ADD -> VectorOperators.ADD;
      case SUB -> VectorOperators.SUB;
      case MUL -> VectorOperators.MUL;
      case DIV -> VectorOperators.DIV;
      case MAXIMUM -> VectorOperators.MAX;
      case MINIMUM -> VectorOperators.MIN;
      default -> null;
    };
    if (vop != null) i = arithmetic(op, a, b, d, dO);
    else if (op == BinaryOp.POW && b.scalar && !a.scalar) i = powConstant(a, b.fs, d, dO);
    for (; i < n; i++) d[dO + i] = op.apply(a.floatAt(i), b.floatAt(i));
    return written(d);
  }

  /**
   * GELU's backward of gradient g and input x over the block in one pass of the runtime's stage loops (the eager
   * kernel's, so the same bits); a scalar g is read as one value.
   */
  private Block geluBackward(Block g, Block x) {
    float[] d = dest();
    int dO = destOff();
    float[] xf = x.f;
    int xo = x.off;
    if (x.scalar) {   // spread over the destination, computed there in place (the stage loops allow it)
      java.util.Arrays.fill(d, dO, dO + len, x.fs);
      xf = d;
      xo = dO;
    }
    if (g.scalar) {
      oneGrad[0] = g.fs;
      VectorMath.geluBackwardScalarGrad(oneGrad, 0, xf, xo, d, dO, len);
    } else {
      VectorMath.geluBackward(g.f, g.off, xf, xo, d, dO, len);
    }
    return written(d);
  }

  private final float[] oneGrad = new float[1];

  /**
   * One loop per operator and operand shape: C2 intrinsifies a lanewise operation only when its operator is a
   * constant at the call. Returns how many elements were done (the rest is the scalar tail).
   */
  private int arithmetic(BinaryOp op, Block a, Block b, float[] d, int dO) {
    int n = len, i = 0, e = n - VL;
    float[] x = a.f, y = b.f;
    int xo = a.off, yo = b.off;
    if (!a.scalar && !b.scalar) {
      switch (op) {
        case ADD -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).add(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i); }
        case SUB -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).sub(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i); }
        case MUL -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).mul(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i); }
        case DIV -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).div(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i); }
        case MAXIMUM -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).max(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i); }
        case MINIMUM -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).min(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i); }
        default -> { }
      }
    } else if (b.scalar) {
      FloatVector s = FloatVector.broadcast(S, b.fs);
      switch (op) {
        case ADD -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).add(s).intoArray(d, dO + i); }
        case SUB -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).sub(s).intoArray(d, dO + i); }
        case MUL -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).mul(s).intoArray(d, dO + i); }
        case DIV -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).div(s).intoArray(d, dO + i); }
        case MAXIMUM -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).max(s).intoArray(d, dO + i); }
        case MINIMUM -> { for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).min(s).intoArray(d, dO + i); }
        default -> { }
      }
    } else {
      FloatVector s = FloatVector.broadcast(S, a.fs);
      switch (op) {
        case ADD -> { for (; i <= e; i += VL) s.add(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i); }
        case SUB -> { for (; i <= e; i += VL) s.sub(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i); }
        case MUL -> { for (; i <= e; i += VL) s.mul(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i); }
        case DIV -> { for (; i <= e; i += VL) s.div(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i); }
        case MAXIMUM -> { for (; i <= e; i += VL) s.max(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i); }
        case MINIMUM -> { for (; i <= e; i += VL) s.min(FloatVector.fromArray(S, y, yo + i)).intoArray(d, dO + i); }
        default -> { }
      }
    }
    return i;
  }

  /**
   * {@code a ** p} for the exponents {@link BinaryOp#pow} computes without {@code Math.pow}, with the same operations
   * in the same order (so the same bits); other exponents are left to the scalar loop. Returns how many were done.
   */
  private int powConstant(Block a, float p, float[] d, int dO) {
    int n = len, i = 0, e = n - VL;
    float[] x = a.f;
    int xo = a.off;
    if (p == 2f) for (; i <= e; i += VL) { FloatVector v = FloatVector.fromArray(S, x, xo + i); v.mul(v).intoArray(d, dO + i); }
    else if (p == 1f) { System.arraycopy(x, xo, d, dO, n); i = n; }
    else if (p == 3f) for (; i <= e; i += VL) { FloatVector v = FloatVector.fromArray(S, x, xo + i); v.mul(v).mul(v).intoArray(d, dO + i); }
    else if (p == 0.5f) for (; i <= e; i += VL) FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.SQRT).intoArray(d, dO + i);
    else if (p == -1f) for (; i <= e; i += VL) FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, x, xo + i)).intoArray(d, dO + i);
    else if (p == -2f) for (; i <= e; i += VL) { FloatVector v = FloatVector.fromArray(S, x, xo + i); FloatVector.broadcast(S, 1f).div(v.mul(v)).intoArray(d, dO + i); }
    return i;
  }

  private Block compare(BinaryOp op, Block a, Block b) {
    if (a.scalar && b.scalar) return Block.scalar(op.test(a.fs, b.fs));
    boolean[] d = scratch.bools();
    int n = len, i = 0, e = n - VL;
    VectorOperators.Comparison c = switch (op) {
      case EQ -> VectorOperators.EQ;
      case NE -> VectorOperators.NE;
      case GT -> VectorOperators.GT;
      case GE -> VectorOperators.GE;
      case LT -> VectorOperators.LT;
      case LE -> VectorOperators.LE;
      default -> throw new IllegalStateException(op + " is not a comparison");
    };
    // the comparison operator is not a constant here; C2 still intrinsifies compare(), which takes it as an operand
    if (!a.scalar && !b.scalar) {
      for (; i <= e; i += VL) FloatVector.fromArray(S, a.f, a.off + i).compare(c, FloatVector.fromArray(S, b.f, b.off + i)).intoArray(d, i);
    } else if (b.scalar) {
      for (; i <= e; i += VL) FloatVector.fromArray(S, a.f, a.off + i).compare(c, b.fs).intoArray(d, i);
    } else {
      FloatVector s = FloatVector.broadcast(S, a.fs);
      for (; i <= e; i += VL) s.compare(c, FloatVector.fromArray(S, b.f, b.off + i)).intoArray(d, i);
    }
    for (; i < n; i++) d[i] = op.test(a.floatAt(i), b.floatAt(i));
    return scratch.wrap(d);
  }

  private Block logical(BinaryOp op, Block a, Block b) {
    boolean and = op == BinaryOp.LOGICAL_AND;
    if (a.scalar && b.scalar) return Block.scalar(and ? a.bs && b.bs : a.bs || b.bs);
    boolean[] d = scratch.bools();
    for (int i = 0; i < len; i++) d[i] = and ? a.boolAt(i) && b.boolAt(i) : a.boolAt(i) || b.boolAt(i);
    return scratch.wrap(d);
  }

  Block where(Block c, Block a, Block b) {
    if (c.scalar) return c.bs ? a : b;
    int n = len, i = 0;
    if (a.dtype == DType.BOOL) {
      boolean[] d = scratch.bools();
      for (; i < n; i++) d[i] = c.b[c.off + i] ? a.boolAt(i) : b.boolAt(i);
      return scratch.wrap(d);
    }
    float[] d = dest();
    int dO = destOff();
    for (int e = n - VL; i <= e; i += VL) {
      VectorMask<Float> m = VectorMask.fromArray(S, c.b, c.off + i);
      FloatVector va = a.scalar ? FloatVector.broadcast(S, a.fs) : FloatVector.fromArray(S, a.f, a.off + i);
      FloatVector vb = b.scalar ? FloatVector.broadcast(S, b.fs) : FloatVector.fromArray(S, b.f, b.off + i);
      vb.blend(va, m).intoArray(d, dO + i);
    }
    for (; i < n; i++) d[dO + i] = c.b[c.off + i] ? a.floatAt(i) : b.floatAt(i);
    return written(d);
  }

  Block cast(Block x, DType to) {
    if (x.dtype == to) return x;
    if (to == DType.BOOL) {
      if (x.scalar) return Block.scalar(x.fs != 0);
      boolean[] d = scratch.bools();
      for (int i = 0; i < len; i++) d[i] = x.f[x.off + i] != 0;
      return scratch.wrap(d);
    }
    if (to == DType.FLOAT32) {
      if (x.scalar) return Block.scalar(x.bs ? 1f : 0f);
      float[] d = dest();
      int dO = destOff();
      for (int i = 0; i < len; i++) d[dO + i] = x.b[x.off + i] ? 1f : 0f;
      return written(d);
    }
    throw new TorchException("fused kernels compute in float32 and bool, not " + to);
  }
}
