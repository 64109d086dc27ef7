package dev.tcompile.runtime.kernels;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/**
 * NumPy/PyTorch advanced indexing with int64 index tensors on some dims of a tensor ({@code x[:, idx0, idx1]}).
 * The index tensors broadcast to one shape B. When the indexed dims are adjacent, B takes their place in the
 * result; otherwise B comes first, followed by the dims that are not indexed (PyTorch's rule).
 */
public final class AdvancedIndex {
  private AdvancedIndex() {}

  /** The layout of one indexing: where B sits among the non-indexed dims. */
  private record Plan(int[] rest, int before, int[] b, int[] out) {}

  /** Checks the dims and index shapes and returns the result shape. */
  public static int[] resultShape(int[] self, int[] dims, int[][] idxShapes) {
    return plan(self, dims, idxShapes).out;
  }

  private static Plan plan(int[] self, int[] dims, int[][] idxShapes) {
    if (dims.length != idxShapes.length || dims.length == 0) throw new TorchException("index(): expected one dim per index tensor");
    boolean[] indexed = new boolean[self.length];
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0 || dims[i] >= self.length) throw new TorchException("too many indices for tensor of dimension " + self.length);
      if (indexed[dims[i]] || (i > 0 && dims[i] < dims[i - 1])) throw new TorchException("index(): index dims must be increasing");
      indexed[dims[i]] = true;
    }
    int[] b = idxShapes[0];
    for (int i = 1; i < idxShapes.length; i++) {
      try {
        b = Shapes.broadcast(b, idxShapes[i]);
      } catch (TorchException e) {
        StringBuilder sb = new StringBuilder("shape mismatch: indexing tensors could not be broadcast together with shapes ");
        for (int j = 0; j < idxShapes.length; j++) sb.append(j > 0 ? ", " : "").append(Shapes.str(idxShapes[j]));
        throw new TorchException(sb.toString());
      }
    }
    boolean adjacent = dims[dims.length - 1] - dims[0] == dims.length - 1;
    int[] rest = new int[self.length - dims.length];
    for (int d = 0, j = 0; d < self.length; d++) if (!indexed[d]) rest[j++] = d;
    int before = adjacent ? dims[0] : 0;
    int[] out = new int[rest.length + b.length];
    for (int i = 0; i < before; i++) out[i] = self[rest[i]];
    System.arraycopy(b, 0, out, before, b.length);
    for (int i = before; i < rest.length; i++) out[b.length + i] = self[rest[i]];
    return new Plan(rest, before, b, out);
  }

  /** Storage offsets (relative to the array's offset) of the selected elements, in result order. */
  private static int[] offsets(NDArray self, Plan p, int[] dims, NDArray[] idx) {
    int[] shape = self.shape(), strides = self.strides();
    int nb = (int) Shapes.numel(p.b);
    int[] bOff = new int[nb];
    for (int j = 0; j < dims.length; j++) {
      NDArray ix = idx[j];
      NDArray bx = ix.view(p.b, Shapes.broadcastStrides(ix.shape(), ix.strides(), p.b), ix.offset());
      int size = shape[dims[j]];
      for (int q = 0; q < nb; q++) {
        long v = bx.getLong(q);
        if (v < -size || v >= size)
          throw new TorchException("index " + v + " is out of bounds for dimension " + dims[j] + " with size " + size);
        bOff[q] += (int) (v < 0 ? v + size : v) * strides[dims[j]];
      }
    }
    int[] pre = partOffsets(shape, strides, p.rest, 0, p.before), suf = partOffsets(shape, strides, p.rest, p.before, p.rest.length);
    int[] off = new int[pre.length * nb * suf.length];
    int k = 0;
    for (int a : pre) for (int q : bOff) for (int s : suf) off[k++] = a + q + s;
    return off;
  }

  /** Offsets of every element of the sub-grid spanned by dims rest[from..to), in row-major order. */
  private static int[] partOffsets(int[] shape, int[] strides, int[] rest, int from, int to) {
    int n = 1;
    for (int i = from; i < to; i++) n *= shape[rest[i]];
    int[] off = new int[n];
    int[] ctr = new int[to - from];
    for (int e = 0; e < n; e++) {
      int o = 0;
      for (int i = 0; i < ctr.length; i++) o += ctr[i] * strides[rest[from + i]];
      off[e] = o;
      for (int i = ctr.length - 1; i >= 0; i--) {
        if (++ctr[i] < shape[rest[from + i]]) break;
        ctr[i] = 0;
      }
    }
    return off;
  }

  private static int[][] shapes(NDArray[] idx) {
    int[][] s = new int[idx.length][];
    for (int i = 0; i < idx.length; i++) s[i] = idx[i].shape();
    return s;
  }

  /** {@code self[idx...]} on {@code dims}: a new contiguous array. */
  public static NDArray index(NDArray self, int[] dims, NDArray[] idx) {
    Plan p = plan(self.shape(), dims, shapes(idx));
    int[] off = offsets(self, p, dims, idx);
    NDArray out = NDArray.empty(self.dtype(), p.out);
    int base = self.offset();
    switch (self.dtype()) {
      case FLOAT32 -> { float[] s = self.floats(), o = out.floats(); for (int i = 0; i < off.length; i++) o[i] = s[base + off[i]]; }
      case FLOAT64 -> { double[] s = self.doubles(), o = out.doubles(); for (int i = 0; i < off.length; i++) o[i] = s[base + off[i]]; }
      case INT64 -> { long[] s = self.longs(), o = out.longs(); for (int i = 0; i < off.length; i++) o[i] = s[base + off[i]]; }
      case BOOL -> { boolean[] s = self.bools(), o = out.bools(); for (int i = 0; i < off.length; i++) o[i] = s[base + off[i]]; }
    }
    return out;
  }

  /**
   * A contiguous copy of {@code self} with {@code values} (broadcast to the indexing result) written at the
   * indexed positions, or added there with {@code accumulate} (repeated indices then add up).
   */
  public static NDArray put(NDArray self, int[] dims, NDArray[] idx, NDArray values, boolean accumulate) {
    Plan p = plan(self.shape(), dims, shapes(idx));
    if (values.dtype() != self.dtype())
      throw new TorchException("Index put requires the source and destination dtypes match, got " + self.dtype().legacyName()
          + " for the destination and " + values.dtype().legacyName() + " for the source.");
    NDArray vb;
    try {
      vb = values.view(p.out, Shapes.broadcastStrides(values.shape(), values.strides(), p.out), values.offset());
    } catch (TorchException e) {
      throw new TorchException("shape mismatch: value tensor of shape " + Shapes.str(values.shape())
          + " cannot be broadcast to indexing result of shape " + Shapes.str(p.out));
    }
    NDArray out = self.copy();
    int[] off = offsets(out, p, dims, idx);
    int base = out.offset();
    switch (self.dtype()) {
      case FLOAT32 -> {
        float[] o = out.floats();
        for (int i = 0; i < off.length; i++) {
          float v = (float) vb.getDouble(i);
          o[base + off[i]] = accumulate ? o[base + off[i]] + v : v;
        }
      }
      case FLOAT64 -> {
        double[] o = out.doubles();
        for (int i = 0; i < off.length; i++) {
          double v = vb.getDouble(i);
          o[base + off[i]] = accumulate ? o[base + off[i]] + v : v;
        }
      }
      case INT64 -> {
        long[] o = out.longs();
        for (int i = 0; i < off.length; i++) o[base + off[i]] = accumulate ? o[base + off[i]] + vb.getLong(i) : vb.getLong(i);
      }
      case BOOL -> {
        boolean[] o = out.bools();
        for (int i = 0; i < off.length; i++) o[base + off[i]] = accumulate ? o[base + off[i]] | vb.getDouble(i) != 0 : vb.getDouble(i) != 0;
      }
    }
    return out;
  }

  /** The int64 coordinates of the true elements of a bool mask, one array per mask dim ({@code mask.nonzero().unbind(1)}). */
  public static NDArray[] nonzero(NDArray mask) {
    int n = 0, total = mask.numel();
    for (int i = 0; i < total; i++) if (mask.getDouble(i) != 0) n++;
    int nd = mask.dim();
    long[][] coords = new long[nd][n];
    int[] ctr = new int[nd];
    for (int i = 0, k = 0; i < total; i++) {
      if (mask.getDouble(i) != 0) { for (int d = 0; d < nd; d++) coords[d][k] = ctr[d]; k++; }
      for (int d = nd - 1; d >= 0; d--) {
        if (++ctr[d] < mask.shape()[d]) break;
        ctr[d] = 0;
      }
    }
    NDArray[] out = new NDArray[nd];
    for (int d = 0; d < nd; d++) out[d] = NDArray.wrap(coords[d], n);
    return out;
  }
}
