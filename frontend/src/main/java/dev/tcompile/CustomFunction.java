package dev.tcompile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code torch.autograd.Function} for Java: a forward computed without recording, and a hand-written backward.
 * <pre>
 * class MyExp extends CustomFunction {
 *   protected Tensor forward(FunctionCtx ctx, Tensor... x) { Tensor y = x[0].exp(); ctx.saveForBackward(y); return y; }
 *   protected Tensor[] backward(FunctionCtx ctx, Tensor... g) { return new Tensor[]{g[0].mul(ctx.savedTensors().get(0))}; }
 * }
 * Tensor y = new MyExp().apply(x);     // y.gradFn().name() is "MyExpBackward", as PyTorch prints it
 * </pre>
 * Override {@link #forward} for one output or {@link #forwardAll} for several. {@link #backward} gets one gradient
 * per output (zeros where none flowed, unless {@link FunctionCtx#setMaterializeGrads} turned that off) and returns
 * one per input (null for none). It runs with grad mode on under {@code createGraph}, so it is differentiable
 * again unless {@link #onceDifferentiable()} says otherwise. Non-tensor arguments go in fields or the ctx.
 * Inside {@code Torch.compile} a custom function is a graph break: that signature runs eagerly, with a warning.
 */
public abstract class CustomFunction {
  /** The single-output forward; runs under no-grad. */
  protected Tensor forward(FunctionCtx ctx, Tensor... inputs) {
    throw new TorchException(getClass().getSimpleName() + " must override forward or forwardAll");
  }

  /** The forward for several outputs (defaults to {@link #forward}). */
  protected Tensor[] forwardAll(FunctionCtx ctx, Tensor... inputs) { return new Tensor[]{forward(ctx, inputs)}; }

  /** Gradients of the inputs from gradients of the outputs: exactly one entry per input, null for none. */
  protected abstract Tensor[] backward(FunctionCtx ctx, Tensor... gradOutputs);

  /** PyTorch's {@code @once_differentiable}: differentiating the backward's results again raises an error. */
  protected boolean onceDifferentiable() { return false; }

  /** The node's name in {@code grad_fn}: the class name + "Backward", as PyTorch names it. */
  protected String name() {
    String n = getClass().getSimpleName();
    return (n.isEmpty() ? "CustomFunction" : n) + "Backward";
  }

  /** Runs the function on {@code inputs}; returns its first (usually only) output. */
  public final Tensor apply(Tensor... inputs) { return applyAll(inputs)[0]; }

  /** Runs the function; all outputs. */
  public final Tensor[] applyAll(Tensor... inputs) {
    for (int i = 0; i < inputs.length; i++)
      if (inputs[i] == null) throw new TorchException(name() + ": input " + i + " is null (pass non-tensor arguments through fields)");
    if (TraceHook.current() != null)
      throw new GraphBreak("custom autograd function " + getClass().getSimpleName() + " is not traced");
    boolean[] needs = new boolean[inputs.length];
    boolean any = false;
    if (GradMode.isEnabled())
      for (int i = 0; i < inputs.length; i++) { needs[i] = inputs[i].requiresGrad(); any |= needs[i]; }
    FunctionCtx ctx = new FunctionCtx(needs);
    ctx.recordInputShapes(inputs);
    Tensor[] outs;
    try (GradGuard g = Torch.noGrad()) {
      outs = forwardAll(ctx, inputs);
    }
    if (outs == null || outs.length == 0) throw new TorchException(name() + ": forward returned no tensors");
    for (int i = 0; i < outs.length; i++) if (outs[i] == null) throw new TorchException(name() + ": forward returned null output " + i);
    outs = outs.clone();
    Set<Tensor> inputSet = identitySet(inputs);
    if (!any) {
      for (int i = 0; i < outs.length; i++) if (inputSet.contains(outs[i]) && !ctx.dirty.contains(outs[i])) outs[i] = outs[i].detach();
      for (Tensor d : ctx.dirty) d.versionCounter().bump();
      ctx.freeze(outs, null);
      return outs;
    }
    GradFn.Edge[] next = new GradFn.Edge[inputs.length];
    for (int i = 0; i < inputs.length; i++) if (needs[i]) next[i] = inputs[i].gradEdge();
    CustomNode node = new CustomNode(this, ctx, next, outs.length);
    for (Tensor d : ctx.dirty) {
      if (!inputSet.contains(d)) throw new TorchException(name() + ": markDirty was given a tensor that is not an input");
      if (d.isLeaf() && d.requiresGrad())
        throw new TorchException("a leaf Variable that requires grad has been used in an in-place operation.");
      if (d.viewBase() != null && d.requiresGrad())
        throw new TorchException(name() + ": markDirty on a view that requires grad is not supported");
    }
    for (int i = 0; i < outs.length; i++) {
      Tensor o = outs[i];
      boolean dirty = ctx.dirty.contains(o);
      boolean markedNonDifferentiable = ctx.nonDifferentiable.contains(o); // before an input is replaced by its alias
      if (inputSet.contains(o) && !dirty) o = outs[i] = o.detach(); // an input returned as is: an alias with new history
      boolean differentiable = o.dtype().isFloatingPoint() && !markedNonDifferentiable;
      if (differentiable) o.setHistory(node, i);
      else node.nonDifferentiable[i] = true;
    }
    for (Tensor d : ctx.dirty) if (!Arrays.asList(outs).contains(d))
      throw new TorchException(name() + ": a tensor marked dirty must be returned by forward");
    for (Tensor d : ctx.dirty) d.versionCounter().bump(); // PyTorch bumps a dirty tensor's version once more
    ctx.freeze(outs, node);
    return outs;
  }

  private static Set<Tensor> identitySet(Tensor[] ts) {
    Set<Tensor> s = Collections.newSetFromMap(new IdentityHashMap<>());
    s.addAll(Arrays.asList(ts));
    return s;
  }

  /** The autograd node of one call: runs the user's backward. */
  static final class CustomNode extends GradFn {
    private final CustomFunction fn;
    private final FunctionCtx ctx;
    private final int numOutputs;
    final boolean[] nonDifferentiable;

    CustomNode(CustomFunction fn, FunctionCtx ctx, Edge[] next, int numOutputs) {
      super(next);
      this.fn = fn;
      this.ctx = ctx;
      this.numOutputs = numOutputs;
      this.nonDifferentiable = new boolean[numOutputs];
    }

    @Override public String name() { return fn.name(); }

    /** Python prints a custom function's node with the module PyTorch creates its class in. */
    @Override public String toString() { return "<torch.autograd.function." + name() + " object>"; }

    @Override int numOutputs() { return numOutputs; }

    @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
      Tensor[] g = new Tensor[numOutputs];
      for (int i = 0; i < numOutputs; i++) {
        g[i] = gradOutputs.get(i);
        if (g[i] == null && ctx.materializeGrads) g[i] = ctx.zerosForOutput(i);
      }
      // as @once_differentiable: results get an erroring history only when grad mode is on and a gradient requires grad
      boolean createGraph = GradMode.isEnabled() && java.util.Arrays.stream(g).anyMatch(t -> t != null && t.requiresGrad());
      Tensor[] grads;
      if (fn.onceDifferentiable()) {
        try (GradGuard off = Torch.noGrad()) { grads = fn.backward(ctx, g); }
      } else {
        grads = fn.backward(ctx, g);
      }
      if (grads == null || grads.length != next.length)
        throw new TorchException("function " + name() + " returned an incorrect number of gradients (expected " + next.length
            + ", got " + (grads == null ? 0 : grads.length) + ")");
      List<Tensor> out = new ArrayList<>(grads.length);
      for (int i = 0; i < grads.length; i++) {
        Tensor gr = grads[i];
        if (gr == null || next[i] == null) { out.add(null); continue; }
        gr = validate(i, gr);
        if (fn.onceDifferentiable() && createGraph) gr = DelayedError.wrap(gr);
        out.add(gr);
      }
      return out;
    }

    /** PyTorch's validate_outputs: a gradient that broadcasts to the input is summed down; any other shape is an error. */
    private Tensor validate(int i, Tensor gr) {
      int[] want = ctx.inputShape(i), got = gr.shapeArray();
      if (Arrays.equals(want, got)) return gr;
      if (!expandable(want, got))
        throw new TorchException("Function " + name() + " returned an invalid gradient at index " + i + " - got "
            + dev.tcompile.runtime.Shapes.str(got) + " but expected shape compatible with " + dev.tcompile.runtime.Shapes.str(want));
      return EagerAlgebra.INSTANCE.sumTo(gr, want);
    }

    private static boolean expandable(int[] shape, int[] target) {
      if (shape.length > target.length) return false;
      for (int k = 0; k < shape.length; k++) {
        int s = shape[shape.length - 1 - k], t = target[target.length - 1 - k];
        if (s != t && s != 1) return false;
      }
      return true;
    }

    @Override void release() { ctx.release(); }
  }

  /** The history of a once-differentiable function's gradients: differentiating them again is an error. */
  static final class DelayedError extends GradFn {
    private DelayedError() { super(new Edge[0]); }

    static Tensor wrap(Tensor g) {
      Tensor t = g.detach();
      t.setHistory(new DelayedError(), 0);
      return t;
    }

    @Override public String name() { return "DelayedError"; }
    @Override int numOutputs() { return 1; }
    @Override List<Tensor> apply(List<Tensor> gradOutputs, boolean[] needed) {
      throw new TorchException("trying to differentiate twice a function that was marked with @once_differentiable");
    }
  }

  static Map<Tensor, Integer> indexOf(Tensor[] ts) {
    Map<Tensor, Integer> m = new IdentityHashMap<>();
    for (int i = 0; i < ts.length; i++) m.putIfAbsent(ts[i], i);
    return m;
  }
}
