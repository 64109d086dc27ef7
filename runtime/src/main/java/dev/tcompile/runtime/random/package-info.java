/**
 * PyTorch 1.13's CPU random number generation, bit for bit: {@link dev.tcompile.runtime.random.Generator}
 * (the mt19937 {@code CPUGeneratorImpl}, its seeding, normal-sample cache and byte state) and
 * {@link dev.tcompile.runtime.random.Distributions} (uniform_/rand, normal_/randn, random_/randint, randperm,
 * bernoulli_, dropout noise). Same seed and same op sequence give the same float32 bits and int64 values as
 * {@code torch.manual_seed(s)} followed by the same ops in PyTorch; the goldens in the runtime tests
 * (tools/goldens/rng.py) check that.
 *
 * <p>The reference is PyTorch 1.13 running its AVX2 CPU kernels (what it picks on any x86-64 machine with
 * AVX2; with {@code ATEN_CPU_CAPABILITY=avx512} 1.13 gives the same numbers) without MKL. Two builds differ from it: with {@code ATEN_CPU_CAPABILITY=default} (or a CPU without AVX2) PyTorch
 * does not fuse uniform_'s multiply-add and uses a libm-based normal_ for 16+ elements; MKL builds (the
 * official wheels) draw scalar {@code bernoulli_(p)} and so dropout masks from MKL's MCG31 stream seeded by one
 * 32-bit draw.
 *
 * <p>Depends on nothing outside the runtime module.
 */
package dev.tcompile.runtime.random;
