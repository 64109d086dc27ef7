package dev.tcompile.ir;

import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The context a derivative rule runs in: saved values, static types, incoming gradients, and where to put
 * the gradient of each input. Eager autograd and the autodiff pass each build one over their own values.
 */
public final class Vjp<T> {
  private final Algebra<T> alg;
  private final OpDef op;
  private final Attrs attrs;
  private final TensorType[] inTypes, outTypes;
  private final IntFunction<T> inputs, outputs;
  private final List<T> gradOutputs;
  private final boolean[] needs;
  private final List<T> grads;

  public Vjp(Algebra<T> alg, OpDef op, Attrs attrs, TensorType[] inTypes, TensorType[] outTypes,
             IntFunction<T> savedInputs, IntFunction<T> savedOutputs, List<T> gradOutputs, boolean[] needsGrad) {
    this.alg = alg;
    this.op = op;
    this.attrs = attrs;
    this.inTypes = inTypes;
    this.outTypes = outTypes;
    this.inputs = savedInputs;
    this.outputs = savedOutputs;
    this.gradOutputs = gradOutputs;
    this.needs = needsGrad;
    this.grads = new ArrayList<>(Arrays.asList(newArray(inTypes.length)));
  }

  @SuppressWarnings("unchecked")
  private static <T> T[] newArray(int n) { return (T[]) new Object[n]; }

  public Algebra<T> alg() { return alg; }
  public Attrs attrs() { return attrs; }
  public int numInputs() { return inTypes.length; }
  public TensorType inType(int i) { return inTypes[i]; }
  public TensorType outType(int i) { return outTypes[i]; }
  public int[] inShape(int i) { return inTypes[i].shape(); }
  public boolean needsGrad(int i) { return needs[i]; }

  /** A saved input; the op must declare it in {@link OpDef#savesInput}. */
  public T input(int i) {
    if (!op.savesInput(attrs, i)) throw new IllegalStateException(op.name() + " reads input " + i + " it does not save");
    return inputs.apply(i);
  }

  public T output(int i) {
    if (!op.savesOutput(attrs, i)) throw new IllegalStateException(op.name() + " reads output " + i + " it does not save");
    return outputs.apply(i);
  }

  /** The gradient flowing into output {@code i}; zeros of the output's type when none flowed. */
  public T gradOut(int i) {
    T g = gradOutputs.get(i);
    return g != null ? g : alg.zeros(outTypes[i]);
  }

  /** Whether a gradient flowed into output {@code i} at all. */
  public boolean hasGradOut(int i) { return gradOutputs.get(i) != null; }

  public void setGrad(int i, T grad) {
    if (!needs[i]) return;
    TensorType want = inTypes[i], got = alg.type(grad);
    if (!Arrays.equals(want.shape(), got.shape()))
      throw new TorchException("Function " + op.gradFnName(attrs) + " returned an invalid gradient at index " + i
          + " - got " + dev.tcompile.runtime.Shapes.str(got.shape()) + " but expected shape compatible with "
          + dev.tcompile.runtime.Shapes.str(want.shape()));
    grads.set(i, grad);
  }

  public List<T> grads() { return grads; }
}
