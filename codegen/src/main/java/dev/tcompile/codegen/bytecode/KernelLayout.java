package dev.tcompile.codegen.bytecode;

import dev.tcompile.DType;
import dev.tcompile.ir.FusedOp;
import dev.tcompile.ir.Value;
import dev.tcompile.runtime.Shapes;
import java.util.Arrays;
import java.util.List;

/**
 * How a generated kernel walks its iteration space and reads each input. Without broadcasting inputs it is one
 * flat loop over the elements ({@link #flat}). With them, the space is seen as rows: {@code inner} elements (the
 * product of the dims from {@code split} on) per row, and each input is read as
 * <ul>
 *   <li>{@code DENSE}: of the space's shape, at the element's index;</li>
 *   <li>{@code SCALAR}: one element, broadcast once;</li>
 *   <li>{@code ROW}: the same row for every row (a bias [C] over [N, C]), at the column;</li>
 *   <li>{@code COL}: one value per row (a per-channel [C, 1, 1] over [N, C, H, W], a row statistic [N, 1] over
 *       [N, C]), at {@code (row / div) % mod}.</li>
 * </ul>
 * The split is the one with the longest rows that reads every input as one of these; none (an input broadcast in
 * some other pattern) makes the body {@link VectorKernelEmitter.Unsupported}.
 */
record KernelLayout(int split, int inner, VectorKernelEmitter.InputKind[] kinds, int[] div, int[] mod, long[] numels) {
  /** Rows shorter than this would leave most lanes of every vector idle: the interpreter's loop is no slower. */
  static final int MIN_ROW = 4;

  boolean flat() { return split < 0; }

  static KernelLayout of(FusedOp op) {
    int[] space = op.iterationSpace();
    List<Value> in = op.body().inputs();
    int n = in.size(), rank = space.length;
    long[] numels = new long[n];
    int[][] shapes = new int[n][];
    boolean broadcasting = false;
    for (int i = 0; i < n; i++) {
      shapes[i] = rightAligned(in.get(i).type().shape(), rank);
      numels[i] = Shapes.numel(in.get(i).type().shape());
      DType dt = in.get(i).type().dtype();
      if (dt != DType.FLOAT32 && dt != DType.BOOL) throw new VectorKernelEmitter.Unsupported("input %" + in.get(i).name() + " is " + dt);
      if (numels[i] != 1 && !Arrays.equals(shapes[i], space)) broadcasting = true;
    }
    if (!broadcasting) {
      VectorKernelEmitter.InputKind[] k = new VectorKernelEmitter.InputKind[n];
      for (int i = 0; i < n; i++) k[i] = numels[i] == 1 ? VectorKernelEmitter.InputKind.SCALAR : VectorKernelEmitter.InputKind.DENSE;
      return new KernelLayout(-1, (int) Shapes.numel(space), k, new int[n], new int[n], numels);
    }
    String why = null;
    for (int split = 0; split < rank; split++) {
      long inner = 1;
      for (int d = split; d < rank; d++) inner *= space[d];
      if (inner < MIN_ROW) break;
      KernelLayout l = tryLayout(space, split, (int) inner, shapes, numels, in);
      if (l != null) return l;
    }
    throw new VectorKernelEmitter.Unsupported("inputs broadcast in a pattern no row split reads (" + shapesOf(in) + " over " + Arrays.toString(space) + ")");
  }

  private static KernelLayout tryLayout(int[] space, int split, int inner, int[][] shapes, long[] numels, List<Value> in) {
    int n = shapes.length, rank = space.length;
    VectorKernelEmitter.InputKind[] kinds = new VectorKernelEmitter.InputKind[n];
    int[] div = new int[n], mod = new int[n];
    for (int i = 0; i < n; i++) {
      int[] s = shapes[i];
      boolean bool = in.get(i).type().dtype() == DType.BOOL;
      if (numels[i] == 1) { kinds[i] = VectorKernelEmitter.InputKind.SCALAR; continue; }
      if (bool) return null;   // bool arrays have no masked loads; the row tails need them
      if (Arrays.equals(s, space)) { kinds[i] = VectorKernelEmitter.InputKind.DENSE; continue; }
      boolean row = true, col = true;
      for (int d = 0; d < rank; d++) {
        if (d < split ? s[d] != 1 : s[d] != space[d]) row = false;
        if (d >= split && s[d] != 1) col = false;
        if (s[d] != 1 && s[d] != space[d]) return null;
      }
      if (row) { kinds[i] = VectorKernelEmitter.InputKind.ROW; continue; }
      if (!col) return null;
      // the input's non-1 dims before the split must be consecutive: index = (row / div) % mod
      int p = -1, q = -1;
      for (int d = 0; d < split; d++) {
        if (s[d] == 1 || space[d] == 1) continue;
        if (p < 0) p = d; else if (q != d) return null;
        q = d + 1;
      }
      long m = 1, dv = 1;
      for (int d = p; d < q; d++) m *= space[d];
      for (int d = q; d < split; d++) dv *= space[d];
      kinds[i] = VectorKernelEmitter.InputKind.COL;
      div[i] = (int) dv;
      mod[i] = (int) m;
    }
    return new KernelLayout(split, inner, kinds, div, mod, numels);
  }

  private static int[] rightAligned(int[] shape, int rank) {
    int[] s = new int[rank];
    Arrays.fill(s, 1);
    System.arraycopy(shape, 0, s, rank - shape.length, shape.length);
    return s;
  }

  private static String shapesOf(List<Value> in) {
    StringBuilder b = new StringBuilder();
    for (Value v : in) b.append(b.isEmpty() ? "" : ", ").append(Arrays.toString(v.type().shape()));
    return b.toString();
  }
}
