package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.kernels.Bernoulli;

/**
 * The randomness behind dropout, made explicit for the compiler. {@code bernoulli} (attributes {@code shape},
 * {@code p}, {@code seed}) draws a float32 mask of ones with probability p from a generator seeded by its
 * {@code seed} attribute alone, so an IR graph replays the very mask eager mode drew. Eager mode takes the seed
 * from the default generator ({@code Torch.manualSeed} makes it reproducible): {@code Tensor.bernoulli_(p)}
 * draws one seed and dispatches this op. Dropout itself is then ordinary arithmetic, as PyTorch's CPU dropout:
 * {@code x * (bernoulli(1 - p) / (1 - p))} (MulBackward0). A compiled program that must draw a fresh mask on
 * every call has to give the op a fresh seed per call ({@link OpDef#isRandom()} marks it); replaying the
 * traced attribute reproduces the traced mask.
 */
public final class Sampling {
  private Sampling() {}

  public static final OpDef BERNOULLI = new OpDef("bernoulli") {
    @Override public int arity() { return 0; }
    @Override public boolean isRandom() { return true; }

    @Override public TensorType[] infer(Attrs a, TensorType... in) {
      checkArity(in);
      double p = a.getDouble("p");
      if (!(p >= 0 && p <= 1)) throw new TorchException("bernoulli_ expects p to be in [0, 1], but got p=" + p);
      a.getLong("seed");
      return Elementwise.one(TensorType.of(DType.FLOAT32, a.getInts("shape")));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(Bernoulli.sample(a.getInts("shape"), a.getDouble("p"), a.getLong("seed")));
    }
  };
}
