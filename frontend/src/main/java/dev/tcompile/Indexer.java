package dev.tcompile;

import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.ops.AdvancedIndexing;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.kernels.AdvancedIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's Python subscript ({@code x[...]} and {@code x[...] = v}): integers, slices, None and the ellipsis are
 * applied first as views (select, slice, unsqueeze); index tensors left over become one {@code index} op
 * (IndexBackward0) or {@code index_put} (IndexPutBackward0). Bool masks become int64 coordinates on the host,
 * so masking inside {@code Torch.compile} is a graph break (the result's shape depends on the data).
 */
final class Indexer {
  private Indexer() {}

  /** The view after the basic entries, and the int64 index tensors left for advanced indexing with their dims. */
  record Sliced(Tensor view, List<Integer> dims, List<Tensor> indices) {
    boolean advanced() { return !indices.isEmpty(); }
  }

  static Sliced slice(Tensor self, Idx[] idx) {
    int specified = 0, ellipses = 0;
    for (Idx i : idx) {
      if (i == null) throw new TorchException("index(): null index entry (use Idx.none() for None)");
      switch (i.kind) {
        case INT, SLICE -> specified++;
        case TENSOR -> specified += i.tensor.dtype() == DType.BOOL ? i.tensor.dim() : 1;
        case ELLIPSIS -> ellipses++;
        case NONE -> { }
      }
    }
    if (ellipses > 1) throw new TorchException("an index can only have a single ellipsis");
    if (specified > self.dim()) throw new TorchException("too many indices for tensor of dimension " + self.dim());
    Tensor r = self;
    int dim = 0;
    List<Integer> dims = new ArrayList<>();
    List<Tensor> tensors = new ArrayList<>();
    int origDim = 0; // the dim of self the next entry refers to (for error messages)
    for (Idx i : idx) {
      switch (i.kind) {
        case INT -> { r = select(r, dim, i.index, origDim); origDim++; }
        case SLICE -> {
          int size = r.size(dim);
          int step = i.step == null ? 1 : i.step;
          if (step <= 0) throw new TorchException("step must be greater than zero");
          int start = i.start == null ? 0 : i.start, stop = i.stop == null ? size : i.stop;
          r = r.slice(dim, start, stop, step); // PyTorch 1.13 records even a full slice (SliceBackward0)
          dim++;
          origDim++;
        }
        case NONE -> { r = r.unsqueeze(dim); dim++; }
        case ELLIPSIS -> { dim += self.dim() - specified; origDim += self.dim() - specified; }
        case TENSOR -> {
          Tensor t = i.tensor;
          if (t.dtype() == DType.BOOL) {
            int[] ms = t.shapeArray();
            for (int d = 0; d < ms.length; d++)
              if (ms[d] != r.size(dim + d))
                throw new TorchException("The shape of the mask " + Shapes.str(ms) + " at index " + d + " does not match the shape of "
                    + "the indexed tensor " + Shapes.str(r.shapeArray()) + " at index " + (dim + d));
            Tracing.graphBreak(t, "boolean mask indexing");
            for (NDArray c : AdvancedIndex.nonzero(t.array())) { dims.add(dim++); tensors.add(Tensor.wrap(c)); }
            origDim += ms.length;
          } else if (t.dtype() != DType.INT64) {
            throw new TorchException("tensors used as indices must be long, byte or bool tensors");
          } else if (t.dim() == 0) {
            // a 0-d integer tensor indexes like an integer
            Tracing.graphBreak(t, "indexing with a 0-d tensor");
            r = select(r, dim, t.array().getLong(0), origDim);
            origDim++;
          } else {
            dims.add(dim++);
            tensors.add(t);
            origDim++;
          }
        }
      }
    }
    return new Sliced(r, dims, tensors);
  }

  private static Tensor select(Tensor r, int dim, long index, int origDim) {
    int size = r.size(dim);
    if (index < -size || index >= size)
      throw new TorchException("index " + index + " is out of bounds for dimension " + origDim + " with size " + size);
    return Dispatcher.apply1(Views.SELECT, Attrs.of("dim", dim, "index", (int) index), r);
  }

  static Attrs dimsAttr(List<Integer> dims) { return Attrs.of("dims", dims.stream().mapToInt(Integer::intValue).toArray()); }

  static Tensor index(Tensor self, Idx[] idx) {
    Sliced s = slice(self, idx);
    if (!s.advanced()) return s.view() == self ? alias(self) : s.view();
    List<Tensor> in = new ArrayList<>();
    in.add(s.view());
    in.addAll(s.indices());
    return Dispatcher.apply1(AdvancedIndexing.INDEX, dimsAttr(s.dims()), in.toArray(Tensor[]::new));
  }

  /** {@code x[...]} (nothing to apply): PyTorch returns an alias view (AliasBackward0). */
  private static Tensor alias(Tensor self) {
    return Dispatcher.apply1("AliasBackward0", Views.RESHAPE, Attrs.of("shape", self.shapeArray()), self);
  }

  static Tensor indexPut(Tensor self, Idx[] idx, Tensor values) {
    Sliced s = slice(self, idx);
    if (!s.advanced()) {
      s.view().copy_(values);
      return self;
    }
    Tensor[] others = new Tensor[s.indices().size() + 1];
    others[0] = values;
    for (int i = 0; i < s.indices().size(); i++) others[i + 1] = s.indices().get(i);
    InPlace.apply(s.view(), AdvancedIndexing.INDEX_PUT, dimsAttr(s.dims()).with("accumulate", false), others);
    return self;
  }

  /** {@code self.index_put_(indices, values, accumulate)}: index tensors for the leading dims. */
  static Tensor indexPutTensors(Tensor self, Tensor[] indices, Tensor values, boolean accumulate, boolean inPlace) {
    Idx[] idx = new Idx[indices.length];
    for (int i = 0; i < indices.length; i++) idx[i] = Idx.tensor(indices[i]);
    Sliced s = slice(self, idx);
    Tensor[] others = new Tensor[s.indices().size() + 1];
    others[0] = values;
    for (int i = 0; i < s.indices().size(); i++) others[i + 1] = s.indices().get(i);
    Attrs a = dimsAttr(s.dims()).with("accumulate", accumulate);
    if (s.indices().isEmpty() || s.view() != self)
      throw new TorchException("index_put_(): expects index tensors with at least one dim (use indexPut_(Idx[], ...) for others)");
    return inPlace ? InPlace.apply(self, AdvancedIndexing.INDEX_PUT, a, others)
        : Dispatcher.apply1(AdvancedIndexing.INDEX_PUT, a, concat(self, others));
  }

  private static Tensor[] concat(Tensor first, Tensor[] rest) {
    Tensor[] all = new Tensor[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
