package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.kernels.Bernoulli;

/**
 * The randomness behind dropout, made explicit for the compiler. {@code bernoulli(seed)} (attributes
 * {@code shape}, {@code p}) draws a float32 mask of ones with probability p from a generator seeded by its
 * input alone, an int64 scalar, so the mask is a pure function of the seed. Eager mode draws the seed from the
 * default generator ({@code Torch.manualSeed} makes it reproducible): {@code Tensor.bernoulli_(p)} draws one
 * seed and dispatches this op. A traced program takes each random op's seed as a graph input, and a compiled
 * function draws a fresh seed per call from the default generator, in the order eager mode would — so compiled
 * and eager dropout give the same masks. Dropout itself is then ordinary arithmetic, as PyTorch's CPU dropout:
 * {@code x * (bernoulli(1 - p) / (1 - p))} (MulBackward0).
 */
public final class Sampling {
  private Sampling() {}

  public static final OpDef BERNOULLI = new OpDef("bernoulli") {
    @Override public int arity() { return 1; }
    @Override public boolean isRandom() { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      double p = a.getDouble("p");
      if (!(p >= 0 && p <= 1)) throw new TorchException("bernoulli_ expects p to be in [0, 1], but got p=" + p);
      if (in[0].dtype() != DType.INT64 || in[0].dim() != 0)
        throw new TorchException("bernoulli expects its seed as an int64 scalar, got " + in[0]);
      return Elementwise.one(TensorType.of(DType.FLOAT32, a.getInts("shape")));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(Bernoulli.sample(a.getInts("shape"), a.getDouble("p"), in[0].getLong(0)));
    }
  };
}
