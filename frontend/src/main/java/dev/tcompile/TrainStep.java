package dev.tcompile;

import dev.tcompile.ir.TensorType;
import dev.tcompile.nn.Module;
import dev.tcompile.optim.Optimizer;
import dev.tcompile.optim.ParamGroup;

/**
 * One training step as a compiled program: {@code step(input, target)} zeroes the gradients, runs the model, the
 * loss, backward and the optimiser's update, and returns the loss. With {@code SGD}, {@code Adam}, {@code AdamW} and {@code RMSprop}
 * the whole step is one program ({@link WholeTrainStep}: the update is graph ops fused with the backward kernels;
 * learning rates and bias corrections are inputs, so schedulers do not recompile); each input signature compiles
 * once (the last, smaller batch of an epoch too). Other optimisers, and steps that write buffers or draw random
 * numbers (batch norm, dropout), run forward and backward compiled and the update eagerly.
 */
public final class TrainStep {
  private final Module model;
  private final Optimizer optimizer;
  private final CompiledFn lossOfBatch;

  TrainStep(Module model, LossFn loss, Optimizer optimizer, CompileOptions options) {
    this.model = model;
    this.optimizer = optimizer;
    this.loss = loss;
    this.options = options;
    this.rule = GraphUpdateRule.of(optimizer);
    this.fn = xs -> loss.apply(model.forward(xs[0]), xs[1]);
    this.lossOfBatch = Torch.compile(fn, options, model.getClass().getSimpleName() + ".trainStep", model::trainingFlags);
  }

  private final LossFn loss;
  /** What a step computes before its update; its host state guards the one-program step as it guards lossOfBatch. */
  private final TensorFn fn;
  private final java.util.Map<Signature, ClosureState> tracedUnder = new java.util.HashMap<>();
  private final CompileOptions options;
  private final java.util.Map<Signature, Object> whole = new java.util.HashMap<>();
  private final java.util.List<String> notes = new java.util.ArrayList<>();
  private int built;
  /** The optimiser's update in graph ops, or null (then the update runs eagerly after the compiled backward). */
  private final GraphUpdateRule rule;

  /**
   * One step. Steps are serialised: a TrainStep shared by several threads runs their steps one after another
   * (each zero-grad / forward / backward / update whole), as one thread calling it repeatedly would.
   */
  public synchronized Tensor step(Tensor input, Tensor target) {
    if (rule != null) {
      WholeTrainStep w = wholeStep(input, target);
      // no zeroGrad: the program overwrites each updated parameter's gradient in place (PyTorch 1.13's
      // zero_grad() then backward leaves the same tensors) and clears the others' itself
      if (w != null) return w.run(optimizer, input, target);
    }
    optimizer.zeroGrad();
    Tensor loss = lossOfBatch.apply(input, target);
    loss.backward();
    optimizer.step();
    return loss.detach();
  }

  /** Reasons already written to the debug log (each once). */
  private final java.util.Set<String> logged = new java.util.HashSet<>();

  /** The last step's signature, host state, batch and param groups: a step like it skips building the signature. */
  private Signature lastSig;
  private ClosureState lastState;
  private Object lastWhole;
  private TensorType lastInput, lastTarget;
  private java.util.List<java.util.List<Tensor>> lastGroups = java.util.List.of();
  private java.util.List<java.util.List<Object>> lastGroupKeys = java.util.List.of();

  /** The one-program step for this signature, built on first use; null when the step cannot be one program. */
  private synchronized WholeTrainStep wholeStep(Tensor input, Tensor target) {
    if (lastWhole instanceof WholeTrainStep last && likeLastStep(input, target)) {
      ClosureState now = ClosureState.current(fn, lastState);
      if (now == lastState && last.guardFailure() == null) return last;
    }
    return lookUp(input, target);
  }

