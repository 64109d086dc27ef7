package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A compiled result requires grad exactly when eager's does: when it depends, through differentiable inputs of
 * its ops, on an input that requires grad. (Found by the differential fuzzer: every float result of a function
 * with any grad-requiring input used to get requires_grad=true and a CompiledFunctionBackward.)
 */
class CompiledOutputRequiresGradTest {

  @Test void resultNotDependingOnTheGradInputDoesNotRequireGrad() {
    TensorFn fn = xs -> xs[1].mul(2.0).add(1.0);
    Tensor a = Torch.randn(3).requiresGrad_(true), b = Torch.randn(2, 2);
    Tensor eager = fn.apply(a, b);
    Tensor compiled = Torch.compile(fn).apply(a, b);
    assertFalse(eager.requiresGrad());
    assertFalse(compiled.requiresGrad());
    assertNull(compiled.gradFn());
    assertArrayEquals(eager.toFloatArray(), compiled.toFloatArray());
  }

  @Test void conditionOnlyDependenceIsNotDifferentiable() {
    // where's condition is not differentiable: the result depends on a only through it
    TensorFn fn = xs -> Torch.where(xs[0].gt(0.0), xs[1], xs[1].mul(2.0));
    Tensor a = Torch.randn(4).requiresGrad_(true), b = Torch.randn(4);
    assertFalse(fn.apply(a, b).requiresGrad());
    assertFalse(Torch.compile(fn).apply(a, b).requiresGrad());
  }

  @Test void resultDependingOnTheGradInputStillDifferentiates() {
    TensorFn fn = xs -> xs[0].mul(xs[1]).sum();
    Tensor a = Torch.randn(3).requiresGrad_(true), b = Torch.randn(3);
    Tensor out = Torch.compile(fn).apply(a, b);
    assertTrue(out.requiresGrad());
    assertEquals("CompiledFunctionBackward", out.gradFn().name());
    out.backward();
    assertArrayEquals(b.toFloatArray(), a.grad().toFloatArray());
  }
}
