package dev.tcompile.ir.ops;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.kernels.Bernoulli;
import dev.tcompile.runtime.random.Generator;

/**
 * The randomness behind dropout, made explicit for the compiler. {@code bernoulli(state)} (attributes
 * {@code shape}, {@code p}) draws a float32 mask of ones with probability p exactly as PyTorch's
 * {@code bernoulli_(p)} would from a CPU generator in {@code state} (an int64 vector, the generator's engine
 * state, see {@code Generator.engineState}), so the mask is a pure function of its input. Eager mode passes
 * the default generator's state and then advances the default generator past the draws the op makes
 * ({@link #draws32}); a traced program takes each random op's state as a graph input, and a compiled function
 * does the same per call, in the order eager mode would — so compiled and eager dropout give PyTorch's masks,
 * and later draws line up with PyTorch's. Dropout itself is then ordinary arithmetic, as PyTorch's CPU
 * dropout: {@code x * (bernoulli(1 - p) / (1 - p))} (MulBackward0).
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
      if (in[0].dtype() != DType.INT64 || in[0].dim() != 1 || in[0].shape()[0] != Generator.ENGINE_STATE_LENGTH)
        throw new TorchException("bernoulli expects a generator state (int64[" + Generator.ENGINE_STATE_LENGTH + "]), got " + in[0]);
      return Elementwise.one(TensorType.of(DType.FLOAT32, a.getInts("shape")));
    }

    @Override public NDArray[] eval(Attrs a, NDArray... in) {
      return Elementwise.one(Bernoulli.sample(a.getInts("shape"), a.getDouble("p"), in[0]));
    }
  };

  /** 32-bit draws a {@link #BERNOULLI} node with these attributes takes from its generator. */
  public static long draws32(Attrs a) {
    long n = 1;
    for (int d : a.getInts("shape")) n *= d;
    return Bernoulli.draws32(n);
  }
}
