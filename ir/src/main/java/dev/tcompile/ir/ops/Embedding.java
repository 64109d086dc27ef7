package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Algebra;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.kernels.BinaryOp;
import java.util.Arrays;

/**
 * embedding(weight, indices): rows of {@code weight [V, D]} picked by int64 indices of any shape, giving
 * {@code indices.shape + [D]} (EmbeddingBackward0). Attribute {@code padding_idx} (-1 for none): that row gets
 * no gradient. The backward sums gradients of repeated indices into their rows.
 */
public final class Embedding {
  private Embedding() {}

  public static final OpDef EMBEDDING = new Forward(), EMBEDDING_BACKWARD = new Backward();

  static int[] rows(int[] indices, int d) {
    int[] s = Arrays.copyOf(indices, indices.length + 1);
    s[indices.length] = d;
    return s;
  }

  static void checkIndices(TensorType idx) {
    if (idx.dtype() != DType.INT64)
      throw new TorchException("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch."
          + idx.dtype().legacyName() + "Tensor instead (while checking arguments for embedding)");
  }

  static final class Forward extends OpDef {
    Forward() { super("embedding"); }

    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return i == 0; }
    @Override public boolean savesInput(Attrs a, int i) { return i == 1; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      if (in[0].dim() != 2) throw new TorchException("'weight' must be 2-D");
      checkIndices(in[1]);
      return Elementwise.one(TensorType.of(in[0].dtype(), rows(in[1].shape(), in[0].size(1))));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      NDArray picked = dev.tcompile.runtime.kernels.Indexing.indexSelect(in[0], 0, in[1]);
      int[] s = rows(in[1].shape(), in[0].size(1));
      return Elementwise.one(picked.view(s, Shapes.contiguousStrides(s), 0));
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Attrs a = Attrs.of("num_weights", v.inShape(0)[0], "padding_idx", v.attrs().getInt("padding_idx"));
      v.setGrad(0, v.alg().op(EMBEDDING_BACKWARD, a, v.gradOut(0), v.input(1)));
    }
  }

  /** Inputs (gradOut, indices); attributes num_weights, padding_idx. */
  static final class Backward extends OpDef {
    Backward() { super("embedding_backward"); }

    /** PyTorch's embedding_backward is embedding_dense_backward on dense CPU tensors. */
    @Override public String gradFnName(Attrs a) { return "EmbeddingDenseBackwardBackward0"; }

    @Override public int arity() { return 2; }
    @Override public boolean differentiable(int i) { return i == 0; }
    @Override public boolean savesInput(Attrs a, int i) { return i == 1; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      checkIndices(in[1]);
      int[] gs = in[0].shape();
      if (gs.length != in[1].dim() + 1 || !Arrays.equals(Arrays.copyOf(gs, gs.length - 1), in[1].shape()))
        throw new TorchException("embedding_backward: gradient " + Shapes.str(gs) + " does not match indices " + Shapes.str(in[1].shape()));
      if (!in[0].dtype().isFloatingPoint()) throw new TorchException("\"embedding_backward\" not implemented for '" + in[0].dtype().legacyName() + "'");
      return Elementwise.one(TensorType.of(in[0].dtype(), a.getInt("num_weights"), gs[gs.length - 1]));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      int v = a.getInt("num_weights"), pad = a.getInt("padding_idx");
      int d = in[0].size(in[0].dim() - 1), n = in[1].numel();
      NDArray g2 = in[0].dense().view(new int[]{n, d}, new int[]{d, 1}, 0);
      NDArray out = dev.tcompile.runtime.kernels.Indexing.indexAdd(new int[]{v, d}, 0, in[1], g2);
      if (pad >= 0 && out.dtype() == DType.FLOAT64) Arrays.fill(out.doubles(), pad * d, (pad + 1) * d, 0d);
      else if (pad >= 0) Arrays.fill(out.floats(), pad * d, (pad + 1) * d, 0f);
      return Elementwise.one(out);
    }

    @Override public <T> void vjp(Vjp<T> v) {
      Algebra<T> A = v.alg();
      int pad = v.attrs().getInt("padding_idx");
      T idx = v.input(1);
      T picked = A.op(EMBEDDING, Attrs.of("padding_idx", pad), v.gradOut(0), idx);
      if (pad >= 0) {
        int[] is = v.inShape(1);
        T isPad = A.reshape(A.compare(BinaryOp.EQ, idx, A.scalar(pad, DType.INT64)), rows(is, 1));
        picked = A.where(isPad, A.scalarLike(0, picked), picked);
      }
      v.setGrad(0, picked);
    }
  }
}
