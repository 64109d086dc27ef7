package dev.tcompile.codegen.aot;

import dev.tcompile.TorchException;
import dev.tcompile.codegen.Compiler;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.passes.Autodiff;
import dev.tcompile.runtime.NDArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A jar that also computes gradients ({@code tcompile compile --grad PARAMS}): the named inputs, and the named
 * constants (a frozen graph's weights, which become stored inputs), are differentiated. The program is the joint
 * graph: its inputs are the model's inputs then one gradient per output that takes one ({@code grad_<output>}; 1.0
 * for a scalar loss), its outputs the model's outputs then the gradient of each named parameter.
 */
public final class GradientArtifact {
  private GradientArtifact() {}

  public static ArtifactWriter.Summary write(Graph g, Map<Value, NDArray> weights, Set<String> params, Compiler compiler,
      Map<String, String> info, Path jar) {
    return write(g, weights, params, compiler, info, jar, "--grad");
  }

  /** As {@link #write(Graph, Map, Set, Compiler, Map, Path)}, errors starting with {@code who} (the option or API that asked). */
  public static ArtifactWriter.Summary write(Graph g, Map<Value, NDArray> weights, Set<String> params, Compiler compiler,
      Map<String, String> info, Path jar, String who) {
    Set<String> missing = new LinkedHashSet<>(params);
    Graph u = new Graph(g.name());
    Map<Value, Value> map = new IdentityHashMap<>();
    Map<Value, NDArray> bound = new IdentityHashMap<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < g.inputs().size(); i++) {
      Value in = g.inputs().get(i);
      names.add(in.name());
      Attrs a = g.inputAttrs(i);
      if (missing.remove(in.name())) a = a.with("requires_grad", true);
      Value v = u.addInput(in.name(), in.type(), a);
      map.put(in, v);
      if (weights.containsKey(in)) bound.put(v, weights.get(in));
    }
    // named constants first become inputs (after the graph's own), in graph order
    for (Node n : g.nodes())
      if (n.isConstant() && missing.remove(n.output().name())) {
        Value v = u.addInput(n.output().name(), n.output().type(), Attrs.of("requires_grad", true));
        map.put(n.output(), v);
        bound.put(v, n.payload());
      }
    if (!missing.isEmpty()) {
      for (Node n : g.nodes()) if (n.isConstant()) names.add(n.output().name());
      throw new TorchException(who + ": no input or constant named " + String.join(", ", missing) + "; the graph has " + String.join(", ", names));
    }
    for (Node n : g.nodes()) {
      if (map.containsKey(n.isConstant() ? n.output() : null)) continue;
      if (n.isConstant()) { map.put(n.output(), u.constant(n.payload(), n.output().name())); continue; }
      List<Value> ins = n.inputs().stream().map(map::get).toList();
      Value[] outs = u.add(n.op(), n.attrs(), ins, n.outputs().stream().map(Value::name).toList(), null);
      for (int o = 0; o < outs.length; o++) map.put(n.outputs().get(o), outs[o]);
    }
    u.setOutputs(g.outputs().stream().map(map::get).toList());
    boolean[] wrt = new boolean[u.inputs().size()];
    for (int i = 0; i < wrt.length; i++) wrt[i] = params.contains(u.inputs().get(i).name());
    Autodiff.Joint joint = compiler.gradientGraph(u, wrt);
    for (int i = 0; i < wrt.length; i++)
      if (wrt[i] && !joint.inputHasGrad()[i])
        throw new TorchException(who + ": the outputs do not depend on " + u.inputs().get(i).name());
    // passes keep the inputs in order: bind the stored ones by position
    Map<Value, NDArray> w = new IdentityHashMap<>();
    for (int i = 0; i < u.inputs().size(); i++) {
      NDArray a = bound.get(u.inputs().get(i));
      if (a != null) w.put(joint.graph().inputs().get(i), a);
    }
    Map<String, String> withGrads = new LinkedHashMap<>(info);
    withGrads.put("gradients", String.join(",", params));
    return ArtifactWriter.write(joint.graph(), w, withGrads, jar);
  }
}
