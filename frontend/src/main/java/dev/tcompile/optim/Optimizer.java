package dev.tcompile.optim;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.Optimizer}: parameter groups with per-group options, per-parameter state, and
 * {@link #step()} applying the update rule without recording gradients, through in-place tensor ops.
 * Each update follows PyTorch 1.13's single-tensor implementation, operation by operation.
 */
public abstract class Optimizer {
  private final List<ParamGroup> groups = new ArrayList<>();
  private final Map<Tensor, Map<String, Tensor>> state = new IdentityHashMap<>();
  private final Map<String, Object> defaults;

  protected Optimizer(List<ParamGroup> groups, Map<String, Object> defaults) {
    this.defaults = new LinkedHashMap<>(defaults);
    if (groups.isEmpty()) throw new TorchException("optimizer got an empty parameter list");
    for (ParamGroup g : groups) addParamGroup(g);
  }

  /** One group holding {@code params}. */
  protected static List<ParamGroup> single(Iterable<? extends Tensor> params) { return List.of(new ParamGroup(params)); }

  public synchronized void addParamGroup(ParamGroup g) {
    for (ParamGroup other : groups)
      for (Tensor p : g.params())
        for (Tensor q : other.params())
          if (p == q) throw new TorchException("some parameters appear in more than one parameter group");
    g.fillDefaults(defaults);
    groups.add(g);
  }

  public List<ParamGroup> paramGroups() { return groups; }

  /** The state of one parameter (empty until its first step). */
  public synchronized Map<String, Tensor> state(Tensor p) { return state.computeIfAbsent(p, k -> new LinkedHashMap<>()); }

  /** Sets every parameter's gradient to null (PyTorch 2's default). */
  public synchronized void zeroGrad() {
    for (ParamGroup g : groups) for (Tensor p : g.params()) p.setGrad(null);
  }

  /**
   * One update of every parameter that has a gradient, under no-grad. Optimisers may be shared between threads:
   * steps and {@link #zeroGrad()} are serialised, each reading a parameter's gradient once.
   */
  public synchronized void step() {
    try (var guard = Torch.noGrad()) {
      for (ParamGroup g : groups)
        for (Tensor p : g.params()) {
          Tensor grad = p.grad();
          if (grad != null) update(p, grad, state(p), g);
        }
    }
  }

  /** The update rule for one parameter. */
  protected abstract void update(Tensor param, Tensor grad, Map<String, Tensor> state, ParamGroup group);

  /** A float32 0-d tensor counting steps, as PyTorch 1.13 keeps {@code state['step']}. */
  protected static float incrementStep(Map<String, Tensor> state) {
    Tensor step = state.computeIfAbsent("step", k -> Torch.scalar(0));
    step.add_(1.0);
    return step.item();
  }

  /**
   * PyTorch's optimizer state dict: per-parameter state keyed by the parameter's index across groups, and
   * each group's options with its parameters' indices.
   */
  public record StateDict(Map<Integer, Map<String, Tensor>> state, List<Map<String, Object>> paramGroups) {}

  public synchronized StateDict stateDict() {
    Map<Integer, Map<String, Tensor>> packed = new LinkedHashMap<>();
    List<Map<String, Object>> packedGroups = new ArrayList<>();
    int index = 0;
    for (ParamGroup g : groups) {
      List<Integer> ids = new ArrayList<>();
      for (Tensor p : g.params()) {
        Map<String, Tensor> s = state.get(p);
        if (s != null && !s.isEmpty()) packed.put(index, new LinkedHashMap<>(s));
        ids.add(index++);
      }
      Map<String, Object> options = new LinkedHashMap<>(g.options());
      options.put("params", ids);
      packedGroups.add(options);
    }
    return new StateDict(packed, packedGroups);
  }

  /** Restores options and state saved by {@link #stateDict()} from an optimizer over parameters of the same shapes. */
  public synchronized void loadStateDict(StateDict sd) {
    if (sd.paramGroups().size() != groups.size())
      throw new TorchException("loaded state dict has a different number of parameter groups");
    for (int i = 0; i < groups.size(); i++) {
      Object ids = sd.paramGroups().get(i).get("params");
      if (!(ids instanceof List<?> l) || l.size() != groups.get(i).params().size())
        throw new TorchException("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    }
    state.clear();
    for (int i = 0; i < groups.size(); i++) {
      ParamGroup g = groups.get(i);
      List<?> ids = (List<?>) sd.paramGroups().get(i).get("params");
      sd.paramGroups().get(i).forEach((k, v) -> { if (!k.equals("params")) g.options().put(k, v); });
      for (int j = 0; j < g.params().size(); j++) {
        Map<String, Tensor> s = sd.state().get((Integer) ids.get(j));
        if (s == null) continue;
        Map<String, Tensor> copy = new LinkedHashMap<>();
        s.forEach((k, v) -> copy.put(k, v.detach().clone()));
        state.put(g.params().get(j), copy);
      }
    }
  }
}
