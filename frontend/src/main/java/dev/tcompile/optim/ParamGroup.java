package dev.tcompile.optim;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One of an optimizer's parameter groups (PyTorch's {@code {'params': [...], 'lr': ...}}): parameters and the
 * options that override the optimizer's defaults for them. Schedulers change {@code lr} here.
 */
public final class ParamGroup {
  private final List<Tensor> params = new ArrayList<>();
  private final Map<String, Object> options = new LinkedHashMap<>();

  public ParamGroup(Iterable<? extends Tensor> params) {
    for (Tensor p : params) {
      if (!p.isLeaf()) throw new TorchException("can't optimize a non-leaf Tensor");
      this.params.add(p);
    }
  }

  public static ParamGroup of(Iterable<? extends Tensor> params) { return new ParamGroup(params); }

  /** Overrides an option for this group ({@code "lr"}, {@code "momentum"}, ...); returns this group. */
  public ParamGroup with(String option, Object value) {
    options.put(option, value);
    return this;
  }

  public List<Tensor> params() { return params; }

  /** The group's options, its own and the optimizer's defaults it did not override. */
  public Map<String, Object> options() { return options; }

  public double lr() { return getDouble("lr"); }
  public void setLr(double lr) { options.put("lr", lr); }

  public double getDouble(String option) {
    Object v = options.get(option);
    if (v instanceof Number n) return n.doubleValue();
    throw new TorchException("parameter group option '" + option + "' is " + v + ", not a number");
  }

  public boolean getBool(String option) {
    Object v = options.get(option);
    if (v instanceof Boolean b) return b;
    throw new TorchException("parameter group option '" + option + "' is " + v + ", not a bool");
  }

  void fillDefaults(Map<String, Object> defaults) { defaults.forEach(options::putIfAbsent); }
}
