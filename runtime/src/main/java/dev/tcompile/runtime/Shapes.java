package dev.tcompile.runtime;

import dev.tcompile.TorchException;
import java.util.Arrays;

/** Shape arithmetic shared by kernels, shape rules and the IR: broadcasting, strides, dims, PyTorch's messages. */
public final class Shapes {
  private Shapes() {}

  public static final int[] SCALAR = new int[0];

  /** The product of the sizes; PyTorch's error instead of a wrapped-around product. */
  public static long numel(int[] shape) {
    long n = 1;
    try {
      for (int s : shape) n = Math.multiplyExact(n, s);
    } catch (ArithmeticException e) {
      throw new TorchException("Storage size calculation overflowed with sizes=" + str(shape));
    }
    return n;
  }

  /** numel as an int, with a clear error instead of an overflow past 2^31-1 elements. */
  public static int numelInt(int[] shape) {
    long n = numel(shape);
    if (n > Integer.MAX_VALUE) throw new TorchException("tensor of shape " + str(shape) + " has " + n
        + " elements; tcompile tensors hold at most " + Integer.MAX_VALUE);
    return (int) n;
  }

  /** The shape (and strides) of every 0-d array: nothing to change in it, so one array serves them all. */
  static final int[] NO_DIMS = new int[0];

  public static int[] contiguousStrides(int[] shape) {
    if (shape.length == 0) return NO_DIMS;
    int[] st = new int[shape.length];
    int s = 1;
    for (int i = shape.length - 1; i >= 0; i--) { st[i] = s; s *= Math.max(shape[i], 1); }
    return st;
  }

  /** "[2, 3]" — PyTorch's way of printing a size inside messages. */
  public static String str(int[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) { if (i > 0) sb.append(", "); sb.append(shape[i]); }
    return sb.append(']').toString();
  }

  /** "2x3", as matmul messages print shapes. */
  public static String xstr(int[] shape) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < shape.length; i++) { if (i > 0) sb.append('x'); sb.append(shape[i]); }
    return sb.toString();
  }

  /** Wraps a possibly negative dim into [0, ndim); PyTorch's IndexError text when out of range. */
  public static int wrapDim(int dim, int ndim) {
    int n = Math.max(ndim, 1); // a 0-d tensor accepts dims -1 and 0
    if (dim < -n || dim >= n)
      throw new TorchException("Dimension out of range (expected to be in range of [" + (-n) + ", " + (n - 1)
          + "], but got " + dim + ")");
    return dim < 0 ? dim + n : dim;
  }

  /** NumPy broadcasting of two shapes; PyTorch's message (for the last mismatching dim) when they do not broadcast. */
  public static int[] broadcast(int[] a, int[] b) {
    int n = Math.max(a.length, b.length);
    int[] out = new int[n];
    for (int i = n - 1; i >= 0; i--) {
      int ai = i - (n - a.length), bi = i - (n - b.length);
      int sa = ai >= 0 ? a[ai] : 1, sb = bi >= 0 ? b[bi] : 1;
      if (sa != sb && sa != 1 && sb != 1)
        throw new TorchException("The size of tensor a (" + sa + ") must match the size of tensor b (" + sb
            + ") at non-singleton dimension " + i);
      out[i] = sa == 1 ? sb : sa;
    }
    return out;
  }

  public static int[] broadcast(int[]... shapes) {
    int[] out = SCALAR;
    for (int[] s : shapes) out = broadcast(out, s);
    return out;
  }

  /** Strides that read {@code shape}/{@code strides} as if expanded to {@code target} (0 on broadcast dims). */
  public static int[] broadcastStrides(int[] shape, int[] strides, int[] target) {
    return broadcastStrides(shape, strides, target, new int[target.length]);
  }

  /** {@link #broadcastStrides(int[], int[], int[])} into {@code out} (of the target's rank), which it returns. */
  public static int[] broadcastStrides(int[] shape, int[] strides, int[] target, int[] out) {
    Arrays.fill(out, 0);
    int lead = target.length - shape.length;
    if (lead < 0) throw new TorchException("cannot broadcast " + str(shape) + " to " + str(target));
    for (int i = 0; i < shape.length; i++) {
      int t = target[i + lead];
      if (shape[i] == t) out[i + lead] = strides[i];
      else if (shape[i] == 1) out[i + lead] = 0;
      else throw new TorchException("The expanded size of the tensor (" + t + ") must match the existing size ("
          + shape[i] + ") at non-singleton dimension " + (i + lead) + ".  Target sizes: " + str(target)
          + ".  Tensor sizes: " + str(shape));
    }
    return out;
  }

  /** Resolves one -1 in a view/reshape size; PyTorch's message when the sizes do not fit. */
  public static int[] inferSize(int[] size, long numel) {
    int infer = -1;
    long known = 1;
    for (int i = 0; i < size.length; i++) {
      if (size[i] == -1) {
        if (infer >= 0) throw new TorchException("only one dimension can be inferred");
        infer = i;
      } else if (size[i] < 0) {
        throw new TorchException("invalid shape dimension " + size[i]);
      } else known *= size[i];
    }
    int[] out = size.clone();
    if (infer >= 0) {
      if (known == 0 || numel % known != 0) throw new TorchException("shape '" + str(size) + "' is invalid for input of size " + numel);
      out[infer] = (int) (numel / known);
    } else if (known != numel) {
      throw new TorchException("shape '" + str(size) + "' is invalid for input of size " + numel);
    }
    return out;
  }

  /** True when dims listed reduce over; normalises negative dims and rejects repeats (PyTorch's message). */
  public static boolean[] dimMask(int[] dims, int ndim) {
    boolean[] mask = new boolean[ndim];
    for (int d : dims) {
      int w = wrapDim(d, ndim);
      if (ndim == 0) continue;
      if (mask[w]) throw new TorchException("dim " + w + " appears multiple times in the list of dims");
      mask[w] = true;
    }
    return mask;
  }

  public static int[] reducedShape(int[] shape, boolean[] mask, boolean keepdim) {
    int n = 0;
    for (int i = 0; i < shape.length; i++) if (!mask[i] || keepdim) n++;
    int[] out = new int[n];
    int j = 0;
    for (int i = 0; i < shape.length; i++) {
      if (!mask[i]) out[j++] = shape[i];
      else if (keepdim) out[j++] = 1;
    }
    return out;
  }

  public static int[] allDims(int ndim) {
    int[] d = new int[ndim];
    for (int i = 0; i < ndim; i++) d[i] = i;
    return d;
  }

  public static boolean equal(int[] a, int[] b) { return Arrays.equals(a, b); }
}
