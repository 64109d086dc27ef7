package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;

/** Matrix products of int64 arrays (PyTorch computes them on the CPU): plain loops, wrapping as int64 does. */
public final class IntMatmul {
  private IntMatmul() {}

  /** (bs x m x k) @ (bs x k x n) read through the given strides into a dense (bs x m x n) array of {@code shape}. */
  private static NDArray product(NDArray a, int[] as, NDArray b, int[] bs, int batch, int m, int k, int n, int... shape) {
    NDArray out = NDArray.empty(DType.INT64, shape);
    long[] x = a.longs(), y = b.longs(), o = out.longs();
    for (int p = 0; p < batch; p++)
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
          long s = 0;
          for (int q = 0; q < k; q++)
            s += x[a.offset() + p * as[0] + i * as[1] + q * as[2]] * y[b.offset() + p * bs[0] + q * bs[1] + j * bs[2]];
          o[(p * m + i) * n + j] = s;
        }
    return out;
  }

  public static NDArray mm(NDArray a, NDArray b) {
    int[] sa = a.strides(), sb = b.strides();
    return product(a, new int[]{0, sa[0], sa[1]}, b, new int[]{0, sb[0], sb[1]}, 1, a.size(0), a.size(1), b.size(1), a.size(0), b.size(1));
  }

  public static NDArray bmm(NDArray a, NDArray b) {
    return product(a, a.strides(), b, b.strides(), a.size(0), a.size(1), a.size(2), b.size(2), a.size(0), a.size(1), b.size(2));
  }

  public static NDArray mv(NDArray a, NDArray v) {
    int[] sa = a.strides();
    return product(a, new int[]{0, sa[0], sa[1]}, v, new int[]{0, v.strides()[0], 0}, 1, a.size(0), a.size(1), 1, a.size(0));
  }

  public static NDArray dot(NDArray a, NDArray b) {
    return product(a, new int[]{0, 0, a.strides()[0]}, b, new int[]{0, b.strides()[0], 0}, 1, 1, a.size(0), 1);
  }
}
