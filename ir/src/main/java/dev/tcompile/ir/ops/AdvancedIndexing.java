package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Algebra;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.kernels.AdvancedIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Advanced indexing with int64 index tensors: {@code index} ({@code x[idx]}, IndexBackward0), its derivative
 * {@code index_backward} (scatter-add into zeros) and {@code index_put} ({@code x[idx] = v}, IndexPutBackward0).
 * Attribute {@code dims}: the dim of the indexed tensor each index tensor applies to (increasing).
 */
public final class AdvancedIndexing {
  private AdvancedIndexing() {}

  public static final OpDef INDEX = new Index(), INDEX_BACKWARD = new IndexBackward(), INDEX_PUT = new IndexPut();

  static void checkIndices(TensorType[] in, int from) {
    for (int i = from; i < in.length; i++)
      if (in[i].dtype() != DType.INT64) throw new TorchException("tensors used as indices must be long, byte or bool tensors");
  }

  static int[][] shapes(TensorType[] in, int from) {
    int[][] s = new int[in.length - from][];
    for (int i = from; i < in.length; i++) s[i - from] = in[i].shape();
    return s;
  }

  static NDArray[] tail(NDArray[] in, int from) { return Arrays.copyOfRange(in, from, in.length); }

  static <T> List<T> with(T first, Vjp<T> v, int from) {
    List<T> l = new ArrayList<>();
    l.add(first);
    for (int i = from; i < v.numInputs(); i++) l.add(v.input(i));
    return l;
  }

  /** {@code self[..., idx_0, ..., idx_k]}: inputs (self, idx_0, ..., idx_k). */
  static final class Index extends OpDef {
    Index() { super("index"); }
    @Override public int arity() { return -1; }
    @Override public boolean differentiable(int i) { return i == 0; }
    @Override public boolean savesInput(Attrs a, int i) { return i > 0; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      if (in.length < 2) throw new TorchException("index() expected at least one index tensor");
      checkIndices(in, 1);
      return Elementwise.one(TensorType.of(in[0].dtype(), AdvancedIndex.resultShape(in[0].shape(), a.getInts("dims"), shapes(in, 1))));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(AdvancedIndex.index(in[0], a.getInts("dims"), tail(in, 1)));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      v.setGrad(0, v.alg().apply(INDEX_BACKWARD, v.attrs().with("shape", v.inShape(0)), with(v.gradOut(0), v, 1)).get(0));
    }
  }

  /** zeros(shape) with g added at the indexed positions: inputs (g, idx_0, ..., idx_k). */
  static final class IndexBackward extends OpDef {
    IndexBackward() { super("index_backward"); }
    @Override public int arity() { return -1; }
    /** PyTorch's index backward is _index_put_impl_ into zeros. */
    @Override public String gradFnName(Attrs a) { return "IndexPutImplBackward0"; }
    @Override public boolean differentiable(int i) { return i == 0; }
    @Override public boolean savesInput(Attrs a, int i) { return i > 0; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkIndices(in, 1);
      return Elementwise.one(TensorType.of(in[0].dtype(), a.getInts("shape")));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      NDArray zeros = NDArray.full(in[0].dtype(), 0, a.getInts("shape"));
      return Elementwise.one(AdvancedIndex.put(zeros, a.getInts("dims"), tail(in, 1), in[0], true));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      v.setGrad(0, v.alg().apply(INDEX, Views.strip(v.attrs()), with(v.gradOut(0), v, 1)).get(0));
    }
  }

  /** {@code self.index_put(indices, values, accumulate)}: inputs (self, values, idx_0, ..., idx_k). */
  static final class IndexPut extends OpDef {
    IndexPut() { super("index_put"); }
    @Override public int arity() { return -1; }
    @Override public boolean differentiable(int i) { return i < 2; }
    @Override public boolean savesInput(Attrs a, int i) { return i > 1; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      if (in.length < 3) throw new TorchException("index_put() expected at least one index tensor");
      checkIndices(in, 2);
      int[] result = AdvancedIndex.resultShape(in[0].shape(), a.getInts("dims"), shapes(in, 2));
      if (in[1].dtype() != in[0].dtype())
        throw new TorchException("Index put requires the source and destination dtypes match, got " + in[0].dtype().legacyName()
            + " for the destination and " + in[1].dtype().legacyName() + " for the source.");
      if (!broadcastsTo(in[1].shape(), result))
        throw new TorchException("shape mismatch: value tensor of shape " + dev.tcompile.runtime.Shapes.str(in[1].shape())
            + " cannot be broadcast to indexing result of shape " + dev.tcompile.runtime.Shapes.str(result));
      return Elementwise.one(in[0]);
    }

    private static boolean broadcastsTo(int[] s, int[] target) {
      if (s.length > target.length) return false;
      for (int i = 0; i < s.length; i++) {
        int a = s[s.length - 1 - i], b = target[target.length - 1 - i];
        if (a != 1 && a != b) return false;
      }
      return true;
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(AdvancedIndex.put(in[0], a.getInts("dims"), tail(in, 2), in[1], a.getBool("accumulate", false)));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      T g = v.gradOut(0);
      Attrs dims = Attrs.of("dims", v.attrs().getInts("dims"));
      if (v.needsGrad(0)) {
        if (v.attrs().getBool("accumulate", false)) v.setGrad(0, g);
        else {
          List<T> in = with(g, v, 2);
          in.add(1, A.scalarLike(0, g));
          v.setGrad(0, A.apply(INDEX_PUT, dims.with("accumulate", false), in).get(0));
        }
      }
      if (v.needsGrad(1)) v.setGrad(1, A.sumTo(A.apply(INDEX, dims, with(g, v, 2)).get(0), v.inShape(1)));
    }
  }
}
