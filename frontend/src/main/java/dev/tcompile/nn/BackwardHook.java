package dev.tcompile.nn;

import dev.tcompile.CustomFunction;
import dev.tcompile.FunctionCtx;
import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One module call's full backward hooks, as PyTorch 1.13's {@code torch.utils.hooks.BackwardHook}: the inputs
 * and the output pass through an identity function ({@code BackwardHookFunctionBackward}); the output side's
 * backward records grad_output, the input side's backward then calls the hooks with (grad_input, grad_output)
 * and passes on what they return. When no input requires grad, the output side calls the hooks with
 * grad_input all null, and they may only return null (or all nulls).
 */
final class BackwardHook {
  private final Module module;
  private final List<ModuleHooks.FullBackwardHook> hooks;
  private Tensor[] gradOutputs;
  private boolean inputsWrapped;
  private int numInputs;

  BackwardHook(Module module, List<ModuleHooks.FullBackwardHook> hooks) {
    this.module = module;
    this.hooks = hooks;
  }

  /** PyTorch's {@code torch.nn.modules._functions.BackwardHookFunction}: identity, backward runs a callback. */
  static final class BackwardHookFunction extends CustomFunction {
    private final UnaryOperator<Tensor[]> onBackward;

    BackwardHookFunction(UnaryOperator<Tensor[]> onBackward) { this.onBackward = onBackward; }

    @Override protected Tensor[] forwardAll(FunctionCtx ctx, Tensor... args) {
      for (Tensor a : args) if (!a.requiresGrad()) ctx.markNonDifferentiable(a);
      return args;
    }

    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... grads) { return onBackward.apply(grads); }
  }

  private static boolean anyRequiresGrad(Tensor[] ts) {
    for (Tensor t : ts) if (t.requiresGrad()) return true;
    return false;
  }

  Tensor[] setupInput(Tensor[] inputs) {
    numInputs = inputs.length;
    if (!(anyRequiresGrad(inputs) && dev.tcompile.Torch.isGradEnabled())) return inputs;
    if (inputs.length == 0) throw new TorchException("Cannot set Module backward hook for a Module with no input Tensors.");
    inputsWrapped = true;
    return new BackwardHookFunction(this::inputBackward).applyAll(inputs);
  }

  Tensor setupOutput(Tensor output) {
    if (!(output.requiresGrad() && dev.tcompile.Torch.isGradEnabled())) return output;
    return new BackwardHookFunction(this::outputBackward).apply(output);
  }

  private Tensor[] outputBackward(Tensor[] grads) {
    gradOutputs = grads.clone();
    if (!inputsWrapped) {
      Tensor[] none = new Tensor[numInputs];
      for (ModuleHooks.FullBackwardHook h : hooks) {
        Tensor[] r = h.apply(module, none.clone(), gradOutputs.clone());
        if (r != null && !allNull(r))
          throw new TorchException("Backward hook for Modules where no input requires gradient should always return None or None for all gradients.");
      }
      gradOutputs = null;
    }
    return grads;
  }

  private Tensor[] inputBackward(Tensor[] grads) {
    if (gradOutputs == null) return grads; // the gradient reached the inputs without passing through the output
    Tensor[] res = grads.clone();
    for (ModuleHooks.FullBackwardHook h : hooks) {
      Tensor[] out = h.apply(module, res.clone(), gradOutputs.clone());
      if (out == null) continue;
      if (out.length != res.length)
        throw new TorchException("Backward hook returned an invalid number of grad_input, got " + out.length + ", but expected " + res.length);
      res = out;
    }
    gradOutputs = null;
    return res;
  }

  private static boolean allNull(Tensor[] ts) {
    for (Tensor t : ts) if (t != null) return false;
    return true;
  }
}
