package dev.tcompile.nn;

import dev.tcompile.RemovableHandle;
import dev.tcompile.Tensor;
import java.util.ArrayList;
import java.util.List;

/** A module's forward pre-hooks and forward hooks, run by {@link Module#call} in registration order. */
public final class ModuleHooks {
  private ModuleHooks() {}
  static ModuleHooks create() { return new ModuleHooks(); }
  /** {@code hook(module, inputs)}: returns replacement inputs, or null to keep them. */
  @FunctionalInterface
  public interface ForwardPreHook { Tensor[] apply(Module module, Tensor[] inputs); }

  /** {@code hook(module, inputs, output)}: returns a replacement output, or null to keep it. */
  @FunctionalInterface
  public interface ForwardHook { Tensor apply(Module module, Tensor[] inputs, Tensor output); }

  private final List<ForwardPreHook> pre = new ArrayList<>();
  private final List<ForwardHook> post = new ArrayList<>();

  RemovableHandle addPre(ForwardPreHook h) {
    pre.add(h);
    return new RemovableHandle(() -> pre.remove(h));
  }

  RemovableHandle addPost(ForwardHook h) {
    post.add(h);
    return new RemovableHandle(() -> post.remove(h));
  }

  Tensor call(Module m, Tensor[] inputs) {
    for (ForwardPreHook h : List.copyOf(pre)) {
      Tensor[] r = h.apply(m, inputs);
      if (r != null) inputs = r;
    }
    Tensor out = m.forward(inputs);
    for (ForwardHook h : List.copyOf(post)) {
      Tensor r = h.apply(m, inputs, out);
      if (r != null) out = r;
    }
    return out;
  }
}
