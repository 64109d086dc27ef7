package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.Shapes;

/** {@code torch.matmul}'s case analysis (ATen's LinearAlgebra.cpp), so graphs and node names match PyTorch's. */
final class MatmulDecomposition {
  private MatmulDecomposition() {}

  static Tensor matmul(Tensor a, Tensor b) {
    int da = a.dim(), db = b.dim();
    if (da == 0 || db == 0)
      throw new TorchException("both arguments to matmul need to be at least 1D, but they are " + da + "D and " + db + "D");
    if (da == 1 && db == 1) return a.dot(b);
    if (da == 2 && db == 1) return a.mv(b);
    if (da == 1 && db == 2) return squeezeFirst(a.unsqueeze(0).mm(b));
    if (da == 2 && db == 2) return a.mm(b);
    if (da >= 3 && (db == 1 || db == 2)) {
      // fold the batch into the rows of one mm (or mv)
      int[] sa = a.shapeArray();
      int k = sa[da - 1];
      int rows = (int) (a.numel() / Math.max(k, 1));
      Tensor folded = a.reshape(rows, k);
      int[] out = new int[db == 2 ? da : da - 1];
      System.arraycopy(sa, 0, out, 0, da - 1);
      if (db == 2) {
        out[da - 1] = b.size(1);
        return unsafeView(folded.mm(b), out);
      }
      return unsafeView(folded.mv(b), out);
    }
    // batched: broadcast batch dims, fold to 3-D, bmm, unfold
    int[] sa = a.shapeArray(), sb = b.shapeArray();
    int n = da > 1 ? sa[da - 2] : 1, m1 = sa[da - 1];
    int m2 = db > 1 ? sb[db - 2] : sb[0], p = sb[db - 1];
    int[] batchA = java.util.Arrays.copyOf(sa, Math.max(da - 2, 0)), batchB = java.util.Arrays.copyOf(sb, Math.max(db - 2, 0));
    int[] batch = Shapes.broadcast(batchA, batchB);
    int bs = (int) Shapes.numel(batch);
    int[] ea = concat(batch, n, m1), eb = concat(batch, m2, p);
    Tensor a3 = (da == 1 ? a.unsqueeze(0) : a).expand(ea).reshape(bs, n, m1);
    Tensor b3 = (db == 1 ? b.unsqueeze(1) : b).expand(eb).reshape(bs, m2, p);
    Tensor r = a3.bmm(b3);
    int[] out;
    if (da == 1) out = concat1(batch, p);
    else if (db == 1) out = concat1(batch, n);
    else out = concat(batch, n, p);
    return unsafeView(r, out);
  }

  private static Tensor squeezeFirst(Tensor t) {
    int[] s = t.shapeArray();
    return Dispatcher.apply1("SqueezeBackward3", Views.RESHAPE, Attrs.of("shape", java.util.Arrays.copyOfRange(s, 1, s.length)), t);
  }

  private static Tensor unsafeView(Tensor t, int[] shape) {
    return Dispatcher.apply1("UnsafeViewBackward0", Views.RESHAPE, Attrs.of("shape", shape), t);
  }

  private static int[] concat(int[] batch, int x, int y) {
    int[] o = java.util.Arrays.copyOf(batch, batch.length + 2);
    o[batch.length] = x;
    o[batch.length + 1] = y;
    return o;
  }

  private static int[] concat1(int[] batch, int x) {
    int[] o = java.util.Arrays.copyOf(batch, batch.length + 1);
    o[batch.length] = x;
    return o;
  }
}
