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
      for (ParamGroup g : groups) checkFlags(g);
      for (ParamGroup g : groups)
        for (Tensor p : g.params()) {
          Tensor grad = p.grad();
          if (grad != null) update(p, grad, state(p), g);
        }
    }
  }

  /**
   * PyTorch options this class implements when True; the others among {@code maximize}, {@code differentiable},
   * {@code capturable}, {@code fused} are refused when set True, rather than ignored.
   */
  protected java.util.Set<String> supportedFlags() { return java.util.Set.of(); }

  private void checkFlags(ParamGroup g) {
    for (String flag : new String[]{"maximize", "differentiable", "capturable", "fused"})
      if (Boolean.TRUE.equals(g.options().get(flag)) && !supportedFlags().contains(flag))
        throw new TorchException(getClass().getSimpleName() + ": " + flag + "=True is not supported by tcompile");
  }

  /**
   * {@code optimizer.step(closure)}: calls the closure (which recomputes the loss and its gradients) with
   * gradients enabled, then steps; returns the closure's loss.
   */
  public synchronized Tensor step(java.util.function.Supplier<Tensor> closure) {
    Tensor loss;
    try (var g = Torch.enableGrad()) {
      loss = closure.get();
    }
    step();
    return loss;
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
   * PyTorch's {@code repr(optimizer)}: the class name, then per group its options sorted by name, each printed
   * as Python's {@code str} prints it ({@code 1e-06}, {@code None}, {@code (0.9, 0.999)}).
   */
  @Override public synchronized String toString() {
    StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append(" (");
    for (int i = 0; i < groups.size(); i++) {
      sb.append("\nParameter Group ").append(i).append('\n');
      for (String key : new java.util.TreeSet<>(groups.get(i).options().keySet()))
        if (!key.equals("params")) sb.append("    ").append(key).append(": ").append(pyStr(groups.get(i).options().get(key))).append('\n');
    }
    return sb.append(')').toString();
  }

  /** Python's {@code str} of an option value. */
  static String pyStr(Object v) {
    if (v == null) return "None";
    if (v instanceof Boolean b) return b ? "True" : "False";
    if (v instanceof Double || v instanceof Float) return dev.tcompile.nn.PyRepr.of(((Number) v).doubleValue());
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      for (Object o : l) parts.add(pyStr(o));
      return "(" + String.join(", ", parts) + (parts.size() == 1 ? ",)" : ")");
    }
    return String.valueOf(v);
  }

  /** Options in PyTorch's order, allowing None (null) values. */
  protected static Map<String, Object> options(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return m;
  }

  /**
   * An option whose PyTorch default is an int ({@code weight_decay=0}): integral values are kept as a Long so
   * they print as Python prints the int ({@code 0}, not {@code 0.0}). Java cannot tell {@code 0} from
   * {@code 0.0} as an argument, so an integral float given in Python prints differently here.
   */
  protected static Number intDefault(double v) { return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Number) (long) v : (Number) v; }

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
