package dev.tcompile.runtime.kernels;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.random.Distributions;
import dev.tcompile.runtime.random.Generator;

/**
 * Bernoulli samples as float32 zeros and ones, a pure function of (shape, p, generator state): the mask
 * {@code torch.empty(shape).bernoulli_(p)} draws from a CPU generator in that state (PyTorch 1.13, no MKL: one
 * 53-bit double uniform u per element in storage order, value {@code u < p}). The same state gives the same
 * mask in eager mode, the IR interpreter and compiled code; the caller advances its own generator by
 * {@link #draws32} afterwards, so later draws line up with PyTorch's.
 */
public final class Bernoulli {
  private Bernoulli() {}

  /** 32-bit draws one sample of {@code numel} elements consumes: two per element (a 64-bit draw each). */
  public static long draws32(long numel) { return 2 * numel; }

  /** {@code state} is {@link Generator#engineState()}, an int64 vector. */
  public static NDArray sample(int[] shape, double p, NDArray state) {
    long[] v = new long[state.numel()];
    for (int i = 0; i < v.length; i++) v[i] = state.getLong(i);
    Generator g = Generator.fromEngineState(v);
    return Distributions.bernoulli(NDArray.empty(DType.FLOAT32, shape), p, g);
  }
}
