package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.Shapes;
import java.util.Arrays;

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
    if (shouldFold(a, db) || shouldFold(b, da)) return folded(a, b);
    return batched(a, b);
  }

  /**
   * ATen's should_fold: a (>= 3-D) times a vector or matrix becomes one mm/mv over the folded batch, unless a is
   * 3-D with its last two dims transposed (bmm then reads it without a copy).
   */
  private static boolean shouldFold(Tensor t, int otherDim) {
    int d = t.dim();
    if (d < 3 || (otherDim != 1 && otherDim != 2)) return false;
    int[] size = t.shapeArray(), stride = t.array().strides();
    return !(d == 3 && otherDim == 2 && stride[2] != 1 && stride[0] == size[1] * size[2]);
  }

  /** One mm (or mv) with the batch folded into rows; when b is the batched side, computed transposed. */
  private static Tensor folded(Tensor a, Tensor b) {
    boolean transpose = b.dim() > a.dim();
    Tensor t1 = transpose ? b.transpose(-2, -1) : a;
    Tensor t2 = !transpose ? b : a.dim() == 2 ? a.t() : a;
    int[] s1 = t1.shapeArray();
    int k = s1[s1.length - 1];
    int[] out = Arrays.copyOf(s1, s1.length - 1);
    int rows = (int) Shapes.numel(out);
    Tensor t1Folded = t1.reshape(rows, k);
    if (t2.dim() == 1) return unsafeView(t1Folded.mv(t2), out);
    out = Arrays.copyOf(out, out.length + 1);
    out[out.length - 1] = t2.size(1);
    Tensor r = unsafeView(t1Folded.mm(t2), out);
    return transpose ? r.transpose(-2, -1).contiguous() : r;
  }

  /** Both sides at least 2-D: broadcast the batch dims, fold them into one, bmm, unfold. */
  private static Tensor batched(Tensor a, Tensor b) {
    int da = a.dim(), db = b.dim();
    int[] sa = a.shapeArray(), sb = b.shapeArray();
    int n = sa[da - 2], m1 = sa[da - 1], m2 = sb[db - 2], p = sb[db - 1];
    int[] batch = Shapes.broadcast(Arrays.copyOf(sa, da - 2), Arrays.copyOf(sb, db - 2));
    int bs = (int) Shapes.numel(batch);
    Tensor a3 = a.expand(concat(batch, n, m1)).reshape(bs, n, m1);
    Tensor b3 = b.expand(concat(batch, m2, p)).reshape(bs, m2, p);
    return unsafeView(a3.bmm(b3), concat(batch, n, p));
  }

  private static Tensor squeezeFirst(Tensor t) {
    int[] s = t.shapeArray();
    return Dispatcher.apply1("SqueezeBackward3", Views.RESHAPE, Attrs.of("shape", Arrays.copyOfRange(s, 1, s.length)), t);
  }

  private static Tensor unsafeView(Tensor t, int[] shape) {
    return Dispatcher.apply1("UnsafeViewBackward0", Views.RESHAPE, Attrs.of("shape", shape), t);
  }

  private static int[] concat(int[] batch, int x, int y) {
    int[] o = Arrays.copyOf(batch, batch.length + 2);
    o[batch.length] = x;
    o[batch.length + 1] = y;
    return o;
  }
}
