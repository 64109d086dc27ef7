package dev.tcompile;

import dev.tcompile.codegen.Compiler;
import dev.tcompile.codegen.Executable;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphAlgebra;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Value;
import dev.tcompile.nn.Module;
import dev.tcompile.optim.Optimizer;
import dev.tcompile.optim.ParamGroup;
import dev.tcompile.passes.Autodiff;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward, loss, backward and the optimiser's update as one compiled program: the traced forward graph, its joint
 * graph from autodiff, then each parameter's update in graph ops ({@link GraphUpdateRule}), which fuse into one
 * kernel per parameter shape with the last backward ops. Per-step scalars (learning rate, bias corrections) and
 * the optimiser's state tensors are inputs, new parameters and new state outputs; after a run the parameters,
 * their {@code grad()} and the optimiser's state hold what the eager loop leaves. Programs that write buffers in
 * place or draw random numbers (batch norm, dropout) are not built here: {@link #build} says why, and
 * {@link TrainStep} runs them as before.
 */
final class WholeTrainStep {
  /**
   * A parameter the program updates, and where its gradient, new value and new state come out; its state keys, and
   * the arrays its per-step scalars are written into (program inputs, reused: steps run one at a time).
   */
  private record Updated(Tensor param, ParamGroup group, int gradOut, int paramOut, int firstStateOut, List<String> stateKeys,
                         NDArray[] scalars) {}

  private final GraphUpdateRule rule;
  private final List<Tracer.Source> sources = new ArrayList<>();
  private final List<TensorType> capturedTypes = new ArrayList<>();
  /** Whether each captured tensor required grad when traced: which parameters get an update depends on it. */
  private final List<Boolean> capturedRequiresGrad = new ArrayList<>();
  private final List<Updated> updated = new ArrayList<>();
  private Executable program;
  private int numOutputs, numInputs;
  private final java.util.Set<Tensor> updatedParams = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  /** d loss / d loss, the backward's seed. */
  private static final NDArray SEED = NDArray.scalar(DType.FLOAT32, 1);

  private WholeTrainStep(GraphUpdateRule rule) { this.rule = rule; }

  /** Null when the step cannot be one program (the reason goes to {@code why}). */
  static WholeTrainStep build(Module model, LossFn loss, Optimizer opt, CompileOptions options, Tensor input, Tensor target, List<String> why) {
    GraphUpdateRule rule = GraphUpdateRule.of(opt);
    if (rule == null) { why.add(opt.getClass().getSimpleName() + "'s update is not written in graph ops yet"); return null; }
    Tracer t = new Tracer(model.getClass().getSimpleName() + ".step");
    t.argument(input, 0);
    t.argument(target, 1);
    Tensor result;
    try {
      result = t.record(() -> loss.apply(model.forward(input), target));
    } catch (GraphBreak gb) {
      why.add("graph break: " + gb.getMessage());
      return null;
    }
    if (!t.mutated.isEmpty()) { why.add("the step writes buffers in place (e.g. batch-norm statistics)"); return null; }
    for (Tracer.Source s : t.sources) if (s instanceof Tracer.Seed) { why.add("the step draws random numbers (dropout)"); return null; }
    if (result.numel() != 1 || !result.dtype().isFloatingPoint()) { why.add("the loss is not a float scalar"); return null; }
    t.finish(result);
    if (dev.tcompile.ir.Float64Check.has(t.graph)) {
      why.add("float64 tensors (the in-graph update computes in float32)"); // the step runs as compiled loss + eager update
      return null;
    }

    Map<Tensor, ParamGroup> groupOf = new IdentityHashMap<>();
    for (ParamGroup g : opt.paramGroups()) for (Tensor p : g.params()) groupOf.put(p, g);
    Compiler compiler = new Compiler(CompiledEntry.backend(options), options.disabled(), options.dumpDir());
    Graph traced = compiler.graphLevel(t.graph);
    int n = traced.inputs().size();
    boolean[] wrt = new boolean[n];
    for (int i = 0; i < n; i++)
      wrt[i] = t.sources.get(i) instanceof Tracer.Captured c && c.tensor().requiresGrad() && groupOf.containsKey(c.tensor());
    Autodiff.Joint joint = Autodiff.joint(traced, wrt);
    Graph j = joint.graph();
    GraphAlgebra a = new GraphAlgebra(j);
    WholeTrainStep step = new WholeTrainStep(rule);
    step.sources.addAll(t.sources);
    for (Tracer.Source s : t.sources)
      if (s instanceof Tracer.Captured c) {
        step.capturedTypes.add(c.tensor().type());
        step.capturedRequiresGrad.add(c.tensor().requiresGrad());
      }

    // inputs after the traced ones and the loss's gradient: per updated parameter, its scalars then its state
    List<Value> grads = j.outputs().subList(1, j.outputs().size());
    List<Tensor> params = new ArrayList<>();
    List<Value> gradValues = new ArrayList<>(), newParams = new ArrayList<>(), newStates = new ArrayList<>();
    List<Integer> stateCounts = new ArrayList<>();
    int gi = 0;
    for (int i = 0; i < n; i++) {
      if (!wrt[i] || !joint.inputHasGrad()[i]) continue;
      Tensor p = ((Tracer.Captured) t.sources.get(i)).tensor();
      ParamGroup group = groupOf.get(p);
      int k = params.size();
      List<Value> scalars = new ArrayList<>(), state = new ArrayList<>();
      for (int s = 0; s < rule.numScalars(group); s++) scalars.add(j.addInput("p" + k + "_scalar" + s, TensorType.of(DType.FLOAT32)));
      for (String key : rule.stateKeys(group)) state.add(j.addInput("p" + k + "_" + key, p.type()));
      Value g = grads.get(gi++);
      List<Value> out = rule.emit(a, group, j.inputs().get(i), g, state, scalars);
      params.add(p);
      gradValues.add(g);
      newParams.add(out.get(0));
      newStates.addAll(out.subList(1, out.size()));
      stateCounts.add(out.size() - 1);
    }
    // outputs: the loss, then every gradient, every new parameter, every new state tensor
    List<Value> outs = new ArrayList<>(List.of(j.outputs().get(0)));
    outs.addAll(gradValues);
    outs.addAll(newParams);
    outs.addAll(newStates);
    j.setOutputs(outs);
    step.numOutputs = outs.size();
    int k = params.size(), stateOut = 1 + 2 * k;
    for (int u = 0; u < k; u++) {
      ParamGroup group = groupOf.get(params.get(u));
      NDArray[] scalarArrays = new NDArray[rule.numScalars(group)];
      for (int s = 0; s < scalarArrays.length; s++) scalarArrays[s] = NDArray.scalar(DType.FLOAT32, 0);
      step.updated.add(new Updated(params.get(u), group, 1 + u, 1 + k + u, stateOut, List.copyOf(rule.stateKeys(group)), scalarArrays));
      step.updatedParams.add(params.get(u));
      stateOut += stateCounts.get(u);
    }
    step.numInputs = j.inputs().size();
    step.program = compiler.program(j, "step");
    return step;
  }

  /** Null when the captured tensors still have the types and requires_grad flags the program was built for, else why not. */
  String guardFailure() {
    int c = 0;
    for (int si = 0; si < sources.size(); si++)
      if (sources.get(si) instanceof Tracer.Captured cap) {
        TensorType was = capturedTypes.get(c);
        NDArray now = cap.tensor().array();
        if (now.dtype() != was.dtype() || !java.util.Arrays.equals(now.shape(), was.shape()))
          return "captured tensor changed from " + was + " to " + cap.tensor().type();
        if (cap.tensor().requiresGrad() != capturedRequiresGrad.get(c))
          return "a captured tensor of type " + was + " changed requires_grad to " + cap.tensor().requiresGrad();
        c++;
      }
    return null;
  }

  /**
   * One step: returns the loss; parameters, gradients and the optimiser's state are updated. An updated
   * parameter's existing gradient tensor is overwritten in place (as zero_grad() then backward leaves it in
   * PyTorch 1.13); the optimiser's other parameters end with no gradient, as after {@code zeroGrad()}.
   */
  Tensor run(Optimizer opt, Tensor input, Tensor target) {
    // index loops throughout: a step's bookkeeping allocates no iterators
    List<ParamGroup> groups = opt.paramGroups();
    for (int gi = 0; gi < groups.size(); gi++) {
      List<Tensor> ps = groups.get(gi).params();
      for (int pi = 0; pi < ps.size(); pi++) if (!updatedParams.contains(ps.get(pi))) ps.get(pi).setGrad(null);
    }
    // the program's argument and destination arrays are reused step after step (TrainStep runs one step at a
    // time) and emptied after the run, so they keep no batch alive
    if (in == null) { in = new NDArray[numInputs]; into = new Destinations(numOutputs); results = new NDArray[numOutputs]; }
    NDArray[] in = this.in;
    Destinations into = this.into;
    try {
      return run(opt, input, target, in, into);
    } finally {
      java.util.Arrays.fill(in, null);
      java.util.Arrays.fill(results, null);
      into.clear();
    }
  }

  private NDArray[] in, results;
  private Destinations into;

  private Tensor run(Optimizer opt, Tensor input, Tensor target, NDArray[] in, Destinations into) {
    int i = 0;
    for (int si = 0; si < sources.size(); si++) {
      Tracer.Source s = sources.get(si);
      in[i++] = switch (s) {
        case Tracer.Argument arg -> (arg.index() == 0 ? input : target).array();
        case Tracer.Captured c -> c.tensor().array();
        case Tracer.Seed seed -> throw new IllegalStateException("programs with random ops are not built");
      };
    }
    in[i++] = SEED;
    // where each result goes: parameters, state and existing gradients are updated in their own arrays
    // (donated: the program writes them in place where that is safe, else copies), so a step allocates no
    // parameter-sized arrays
    for (int ui = 0; ui < updated.size(); ui++) {
      Updated u = updated.get(ui);
      Map<String, Tensor> state = opt.state(u.param());
      rule.scalars(u.group(), state, u.scalars());
      for (int s = 0; s < u.scalars().length; s++) in[i++] = u.scalars()[s];
      int o = u.firstStateOut();
      for (int ki = 0; ki < u.stateKeys().size(); ki++) {
        Tensor st = state.get(u.stateKeys().get(ki));
        NDArray buffer = st == null ? NDArray.empty(DType.FLOAT32, u.param().array().shape()) : st.array();
        in[i++] = buffer;
        into.put(o++, buffer);
      }
      into.put(u.paramOut(), u.param().array());
      Tensor grad = u.param().grad();
      if (grad != null && !grad.requiresGrad() && grad.dtype() == u.param().dtype() && java.util.Arrays.equals(grad.array().shape(), u.param().array().shape()))
        into.put(u.gradOut(), grad.array());
    }
    NDArray[] out = program.run(in, into.arrays(), results);
    for (int ui = 0; ui < updated.size(); ui++) {
      Updated u = updated.get(ui);
      Tensor p = u.param();
      if (out[u.paramOut()] != p.array()) p.array().copyFrom(out[u.paramOut()]);
      p.versionCounter().bump();
      Tensor grad = p.grad();
      if (grad != null && grad.array() == out[u.gradOut()] && !grad.requiresGrad()) grad.versionCounter().bump();
      else p.setGrad(Tensor.wrap(out[u.gradOut()]));
      Map<String, Tensor> state = opt.state(p);
      int o = u.firstStateOut();
      for (int ki = 0; ki < u.stateKeys().size(); ki++) {
        String key = u.stateKeys().get(ki);
        Tensor st = state.get(key);
        if (st == null) state.put(key, Tensor.wrap(out[o]));
        else {
          if (out[o] != st.array()) st.array().copyFrom(out[o]);
          st.versionCounter().bump();
        }
        o++;
      }
    }
    return Tensor.wrap(out[0]);
  }

  /** Output buffers for one run: an array is given at most once (two outputs never share a destination). */
  private static final class Destinations {
    private final NDArray[] into;

    Destinations(int n) { into = new NDArray[n]; }

    void put(int output, NDArray a) {
      for (NDArray d : into) if (d != null && d.sharesStorage(a)) return;
      into[output] = a;
    }

    NDArray[] arrays() { return into; }

    void clear() { java.util.Arrays.fill(into, null); }
  }
}
