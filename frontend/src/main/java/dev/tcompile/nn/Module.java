package dev.tcompile.nn;

import dev.tcompile.DType;

import dev.tcompile.Device;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code torch.nn.Module}: a tree of sub-modules, parameters and buffers registered under names. Iteration
 * orders, dotted names, {@code stateDict} keys, {@code loadStateDict}'s messages and {@code toString} are
 * PyTorch's. A subclass registers its parts in field initialisers, e.g.
 * {@code Conv2d conv1 = register("conv1", new Conv2d(1, 20, 5, 1));}, and overrides {@link #forward(Tensor)}.
 */
public abstract class Module {
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();
  private final Set<String> nonPersistent = new HashSet<>();
  private final Map<String, Module> modules = new LinkedHashMap<>();
  private boolean training = true;

  // ======================================== forward ========================================

  /** The computation; modules with one input override this. */
  public Tensor forward(Tensor input) {
    throw new TorchException("Module [" + typeName() + "] is missing the required \"forward\" function");
  }

  /** The computation of modules with several inputs (losses, attention); one input goes to {@link #forward(Tensor)}. */
  public Tensor forward(Tensor... inputs) {
    expectInputs(inputs, 1);
    return forward(inputs[0]);
  }

  private final ModuleHooks hooks = ModuleHooks.create();

  /**
   * {@code module(x)}: the forward pre-hooks (which may replace the inputs), {@link #forward(Tensor...)}, then the
   * forward hooks (which may replace the output). {@code forward} called directly runs no hooks, as in PyTorch.
   */
  public final Tensor call(Tensor... inputs) { return hooks.call(this, inputs); }

  /** {@code register_forward_pre_hook}: {@code hook(module, inputs)} returns new inputs or null. */
  public dev.tcompile.RemovableHandle registerForwardPreHook(ModuleHooks.ForwardPreHook hook) { return hooks.addPre(hook); }

  /**
   * {@code register_full_backward_hook}: {@code hook(module, gradInput, gradOutput)} runs when the gradients
   * w.r.t. the module's inputs are computed, and returns replacement gradInput or null.
   */
  public dev.tcompile.RemovableHandle registerFullBackwardHook(ModuleHooks.FullBackwardHook hook) { return hooks.addFullBackward(hook); }

  /** {@code register_forward_hook}: {@code hook(module, inputs, output)} returns a new output or null. */
  public dev.tcompile.RemovableHandle registerForwardHook(ModuleHooks.ForwardHook hook) { return hooks.addPost(hook); }

  /** Fails as Python would when a module that takes {@code n} inputs gets another number. */
  protected final void expectInputs(Tensor[] inputs, int n) {
    if (inputs.length != n)
      throw new TorchException(typeName() + ".forward() takes " + n + (n == 1 ? " input" : " inputs") + " but " + inputs.length + " were given");
  }

  // ======================================== registration ========================================

  /** Registers a sub-module under {@code name} and returns it. */
  protected <M extends Module> M register(String name, M module) {
    checkName(name, modules);
    modules.put(name, module);
    return module;
  }

  /** Registers a parameter ({@code null} records an absent one, as {@code bias=False} does). */
  protected Parameter registerParameter(String name, Parameter p) {
    checkName(name, parameters);
    parameters.put(name, p);
    return p;
  }

  /** Registers a persistent buffer (saved in {@link #stateDict()}); null records an absent one. */
  protected Tensor registerBuffer(String name, Tensor t) { return registerBuffer(name, t, true); }

  protected Tensor registerBuffer(String name, Tensor t, boolean persistent) {
    checkName(name, buffers);
    buffers.put(name, t);
    if (!persistent) nonPersistent.add(name);
    return t;
  }

  /** This module's own buffer of that name (null when registered as absent). */
  protected Tensor buffer(String name) {
    if (!buffers.containsKey(name)) throw new TorchException("no buffer named '" + name + "'");
    return buffers.get(name);
  }

  private void checkName(String name, Map<String, ?> own) {
    if (name == null || name.isEmpty()) throw new TorchException("name can't be empty string \"\"");
    if (name.contains(".")) throw new TorchException("name can't contain \".\"");
    boolean taken = (own != parameters && parameters.containsKey(name)) || (own != buffers && buffers.containsKey(name))
        || (own != modules && modules.containsKey(name)) || own.containsKey(name);
    if (taken) throw new TorchException("attribute '" + name + "' already exists");
  }

  // ======================================== traversal ========================================

  /** Every parameter of the tree, each once, in registration order (sub-modules after their parent's own). */
  public List<Parameter> parameters() { return new ArrayList<>(namedParameters().values()); }

  /** Parameters under dotted names ({@code conv1.weight}), each tensor once. */
  public Map<String, Parameter> namedParameters() { return named(m -> m.parameters); }

  public List<Tensor> buffers() { return new ArrayList<>(namedBuffers().values()); }

  public Map<String, Tensor> namedBuffers() { return named(m -> m.buffers); }

  /** The non-null tensors each module of the tree holds in {@code own}, under dotted names, each tensor once. */
  private <T extends Tensor> Map<String, T> named(java.util.function.Function<Module, Map<String, T>> own) {
    Map<String, T> out = new LinkedHashMap<>();
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    namedModules().forEach((prefix, m) -> own.apply(m).forEach((n, t) -> {
      if (t != null && seen.add(t)) out.put(dotted(prefix, n), t);
    }));
    return out;
  }

  /** The direct sub-modules. */
  public Iterable<Module> children() { return new ArrayList<>(namedChildren().values()); }

  public Map<String, Module> namedChildren() {
    Map<String, Module> out = new LinkedHashMap<>();
    Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    modules.forEach((n, m) -> { if (m != null && seen.add(m)) out.put(n, m); });
    return out;
  }

  /** This module and every descendant, each once, depth first; the root's name is "". */
  public Map<String, Module> namedModules() {
    Map<String, Module> out = new LinkedHashMap<>();
    collect("", this, out, Collections.newSetFromMap(new IdentityHashMap<>()));
    return out;
  }

  public List<Module> modules() { return new ArrayList<>(namedModules().values()); }

  private static void collect(String prefix, Module m, Map<String, Module> out, Set<Module> seen) {
    if (!seen.add(m)) return;
    out.put(prefix, m);
    m.modules.forEach((n, c) -> { if (c != null) collect(dotted(prefix, n), c, out, seen); });
  }

  private static String dotted(String prefix, String name) { return prefix.isEmpty() ? name : prefix + "." + name; }

  /** Applies {@code fn} to every sub-module (children first) and then to this module, as {@code Module.apply}. */
  public Module apply(Consumer<Module> fn) {
    for (Module c : children()) c.apply(fn);
    fn.accept(this);
    return this;
  }

  // ======================================== state ========================================

  /** Parameters and persistent buffers under dotted names, detached (sharing storage), in PyTorch's order. */
  public Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    saveTo(out, "");
    return out;
  }

  private void saveTo(Map<String, Tensor> out, String prefix) {
    parameters.forEach((n, p) -> { if (p != null) out.put(prefix + n, p.detach()); });
    buffers.forEach((n, b) -> { if (b != null && !nonPersistent.contains(n)) out.put(prefix + n, b.detach()); });
    modules.forEach((n, m) -> { if (m != null) m.saveTo(out, prefix + n + "."); });
  }

  /** Keys a {@link #loadStateDict} call found missing from, or unexpected in, the state dict. */
  public record IncompatibleKeys(List<String> missingKeys, List<String> unexpectedKeys) {
    @Override public String toString() {
      if (missingKeys.isEmpty() && unexpectedKeys.isEmpty()) return "<All keys matched successfully>";
      return "_IncompatibleKeys(missing_keys=" + pyList(missingKeys) + ", unexpected_keys=" + pyList(unexpectedKeys) + ")";
    }

    private static String pyList(List<String> keys) {
      List<String> quoted = new ArrayList<>();
      for (String k : keys) quoted.add("'" + k + "'");
      return "[" + String.join(", ", quoted) + "]";
    }
  }

  /**
   * Copies {@code stateDict}'s tensors into this tree's parameters and buffers (under no-grad). Shape mismatches
   * always fail; missing and unexpected keys fail when {@code strict}, with PyTorch's message, and are
   * returned either way.
   */
  public IncompatibleKeys loadStateDict(Map<String, Tensor> stateDict, boolean strict) {
    List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), errors = new ArrayList<>();
    try (var g = Torch.noGrad()) {
      loadFrom(stateDict, "", missing, unexpected, errors);
    }
    if (strict) {
      if (!unexpected.isEmpty()) errors.add(0, "Unexpected key(s) in state_dict: " + quotedKeys(unexpected) + ". ");
      if (!missing.isEmpty()) errors.add(0, "Missing key(s) in state_dict: " + quotedKeys(missing) + ". ");
    }
    if (!errors.isEmpty())
      throw new TorchException("Error(s) in loading state_dict for " + typeName() + ":\n\t" + String.join("\n\t", errors));
    return new IncompatibleKeys(missing, unexpected);
  }

  private static String quotedKeys(List<String> keys) {
    List<String> q = new ArrayList<>();
    for (String k : keys) q.add("\"" + k + "\"");
    return String.join(", ", q);
  }

  private void loadFrom(Map<String, Tensor> sd, String prefix, List<String> missing, List<String> unexpected, List<String> errors) {
    Map<String, Tensor> local = new LinkedHashMap<>();
    parameters.forEach((n, p) -> { if (p != null) local.put(n, p); });
    buffers.forEach((n, b) -> { if (b != null && !nonPersistent.contains(n)) local.put(n, b); });
    local.forEach((name, target) -> {
      String key = prefix + name;
      Tensor src = sd.get(key);
      if (src == null) { missing.add(key); return; }
      if (target.dim() == 0 && src.dim() == 1) src = src.select(0, 0);
      if (!target.shape().equals(src.shape())) {
        errors.add("size mismatch for " + key + ": copying a param with shape " + src.shape() + " from checkpoint, the shape in current model is "
            + target.shape() + ".");
        return;
      }
      target.copy_(src);
    });
    for (String key : sd.keySet()) {
      if (!key.startsWith(prefix)) continue;
      String first = key.substring(prefix.length()).split("\\.", 2)[0];
      if (!modules.containsKey(first) && !local.containsKey(first)) unexpected.add(key);
    }
    modules.forEach((n, m) -> {
      if (m == null) return;
      String childPrefix = prefix + n + ".";
      Map<String, Tensor> childSd = new LinkedHashMap<>();
      sd.forEach((k, v) -> { if (k.startsWith(childPrefix)) childSd.put(k, v); });
      m.loadFrom(childSd, childPrefix, missing, unexpected, errors);
    });
  }

  // ======================================== modes and gradients ========================================

  /** Training mode for this module and every descendant (Dropout and BatchNorm behave differently). */
  public Module train() { return train(true); }

  public Module train(boolean mode) {
    training = mode;
    for (Module c : modules.values()) if (c != null) c.train(mode);
    return this;
  }

  public Module eval() { return train(false); }

  public boolean isTraining() { return training; }

  /**
   * The training flag of this module and every descendant, in {@link #modules()} order: a child switched to
   * eval while its parent trains changes it (compiled modules key their programs on it).
   */
  public List<Boolean> trainingFlags() {
    List<Boolean> flags = new ArrayList<>();
    for (Module m : modules()) flags.add(m.training);
    return flags;
  }

  /** Sets every parameter's gradient to null (PyTorch 2's default, {@code set_to_none=True}). */
  public void zeroGrad() {
    for (Parameter p : parameters()) p.setGrad(null);
  }

  /** Turns gradient recording of every parameter on or off. */
  public Module requiresGrad_(boolean on) {
    for (Parameter p : parameters()) p.requiresGrad_(on);
    return this;
  }

  /** Tensors live on the CPU: returns this module. */
  public Module to(Device device) { return this; }

  /**
   * {@code module.to(dtype)}: every floating-point parameter and buffer of the tree (and each parameter's
   * gradient) converted to {@code dtype} in place of its data, as PyTorch's {@code Module._apply} does: the same
   * {@link Parameter} objects, so an optimiser built before still holds them; integer buffers stay as they are.
   */
  public Module to(DType dtype) {
    if (!dtype.isFloatingPoint())
      throw new TorchException("nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=" + dtype);
    try (var g = dev.tcompile.Torch.noGrad()) {
      for (Module m : modules()) {
        for (Parameter p : m.parameters.values()) {
          if (p == null || !p.dtype().isFloatingPoint()) continue;
          if (p.dtype() != dtype) p.setData(p.detach().to(dtype));
          Tensor grad = p.grad();
          if (grad != null && grad.dtype() != dtype) grad.setData(grad.detach().to(dtype));
        }
        for (Tensor b : m.buffers.values())
          if (b != null && b.dtype().isFloatingPoint() && b.dtype() != dtype) b.setData(b.detach().to(dtype));
      }
    }
    return this;
  }

  /** {@code module.double()}: {@link #to(DType)} float64. */
  public Module toDouble() { return to(DType.FLOAT64); }

  /** {@code module.float()}: {@link #to(DType)} float32. */
  public Module toFloat() { return to(DType.FLOAT32); }

  // ======================================== printing ========================================

  /** The part inside the parentheses of this module's own line ({@code in_features=784, ...}). */
  protected String extraRepr() { return ""; }

  /** The class name PyTorch would print (anonymous subclasses print their superclass's). */
  protected String typeName() {
    Class<?> c = getClass();
    while (c.getSimpleName().isEmpty()) c = c.getSuperclass();
    return c.getSimpleName();
  }

  /** PyTorch's module tree: {@code Net(\n  (conv1): Conv2d(1, 20, kernel_size=(5, 5), stride=(1, 1))\n)}. */
  @Override public String toString() {
    List<String> lines = new ArrayList<>();
    String extra = extraRepr();
    if (!extra.isEmpty()) lines.addAll(List.of(extra.split("\n", -1)));
    int extraLines = lines.size();
    modules.forEach((n, m) -> lines.add("(" + n + "): " + indent(String.valueOf(m == null ? "None" : m))));
    StringBuilder sb = new StringBuilder(typeName()).append('(');
    if (!lines.isEmpty()) {
      if (extraLines == 1 && lines.size() == 1) sb.append(lines.get(0));
      else sb.append("\n  ").append(String.join("\n  ", lines)).append('\n');
    }
    return sb.append(')').toString();
  }

  /** Python's {@code _addindent(s, 2)}: every line but the first indented by two spaces. */
  private static String indent(String s) { return s.replace("\n", "\n  "); }
}
