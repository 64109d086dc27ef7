package dev.tcompile.nn;

import dev.tcompile.CompileOptions;
import dev.tcompile.CompiledFn;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;

/**
 * What {@code Torch.compile(module)} returns (PyTorch's OptimizedModule): the same parameters and buffers —
 * the original module is its child {@code _orig_mod} — with {@code forward} compiled. Parameters are captured
 * by the trace as graph inputs, so training updates them in place and the compiled code reads the new values;
 * every submodule's train/eval mode is part of the compiled signature. In eval mode without gradients the weights
 * are frozen into the program as constants ({@link CompileOptions#freezeWeights}), guarded by their versions.
 */
public final class OptimizedModule extends Module {
  private final Module original;
  private final CompiledFn compiled;

  public OptimizedModule(Module original, CompileOptions options) {
    this.original = register("_orig_mod", original);
    this.compiled = Torch.compile(xs -> xs.length == 1 ? original.forward(xs[0]) : original.forward(xs), options,
        original.getClass().getSimpleName() + ".forward", original::trainingFlags).freezing(this::frozenWeights);
  }

  /** In eval mode (every submodule), the weights a no-grad call may compile in as constants; else none. */
  private java.util.List<Tensor> frozenWeights() {
    if (original.trainingFlags().contains(true)) return java.util.List.of();
    java.util.List<Tensor> w = new java.util.ArrayList<>(original.parameters());
    w.addAll(original.buffers());
    return w;
  }

  @Override public Tensor forward(Tensor input) { return compiled.apply(input); }

  @Override public Tensor forward(Tensor... inputs) { return compiled.apply(inputs); }

  /** The module being compiled. */
  public Module original() { return original; }

  /** The compiled forward (trace counts, recompile reasons). */
  public CompiledFn compiled() { return compiled; }
}
