package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * A leaf's first gradient from a compiled backward takes the program's fresh output array (no copy), unless that
 * array is shared: with another input's gradient, or with what was passed into backward.
 */
class CompiledGradOwnershipTest {
  @Test void aFreshGradientIsTakenNotCopied() {
    CompiledFn f = Torch.compile(x -> x[0].mul(x[0]).sum());
    Tensor x = Torch.randn(1000).requiresGrad_(true);
    f.apply(x).backward();
    Tensor g = x.grad();
    assertArrayEquals(x.detach().mul(2).toFloatArray(), g.toFloatArray());
    // a second backward accumulates into that same array
    f.apply(x).backward();
    assertSame(g, x.grad());
    assertArrayEquals(x.detach().mul(4).toFloatArray(), x.grad().toFloatArray());
  }

  @Test void sharedGradientsAreCopied() {
    // d(a+b)/da and d(a+b)/db are one value: the two leaves must not share an array
    CompiledFn add = Torch.compile(t -> t[0].add(t[1]));
    Tensor a = Torch.randn(5).requiresGrad_(true), b = Torch.randn(5).requiresGrad_(true);
    Tensor seed = Torch.randn(5);
    add.apply(a, b).backward(seed);
    assertFalse(a.grad().array().sharesStorage(b.grad().array()));
    assertFalse(a.grad().array().sharesStorage(seed.array()), "the gradient passed in stays the caller's");
    a.grad().array().floats()[0] = 42;
    assertArrayEquals(seed.toFloatArray(), b.grad().toFloatArray());
    // the identity's backward passes its incoming gradient through
    CompiledFn copy = Torch.compile(t -> t[0].clone());
    Tensor x = Torch.randn(5).requiresGrad_(true), g = Torch.randn(5);
    copy.apply(x).backward(g);
    assertFalse(x.grad().array().sharesStorage(g.array()));
    assertArrayEquals(g.toFloatArray(), x.grad().toFloatArray());
  }

  /** A hook that keeps the gradient it saw keeps its values: the leaf's gradient is then a copy. */
  @Test void aGradientAHookKeepsIsNotTaken() {
    CompiledFn f = Torch.compile(x -> x[0].mul(x[0]).sum());
    Tensor x = Torch.randn(100).requiresGrad_(true);
    Tensor[] kept = new Tensor[1];
    x.registerHook(g -> { if (kept[0] == null) kept[0] = g; return g; });
    f.apply(x).backward();
    float[] first = kept[0].toFloatArray();
    f.apply(x).backward();                       // accumulates into x.grad in place
    assertArrayEquals(first, kept[0].toFloatArray(), "the first gradient, as the hook saw it");
    assertArrayEquals(x.detach().mul(4).toFloatArray(), x.grad().toFloatArray());
  }
}
