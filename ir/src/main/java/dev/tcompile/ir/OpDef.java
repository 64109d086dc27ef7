package dev.tcompile.ir;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;

/**
 * Everything tcompile knows about one op, in one place (DESIGN.md principle 1): its name, its shape/dtype
 * rule, its eager kernel, and its derivative rule. The eager autograd, the tracer, the symbolic autodiff
 * pass and the interpreter all read this one definition; the derivative is written once against
 * {@link Algebra}, which eager tensors and IR graph builders both implement.
 */
public abstract class OpDef {
  private final String name;

  protected OpDef(String name) { this.name = name; }

  /** The IR spelling, e.g. {@code add}, {@code conv2d_backward_input}. */
  public final String name() { return name; }

  /** Number of inputs, or -1 for variadic ops (cat, stack). */
  public abstract int arity();

  public int numOutputs(Attrs attrs) { return 1; }

  /** The shape and dtype rule. Throws {@link TorchException} with PyTorch's message for bad input. */
  public abstract TensorType[] infer(Attrs attrs, TensorType... in);

  /** The eager kernel: computes the outputs (view ops return aliases of input 0). */
  public abstract NDArray[] eval(Attrs attrs, NDArray... in);

  /**
   * Whether {@link #evalInto} can write the outputs into buffers the caller gives (the memory plan then places
   * them in reused buffers, and a compiled program can write them straight into a caller's tensors).
   */
  public boolean writesInto() { return false; }

  /**
   * {@link #eval}, writing output {@code o} into {@code out[o]} where that is non-null: a dense array (offset 0,
   * contiguous) of the output's type that aliases no input. Returns the outputs ({@code out[o]} where given).
   */
  public NDArray[] evalInto(Attrs attrs, NDArray[] out, NDArray... in) { return eval(attrs, in); }

  /**
   * The reverse-mode rule: calls {@code v.setGrad(i, g)} for each input whose {@code v.needsGrad(i)}.
   * Default: the op has no derivative (PyTorch's "not implemented" for that op).
   */
  public <T> void vjp(Vjp<T> v) {
    throw new TorchException("derivative for " + name + " is not implemented");
  }

  /**
   * True when the op is pointwise on these input types and {@link #body} describes it: each output element is a
   * function of the input elements at the same (broadcast) position, in float32 or bool. Fusion groups such ops
   * into one loop; "is this op pointwise?" means "does it have a body here?".
   */
  public boolean hasBody(Attrs attrs, TensorType... in) { return false; }

  /**
   * The op's element function, written once against {@link PointwiseOps} (only where {@link #hasBody} holds).
   * Its result must equal {@link #eval} element for element (the tests run every body against the kernel).
   */
  public <E> E body(PointwiseOps<E> ops, Attrs attrs, java.util.List<E> in) {
    throw new TorchException(name + " has no pointwise body");
  }

  /** Whether the op has a derivative with respect to input {@code i} (integer inputs never do). */
  public boolean differentiable(int input) { return false; }

  /** Inputs the derivative reads (the eager autograd saves exactly these, and checks their versions). */
  public boolean savesInput(Attrs attrs, int i) { return false; }

  /** Outputs the derivative reads. */
  public boolean savesOutput(Attrs attrs, int i) { return false; }

  /** True when output 0 is a view of input 0 (shares its storage and version counter). */
  public boolean isView() { return false; }

  /** True when the op draws random numbers (never merged by CSE; a seed attribute makes it replayable). */
  public boolean isRandom() { return false; }

  /** PyTorch's autograd node name for this op: {@code AddBackward0}. */
  public String gradFnName(Attrs attrs) { return camel(name) + "Backward0"; }

  /** Validates the number of inputs, with the op's name in the message. */
  protected final void checkArity(TensorType[] in) {
    int a = arity();
    if (a >= 0 && in.length != a)
      throw new TorchException(name + "() expected " + a + " input" + (a == 1 ? "" : "s") + " but got " + in.length);
  }

  protected static String camel(String snake) {
    StringBuilder sb = new StringBuilder();
    for (String part : snake.split("_")) {
      if (part.isEmpty()) continue;
      sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return sb.toString();
  }

  @Override public String toString() { return name; }
}
