package dev.tcompile.nn;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code nn.Sequential}: modules applied in order, named "0", "1", ... or by the given names. */
public class Sequential extends Module {
  private final List<Module> layers = new ArrayList<>();

  public Sequential(Module... modules) { for (Module m : modules) append(m); }

  /** {@code nn.Sequential(OrderedDict(...))}: the map's iteration order is the order of application. */
  public Sequential(Map<String, ? extends Module> named) {
    named.forEach((n, m) -> layers.add(register(n, m)));
  }

  public Sequential append(Module m) {
    layers.add(register(String.valueOf(layers.size()), m));
    return this;
  }

  public Module get(int i) {
    if (i < -layers.size() || i >= layers.size()) throw new TorchException("index " + i + " is out of range");
    return layers.get(i < 0 ? i + layers.size() : i);
  }

  public int size() { return layers.size(); }

  @Override public Tensor forward(Tensor x) {
    for (Module m : layers) x = m.call(x); // module(x): the layers' hooks run
    return x;
  }
}
