package dev.tcompile;

import dev.tcompile.ir.Algebra;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Vjp;
import java.util.Arrays;
import java.util.List;

/**
 * The view ops that lead from a base tensor to one of its views (select, slice, permute, reshape, expand...).
 * Replaying them maps a base-shaped value to the view's elements; their derivatives, run backwards, map a
 * view-shaped gradient back onto the base (zeros elsewhere). Autograd uses both when in-place writes change
 * the history a view hangs from (PyTorch's view + in-place rules).
 */
final class ViewChain {
  /** One view op, with the types it went from and to. */
  record Step(OpDef op, Attrs attrs, TensorType in, TensorType out) {}

  private final Step[] steps;

  private ViewChain(Step[] steps) { this.steps = steps; }

  static ViewChain of(Step step) { return new ViewChain(new Step[]{step}); }

  /** This chain followed by one more view op. */
  ViewChain then(Step step) {
    Step[] s = Arrays.copyOf(steps, steps.length + 1);
    s[steps.length] = step;
    return new ViewChain(s);
  }

  /** The view of {@code base} (a value shaped like the base) this chain describes. */
  <T> T replay(Algebra<T> alg, T base) {
    T x = base;
    for (Step s : steps) x = alg.op(s.op(), s.attrs(), x);
    return x;
  }

  /** A view-shaped gradient carried back to the base's shape: each view op's derivative, last op first. */
  <T> T adjoint(Algebra<T> alg, T grad) {
    T g = grad;
    for (int i = steps.length - 1; i >= 0; i--) {
      Step s = steps[i];
      Vjp<T> v = new Vjp<>(alg, s.op(), s.attrs(), new TensorType[]{s.in()}, new TensorType[]{s.out()},
          k -> { throw new IllegalStateException("view ops save nothing"); },
          k -> { throw new IllegalStateException("view ops save nothing"); }, List.of(g), new boolean[]{true});
      s.op().vjp(v);
      g = v.grads().get(0);
    }
    return g;
  }
}
