package dev.tcompile.nn;

import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** {@code nn.ModuleList}: registered sub-modules held in a list, named "0", "1", ...; it has no forward. */
public class ModuleList extends Module implements Iterable<Module> {
  private final List<Module> items = new ArrayList<>();

  public ModuleList() {}

  public ModuleList(List<? extends Module> modules) { for (Module m : modules) append(m); }

  public ModuleList append(Module m) {
    items.add(register(String.valueOf(items.size()), m));
    return this;
  }

  public Module get(int i) {
    if (i < -items.size() || i >= items.size()) throw new TorchException("index " + i + " is out of range");
    return items.get(i < 0 ? i + items.size() : i);
  }

  public int size() { return items.size(); }

  @Override public Iterator<Module> iterator() { return List.copyOf(items).iterator(); }
}
