package dev.tcompile;

import dev.tcompile.codegen.Compiler;
import dev.tcompile.codegen.aot.ArtifactWriter;
import dev.tcompile.codegen.aot.GradientArtifact;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.nn.Module;
import dev.tcompile.passes.InputsAsConstants;
import dev.tcompile.runtime.NDArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link Torch#export(Module, Path, CompileOptions, List, Tensor...)}: a module's jar that also computes gradients,
 * as {@code tcompile compile --grad} writes one ({@link GradientArtifact}). The traced graph's captured inputs take
 * the module's parameter and buffer names (so the jar's manifest and the gradients are named as the module names
 * them); the differentiated parameters come right after the examples, in the order given, so the jar returns their
 * gradients in that order after the examples' own. In eval mode (with {@link CompileOptions#freezeWeights}) every
 * other parameter and buffer is frozen into a constant, as {@code Torch.compile} freezes them.
 */
final class GradientExport {
  private GradientExport() {}

  private static final String WHO = "Torch.export";

  static ArtifactWriter.Summary write(Module module, TracedGraph t, int examples, Path jar, CompileOptions options, List<String> gradients,
      boolean freeze) {
    Map<String, ? extends Tensor> params = module.namedParameters();
    Set<String> wanted = checkNames(module, examples, gradients);
    Map<Tensor, String> names = new IdentityHashMap<>();
    params.forEach((n, p) -> names.putIfAbsent(p, n));
    module.namedBuffers().forEach((n, b) -> names.putIfAbsent(b, n));
    for (String w : wanted)
      if (params.containsKey(w) && !t.captured().containsValue(params.get(w)))
        throw new TorchException(WHO + ": the outputs do not depend on " + w + " (forward does not read it)");

    Graph g = t.graph();
    List<Integer> order = inputOrder(t, wanted, names);
    Graph r = new Graph(g.name());
    Map<Value, Value> map = new IdentityHashMap<>();
    Set<String> used = new HashSet<>();
    for (Value in : g.inputs()) if (!t.captured().containsKey(in)) used.add(in.name());
    for (Node n : g.nodes()) for (Value v : n.outputs()) used.add(v.name());
    NDArray[] frozen = new NDArray[order.size()];
    Map<String, NDArray> bound = new java.util.HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      Value in = g.inputs().get(order.get(i));
      Tensor captured = t.captured().get(in);
      String name = in.name();
      if (captured != null && names.containsKey(captured) && used.add(names.get(captured))) name = names.get(captured);
      map.put(in, r.addInput(name, in.type(), g.inputAttrs(order.get(i))));
      if (captured == null) continue;
      if (freeze && options.freezesWeights() && !wanted.contains(name)) frozen[i] = captured.array();
      else bound.put(name, captured.array().contiguous());
    }
    for (Node n : g.nodes()) {
      if (n.isConstant()) { map.put(n.output(), r.constant(n.payload(), n.output().name())); continue; }
      Value[] outs = r.add(n.op(), n.attrs(), n.inputs().stream().map(map::get).toList(), n.outputs().stream().map(Value::name).toList(), null);
      for (int o = 0; o < outs.length; o++) map.put(n.outputs().get(o), outs[o]);
    }
    r.setOutputs(g.outputs().stream().map(map::get).toList());
    Graph ready = InputsAsConstants.apply(r, frozen);
    Map<Value, NDArray> weights = new IdentityHashMap<>();
    for (Value in : ready.inputs()) if (bound.containsKey(in.name())) weights.put(in, bound.get(in.name()));
    Compiler compiler = new Compiler(CompiledEntry.backend(options), options.disabled(), options.dumpDir());
    return GradientArtifact.write(ready, weights, wanted, compiler, Export.info(module.getClass().getSimpleName(), options), jar, WHO);
  }

  /** The names, checked: each an example ({@code x0}, {@code x1}, ...) or a parameter of the module, once. */
  private static Set<String> checkNames(Module module, int examples, List<String> gradients) {
    Set<String> wanted = new LinkedHashSet<>();
    for (String name : gradients) {
      if (name == null) throw new TorchException(WHO + ": a null name among the gradients");
      if (!wanted.add(name)) throw new TorchException(WHO + ": '" + name + "' is listed twice among the gradients");
      if (isExample(name, examples) || module.namedParameters().containsKey(name)) continue;
      if (module.namedBuffers().containsKey(name))
        throw new TorchException(WHO + ": '" + name + "' is a buffer, not a parameter: it has no gradient");
      throw new TorchException(WHO + ": no parameter or input named '" + name + "'; the module's parameters are "
          + String.join(", ", module.namedParameters().keySet()) + " and its inputs " + inputs(examples));
    }
    return wanted;
  }

  private static boolean isExample(String name, int examples) {
    if (!name.matches("x(0|[1-9][0-9]{0,8})")) return false;
    return Integer.parseInt(name.substring(1)) < examples;
  }

  private static String inputs(int examples) {
    List<String> xs = new ArrayList<>();
    for (int i = 0; i < examples; i++) xs.add("x" + i);
    return String.join(", ", xs);
  }

  /** The traced inputs' new order: everything not captured, then the differentiated parameters as listed, then the rest. */
  private static List<Integer> inputOrder(TracedGraph t, Set<String> wanted, Map<Tensor, String> names) {
    List<Value> ins = t.graph().inputs();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < ins.size(); i++) if (!t.captured().containsKey(ins.get(i))) order.add(i);
    for (String w : wanted)
      for (int i = 0; i < ins.size(); i++) {
        Tensor c = t.captured().get(ins.get(i));
        if (c != null && w.equals(names.get(c)) && !order.contains(i)) order.add(i);
      }
    for (int i = 0; i < ins.size(); i++) if (!order.contains(i)) order.add(i);
    return order;
  }
}
