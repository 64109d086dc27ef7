package dev.tcompile.passes;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphAlgebra;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.ir.Vjp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode autodiff on the IR. Builds the joint graph — the forward nodes followed by the backward nodes that
 * each op's derivative rule ({@code OpDef.vjp}, the very rule eager autograd runs) emits through a
 * {@link GraphAlgebra} — walking the forward nodes in reverse and summing gradients where values fan out.
 * Only values that depend on an input needing a gradient get one (dead-grad elimination): nothing is built for
 * inputs that do not require grad, and intermediates' gradients are temporaries DCE removes once used.
 */
public final class Autodiff {
  private Autodiff() {}

  /**
   * The joint graph. Inputs: the forward inputs, then one gradient per floating-point forward output that
   * depends on an input with {@code wrt[i]} ({@link Joint#outputTakesGrad} says which)
   * (named {@code grad_<output>}). Outputs: the forward outputs, then the gradient of each input with
   * {@code wrt[i]} that the outputs depend on ({@link Joint#inputHasGrad} says which).
   */
  public record Joint(Graph graph, int numForwardNodes, int numForwardOutputs, boolean[] outputTakesGrad, boolean[] inputHasGrad) {}

  public static Joint joint(Graph fwd, boolean[] wrt) {
    if (wrt.length != fwd.inputs().size())
      throw new IllegalArgumentException("wrt has " + wrt.length + " flags for " + fwd.inputs().size() + " inputs");
    GraphCopier c = new GraphCopier(fwd.name() + "_joint").withInputsOf(fwd);
    Graph j = c.target;
    for (Node n : fwd.nodes()) c.copy(n);
    int nF = j.nodes().size();

    Set<Value> requiresGrad = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < wrt.length; i++) if (wrt[i]) requiresGrad.add(j.inputs().get(i));
    List<Node> forwardNodes = j.nodes().subList(0, nF);
    for (Node n : forwardNodes) {
      boolean any = false;
      for (int i = 0; i < n.inputs().size() && !n.isConstant(); i++)
        any |= requiresGrad.contains(n.inputs().get(i)) && n.op().differentiable(i);
      if (any) for (Value v : n.outputs()) if (v.type().dtype().isFloatingPoint()) requiresGrad.add(v);
    }

    // an output takes a gradient only when it depends on an input that requires one (as in eager, where
    // such an output has requires_grad=false and no grad_fn)
    boolean[] takesGrad = new boolean[fwd.outputs().size()];
    Map<Value, Value> grads = new IdentityHashMap<>();
    for (int i = 0; i < takesGrad.length; i++) {
      Value out = c.get(fwd.outputs().get(i));
      takesGrad[i] = out.type().dtype().isFloatingPoint() && requiresGrad.contains(out);
      if (takesGrad[i]) accumulate(grads, out, j.addInput("grad_" + out.name(), out.type()), j);
    }

    GraphAlgebra alg = new GraphAlgebra(j);
    List<Node> snapshot = new ArrayList<>(forwardNodes);
    for (int k = snapshot.size() - 1; k >= 0; k--) {
      Node n = snapshot.get(k);
      if (n.isConstant()) continue;
      List<Value> gradOuts = new ArrayList<>();
      boolean anyGrad = false;
      for (Value v : n.outputs()) { Value g = grads.get(v); gradOuts.add(g); anyGrad |= g != null; }
      if (!anyGrad) continue;
      boolean[] needs = new boolean[n.inputs().size()];
      boolean anyNeed = false;
      for (int i = 0; i < needs.length; i++) {
        needs[i] = requiresGrad.contains(n.inputs().get(i)) && n.op().differentiable(i);
        anyNeed |= needs[i];
      }
      if (!anyNeed) continue;
      TensorType[] inT = n.inputs().stream().map(Value::type).toArray(TensorType[]::new);
      TensorType[] outT = n.outputs().stream().map(Value::type).toArray(TensorType[]::new);
      Vjp<Value> v = new Vjp<>(alg, n.op(), n.attrs(), inT, outT, i -> n.inputs().get(i), i -> n.outputs().get(i), gradOuts, needs);
      n.op().vjp(v);
      for (int i = 0; i < needs.length; i++) {
        Value g = v.grads().get(i);
        // as eager autograd (PyTorch's validate_outputs): a gradient takes its input's dtype (float32 input, float64 result)
        if (g != null && g.type().dtype() != inT[i].dtype() && inT[i].dtype().isFloatingPoint()) g = alg.cast(g, inT[i].dtype());
        if (g != null && needs[i]) accumulate(grads, n.inputs().get(i), g, j);
      }
    }

    List<Value> outs = new ArrayList<>();
    for (Value v : fwd.outputs()) outs.add(c.get(v));
    boolean[] hasGrad = new boolean[wrt.length];
    for (int i = 0; i < wrt.length; i++) {
      Value g = wrt[i] ? grads.get(j.inputs().get(i)) : null;
      if (g != null) { outs.add(g); hasGrad[i] = true; }
    }
    j.setOutputs(outs);
    return new Joint(Verifier.verify(j), nF, fwd.outputs().size(), takesGrad, hasGrad);
  }

  private static void accumulate(Map<Value, Value> grads, Value target, Value g, Graph j) {
    Value prev = grads.get(target);
    grads.put(target, prev == null ? g : new GraphAlgebra(j).add(prev, g));
  }

  /**
   * Forward and backward graphs split out of the joint one. The forward graph returns its outputs followed by
   * the {@code numSaved} values backward needs; the backward graph takes those saved values followed by one
   * gradient per output that takes one, and returns the gradients the joint graph returns.
   */
  public record Split(Graph forward, Graph backward, int numSaved, boolean[] outputTakesGrad, boolean[] inputHasGrad,
                      long savedBytesWithoutRemat, long savedBytes) {}

  public static Split split(Graph fwd, boolean[] wrt) { return split(fwd, wrt, false); }

  /** With {@code remat}, cheap pointwise values are recomputed in backward where that saves fewer bytes. */
  public static Split split(Graph fwd, boolean[] wrt, boolean remat) { return Partitioner.partition(joint(fwd, wrt), remat); }

  static boolean[] copy(boolean[] a) { return Arrays.copyOf(a, a.length); }
}