  /**
   * Whether this step's signature is the last one's: the same batch types and requires-grad flags, grad mode and
   * param groups, and no aliasing (the host state, which holds the modules' flags and parameters, is compared next).
   */
  private boolean likeLastStep(Tensor input, Tensor target) {
    Signature s = lastSig;
    if (s.gradMode() != GradMode.isEnabled() || !sameType(input, lastInput) || !sameType(target, lastTarget)) return false;
    if (input.requiresGrad() != s.requiresGrad().get(0) || target.requiresGrad() != s.requiresGrad().get(1)) return false;
    // index loops: asked every step, this allocates nothing
    java.util.List<String> aliases = s.aliases();
    for (int i = 0; i < aliases.size(); i++) if (!aliases.get(i).isEmpty()) return false;
    if (input.array().sharesStorage(target.array())) return false;
    java.util.List<Tensor> held = lastState.tensors();
    for (int i = 0; i < held.size(); i++)
      if (held.get(i).array().sharesStorage(input.array()) || held.get(i).array().sharesStorage(target.array())) return false;
    java.util.List<ParamGroup> groups = optimizer.paramGroups();
    if (groups.size() != lastGroups.size()) return false;
    for (int g = 0; g < groups.size(); g++) {
      java.util.List<? extends Tensor> now = groups.get(g).params(), then = lastGroups.get(g);
      if (now.size() != then.size()) return false;
      for (int i = 0; i < now.size(); i++) if (now.get(i) != then.get(i)) return false;
      if (!rule.keyEquals(groups.get(g), lastGroupKeys.get(g))) return false;
    }
    return true;
  }

  private static boolean sameType(Tensor t, TensorType type) {
    return t.dtype() == type.dtype() && java.util.Arrays.equals(t.array().shape(), type.shape());
  }

  private WholeTrainStep lookUp(Tensor input, Tensor target) {
    java.util.List<Object> key = new java.util.ArrayList<>(java.util.List.of(model.trainingFlags()));
    // which tensors each group holds (by identity) and the options that shape the update
    for (ParamGroup g : optimizer.paramGroups()) key.add(java.util.List.of(java.util.List.copyOf(g.params()), rule.key(g)));
    Signature sig = Signature.of(new Tensor[]{input, target}, key, model.parameters().stream().map(p -> (Tensor) p).toList());
    Object w = whole.get(sig);
    ClosureState now = ClosureState.current(fn, tracedUnder.get(sig));
    if (w instanceof WholeTrainStep s) {
      String why = s.guardFailure();
      if (why == null) why = now.changedSince(tracedUnder.get(sig), fn);
      if (why != null) { notes.add("recompiled: " + why); CompileLog.recompiled("the train step", why, logged); w = null; }
    }
    if (w == null) {
      if (!whole.isEmpty() && !whole.containsKey(sig)) CompileLog.recompiled("the train step", sig.differenceFrom(whole.keySet().iterator().next()), logged);
      java.util.List<String> why = new java.util.ArrayList<>();
      w = WholeTrainStep.build(model, loss, optimizer, options, input, target, why);
      built++;
      if (w == null) { w = why.isEmpty() ? "not supported" : why.get(0); notes.add("one-program step not used: " + w); }
      whole.put(sig, w);
      tracedUnder.put(sig, now);
    }
    lastSig = sig;
    lastState = tracedUnder.get(sig);
    lastWhole = w;
    lastInput = input.type();
    lastTarget = target.type();
    java.util.List<java.util.List<Tensor>> groups = new java.util.ArrayList<>();
    java.util.List<java.util.List<Object>> keys = new java.util.ArrayList<>();
    for (ParamGroup g : optimizer.paramGroups()) { groups.add(java.util.List.copyOf(g.params())); keys.add(rule.key(g)); }
    lastGroups = groups;
    lastGroupKeys = keys;
    return w instanceof WholeTrainStep s ? s : null;
  }

  /** How many one-program steps were built (one per input signature). */
  public synchronized int programsBuilt() { return built; }

  /** What happened to the one-program step: why it was not used, or why it was rebuilt. */
  public synchronized java.util.List<String> notes() { return java.util.List.copyOf(notes); }

  /** The compiled loss-and-gradient program (trace counts, recompile reasons). */
  public CompiledFn compiled() { return lossOfBatch; }

  public Module model() { return model; }
}
