package dev.tcompile;

/**
 * One entry of a Python subscript, for {@link Tensor#index} and {@link Tensor#indexPut_}:
 * <pre>
 *   x[:, 0]              x.index(Idx.all(), Idx.at(0))
 *   x[1:3, ::2]          x.index(Idx.slice(1, 3), Idx.slice(null, null, 2))
 *   x[None, ..., -1]     x.index(Idx.none(), Idx.ellipsis(), Idx.at(-1))
 *   x[[0, 2]]            x.index(Idx.of(0, 2))
 *   x[range(n), target]  x.index(Idx.tensor(Torch.arange(n)), Idx.tensor(target))
 *   x[x > 0]             x.index(Idx.mask(x.gt(0)))        (Idx.tensor of a bool tensor is a mask too)
 *   c[[1, 2]] = v        c.indexPut_(new Idx[]{Idx.of(1, 2)}, v)
 * </pre>
 */
public final class Idx {
  enum Kind { INT, SLICE, NONE, ELLIPSIS, TENSOR }

  final Kind kind;
  final long index;
  final Integer start, stop, step;
  final Tensor tensor;

  private Idx(Kind kind, long index, Integer start, Integer stop, Integer step, Tensor tensor) {
    this.kind = kind;
    this.index = index;
    this.start = start;
    this.stop = stop;
    this.step = step;
    this.tensor = tensor;
  }

  /** An integer: selects and drops the dim ({@code x[2]}). */
  public static Idx at(long i) { return new Idx(Kind.INT, i, null, null, null, null); }

  /** {@code :}, the whole dim. */
  public static Idx all() { return new Idx(Kind.SLICE, 0, null, null, null, null); }

  /** {@code start:stop} with Python's clamping; null for an omitted bound. */
  public static Idx slice(Integer start, Integer stop) { return new Idx(Kind.SLICE, 0, start, stop, null, null); }

  /** {@code start:stop:step} (step positive, as PyTorch requires); nulls for omitted parts. */
  public static Idx slice(Integer start, Integer stop, Integer step) { return new Idx(Kind.SLICE, 0, start, stop, step, null); }

  /** {@code None}: a new axis of size 1. */
  public static Idx none() { return new Idx(Kind.NONE, 0, null, null, null, null); }

  /** {@code ...}: as many {@code :} as the other entries leave. */
  public static Idx ellipsis() { return new Idx(Kind.ELLIPSIS, 0, null, null, null, null); }

  /** An index tensor: int64 (advanced indexing) or bool (a mask over as many dims as it has). */
  public static Idx tensor(Tensor t) {
    if (t == null) throw new TorchException("Idx.tensor(): null index tensor");
    return new Idx(Kind.TENSOR, 0, null, null, null, t);
  }

  /** A bool mask ({@code x[mask]}). */
  public static Idx mask(Tensor m) {
    if (m == null || m.dtype() != DType.BOOL) throw new TorchException("Idx.mask() expects a bool tensor");
    return tensor(m);
  }

  /** A Python list of integers ({@code x[[0, 2]]}): an int64 index tensor. */
  public static Idx of(long... indices) { return tensor(Torch.tensor(indices)); }

  @Override public String toString() {
    return switch (kind) {
      case INT -> Long.toString(index);
      case SLICE -> (start == null ? "" : start) + ":" + (stop == null ? "" : stop) + (step == null ? "" : ":" + step);
      case NONE -> "None";
      case ELLIPSIS -> "...";
      case TENSOR -> "tensor" + tensor.shape();
    };
  }
}
