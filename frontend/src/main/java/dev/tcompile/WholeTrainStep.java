package dev.tcompile;

import dev.tcompile.codegen.Backend;
import dev.tcompile.codegen.Compiler;
import dev.tcompile.codegen.Executable;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphAlgebra;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Value;
import dev.tcompile.nn.Module;
import dev.tcompile.optim.ParamGroup;
import dev.tcompile.optim.SGD;
import dev.tcompile.passes.Autodiff;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.kernels.BinaryOp;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward, loss, backward and the {@link SGD} update as one compiled program: the traced forward graph, its joint
 * graph from autodiff, then each parameter's update written in graph ops (weight decay, momentum with dampening,
 * nesterov, {@code p - lr * d}), so the update fuses into one kernel per parameter with the last backward ops of
 * the same shape. The learning rate (per group, negated) and each parameter's first-step flag are inputs, so
 * schedulers never recompile; momentum buffers are inputs and outputs. After a run, the parameters, their
 * {@code grad()} and the optimizer's {@code momentum_buffer} state hold what the eager loop leaves.
 * Programs that mutate buffers or draw random numbers (batch norm, dropout) are not built here: {@link #build}
 * says why and {@link TrainStep} runs them as before.
 */
final class WholeTrainStep {
  /** A parameter the program updates: where its gradient, new value and new momentum buffer come out. */
  private record Updated(Tensor param, ParamGroup group, int gradOut, int paramOut, int bufferOut) {}

  private final Executable program;
  private final List<Tracer.Source> sources;
  private final int numTraced;
  private final List<Updated> updated = new ArrayList<>();
  /** Inputs after the traced ones: the loss's gradient (1), then per group -lr, then per momentum parameter first and buffer. */
  private final List<ParamGroup> lrGroups = new ArrayList<>();
  private final List<Tensor> momentumParams = new ArrayList<>();
  private final List<TensorType> capturedTypes = new ArrayList<>();

  private WholeTrainStep(Executable program, List<Tracer.Source> sources, int numTraced) {
    this.program = program;
    this.sources = sources;
    this.numTraced = numTraced;
  }

  /** Null when the step cannot be one program (the reason goes to {@code why}). */
  static WholeTrainStep build(Module model, LossFn loss, SGD opt, CompileOptions options, Tensor input, Tensor target, List<String> why) {
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

    Map<Tensor, ParamGroup> groupOf = new IdentityHashMap<>();
    for (ParamGroup g : opt.paramGroups()) for (Tensor p : g.params()) groupOf.put(p, g);
    Compiler compiler = new Compiler(backend(options), options.disabled(), options.dumpDir());
    Graph traced = compiler.graphLevel(t.graph);
    int n = traced.inputs().size();
    boolean[] wrt = new boolean[n];
    for (int i = 0; i < n; i++)
      wrt[i] = t.sources.get(i) instanceof Tracer.Captured c && c.tensor().requiresGrad() && groupOf.containsKey(c.tensor());
    Autodiff.Joint joint = Autodiff.joint(traced, wrt);
    Graph j = joint.graph();
    GraphAlgebra A = new GraphAlgebra(j);
    WholeTrainStep step = new WholeTrainStep(null, List.copyOf(t.sources), n);

    List<Value> outs = new ArrayList<>(List.of(j.outputs().get(0)));
    List<Value> grads = j.outputs().subList(1, j.outputs().size());
    Map<ParamGroup, Value> negLr = new IdentityHashMap<>();
    for (ParamGroup group : opt.paramGroups()) {
      negLr.put(group, j.addInput("neg_lr" + step.lrGroups.size(), TensorType.of(DType.FLOAT32)));
      step.lrGroups.add(group);
    }
    List<Value> newParams = new ArrayList<>(), newBuffers = new ArrayList<>();
    int gi = 0;
    List<Object[]> plan = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!wrt[i] || !joint.inputHasGrad()[i]) continue;
      Tensor p = ((Tracer.Captured) t.sources.get(i)).tensor();
      ParamGroup group = groupOf.get(p);
      Value pv = j.inputs().get(i), g = grads.get(gi++);
      double momentum = group.getDouble("momentum"), damp = group.getDouble("dampening"), wd = group.getDouble("weight_decay");
      Value lr = negLr.get(group);
      Value d = wd != 0 ? A.add(g, A.mul(pv, wd)) : g;
      Value buf = null;
      if (momentum != 0) {
        int m = step.momentumParams.size();
        step.momentumParams.add(p);
        Value first = j.addInput("first" + m, TensorType.of(DType.FLOAT32));
        Value old = j.addInput("momentum_buffer" + m, pv.type());
        Value later = A.add(A.mul(old, momentum), A.mul(d, 1 - damp));
        buf = A.where(A.compare(BinaryOp.GT, first, A.scalarLike(0.5, first)), d, later);
        d = group.getBool("nesterov") ? A.add(d, A.mul(buf, momentum)) : buf;
      }
      newParams.add(A.add(pv, A.mul(d, lr)));
      if (buf != null) newBuffers.add(buf);
      plan.add(new Object[]{p, group, g, buf != null});
    }
    // outputs: loss, gradients, new parameters, new momentum buffers
    int base = 1;
    for (Object[] u : plan) outs.add((Value) u[2]);
    outs.addAll(newParams);
    outs.addAll(newBuffers);
    j.setOutputs(outs);
    int k = plan.size(), b = 0;
    for (int u = 0; u < k; u++) {
      boolean hasBuf = (Boolean) plan.get(u)[3];
      step.updated.add(new Updated((Tensor) plan.get(u)[0], (ParamGroup) plan.get(u)[1], base + u, base + k + u, hasBuf ? base + 2 * k + b++ : -1));
    }
    for (Tracer.Source s : t.sources) if (s instanceof Tracer.Captured c) step.capturedTypes.add(c.tensor().type());
    return step.withProgram(compiler.program(j, "step"));
  }

  private WholeTrainStep withProgram(Executable p) {
    WholeTrainStep s = new WholeTrainStep(p, sources, numTraced);
    s.updated.addAll(updated);
    s.lrGroups.addAll(lrGroups);
    s.momentumParams.addAll(momentumParams);
    s.capturedTypes.addAll(capturedTypes);
    return s;
  }

  private static Backend backend(CompileOptions options) {
    return switch (options.backend()) {
      case INTERPRETER -> Backend.INTERPRETER;
      case BYTECODE -> options.codeDumpDir() == null ? Backend.BYTECODE : Backend.bytecode(options.codeDumpDir());
    };
  }

  /** Null when the captured tensors still have the types the program was built for, else why not. */
  String guardFailure() {
    int c = 0;
    for (Tracer.Source s : sources)
      if (s instanceof Tracer.Captured cap) {
        TensorType was = capturedTypes.get(c++);
        if (!cap.tensor().type().equals(was)) return "captured tensor changed from " + was + " to " + cap.tensor().type();
      }
    return null;
  }

  /** One step: returns the loss; parameters, gradients and momentum buffers are updated. */
  Tensor run(SGD opt, Tensor input, Tensor target) {
    List<NDArray> in = new ArrayList<>();
    for (Tracer.Source s : sources) {
      in.add(switch (s) {
        case Tracer.Argument a -> (a.index() == 0 ? input : target).array();
        case Tracer.Captured c -> c.tensor().array();
        case Tracer.Seed seed -> throw new IllegalStateException("seeded programs are not built");
      });
    }
    in.add(NDArray.scalar(DType.FLOAT32, 1));                       // d loss / d loss
    for (ParamGroup g : lrGroups) in.add(NDArray.scalar(DType.FLOAT32, -g.lr()));
    for (Tensor p : momentumParams) {
      Tensor buf = opt.state(p).get("momentum_buffer");
      in.add(NDArray.scalar(DType.FLOAT32, buf == null ? 1 : 0));
      in.add(buf == null ? NDArray.empty(DType.FLOAT32, p.array().shape()) : buf.array());
    }
    NDArray[] out = program.run(in.toArray(NDArray[]::new));
    for (Updated u : updated) {
      Tensor p = u.param();
      p.array().copyFrom(out[u.paramOut()]);
      p.versionCounter().bump();
      p.setGrad(Tensor.wrap(out[u.gradOut()]));
      if (u.bufferOut() >= 0) {
        Map<String, Tensor> state = opt.state(p);
        Tensor buf = state.get("momentum_buffer");
        if (buf == null) state.put("momentum_buffer", Tensor.wrap(out[u.bufferOut()]));
        else { buf.array().copyFrom(out[u.bufferOut()]); buf.versionCounter().bump(); }
      }
    }
    return Tensor.wrap(out[0]);
  }
}
