package dev.tcompile;

import dev.tcompile.nn.Module;
import dev.tcompile.optim.Optimizer;

/**
 * One training step as a compiled program: {@code step(input, target)} zeroes the gradients, runs the model and
 * the loss compiled (forward and the autodiff pass's backward graph, which fills the parameters' {@code grad()}),
 * then applies the optimiser's update, and returns the loss. The optimiser's update still runs eagerly; fusing
 * it into the compiled program comes with the bytecode backend.
 */
public final class TrainStep {
  private final Module model;
  private final Optimizer optimizer;
  private final CompiledFn lossOfBatch;

  TrainStep(Module model, LossFn loss, Optimizer optimizer, CompileOptions options) {
    this.model = model;
    this.optimizer = optimizer;
    this.lossOfBatch = Torch.compile(xs -> loss.apply(model.forward(xs[0]), xs[1]), options,
        model.getClass().getSimpleName() + ".trainStep", model::trainingFlags);
  }

  /**
   * One step. Steps are serialised: a TrainStep shared by several threads runs their steps one after another
   * (each zero-grad / forward / backward / update whole), as one thread calling it repeatedly would.
   */
  public synchronized Tensor step(Tensor input, Tensor target) {
    optimizer.zeroGrad();
    Tensor loss = lossOfBatch.apply(input, target);
    loss.backward();
    optimizer.step();
    return loss.detach();
  }

  /** The compiled loss-and-gradient program (trace counts, recompile reasons). */
  public CompiledFn compiled() { return lossOfBatch; }

  public Module model() { return model; }
}
