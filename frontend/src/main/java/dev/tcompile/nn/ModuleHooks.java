package dev.tcompile.nn;

import dev.tcompile.RemovableHandle;
import dev.tcompile.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A module's forward pre-hooks, forward hooks and full backward hooks, run by {@link Module#call} in
 * registration order (PyTorch 1.13's {@code _call_impl}: pre-hooks, backward-hook wiring of the inputs,
 * forward, forward hooks, backward-hook wiring of the output).
 */
public final class ModuleHooks {
  private ModuleHooks() {}
  static ModuleHooks create() { return new ModuleHooks(); }
  /** {@code hook(module, inputs)}: returns replacement inputs, or null to keep them. */
  @FunctionalInterface
  public interface ForwardPreHook { Tensor[] apply(Module module, Tensor[] inputs); }

  /** {@code hook(module, inputs, output)}: returns a replacement output, or null to keep it. */
  @FunctionalInterface
  public interface ForwardHook { Tensor apply(Module module, Tensor[] inputs, Tensor output); }

  /**
   * {@code hook(module, grad_input, grad_output)}: grad_input holds the gradients w.r.t. the module's inputs
   * (null for an input without one), grad_output those w.r.t. its output; returns replacement grad_input (same
   * length) or null to keep it.
   */
  @FunctionalInterface
  public interface FullBackwardHook { Tensor[] apply(Module module, Tensor[] gradInput, Tensor[] gradOutput); }

  private final List<ForwardPreHook> pre = new ArrayList<>();
  private final List<FullBackwardHook> backward = new ArrayList<>();
  private final List<ForwardHook> post = new ArrayList<>();

  RemovableHandle addPre(ForwardPreHook h) {
    pre.add(h);
    return new RemovableHandle(() -> pre.remove(h));
  }

  RemovableHandle addPost(ForwardHook h) {
    post.add(h);
    return new RemovableHandle(() -> post.remove(h));
  }

  RemovableHandle addFullBackward(FullBackwardHook h) {
    backward.add(h);
    return new RemovableHandle(() -> backward.remove(h));
  }

  Tensor call(Module m, Tensor[] inputs) {
    for (ForwardPreHook h : List.copyOf(pre)) {
      Tensor[] r = h.apply(m, inputs);
      if (r != null) inputs = r;
    }
    // the hooks registered now are the ones this call's backward runs (a later removal does not reach it)
    BackwardHook bw = backward.isEmpty() ? null : new BackwardHook(m, List.copyOf(backward));
    if (bw != null) inputs = bw.setupInput(inputs);
    Tensor out = m.forward(inputs);
    for (ForwardHook h : List.copyOf(post)) {
      Tensor r = h.apply(m, inputs, out);
      if (r != null) out = r;
    }
    if (bw != null) out = bw.setupOutput(out);
    return out;
  }
}
