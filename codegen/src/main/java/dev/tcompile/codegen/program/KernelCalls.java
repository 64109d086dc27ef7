package dev.tcompile.codegen.program;

import static dev.tcompile.codegen.program.KernelCall.in;
import static dev.tcompile.codegen.program.KernelCall.out;
import static dev.tcompile.codegen.program.KernelCall.register;
import static dev.tcompile.codegen.program.KernelCall.registers;

import dev.tcompile.DType;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.ops.Convolution;
import dev.tcompile.ir.ops.Pooling;
import dev.tcompile.ir.ops.Reductions;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.compiled.ViewKernels;
import dev.tcompile.runtime.kernels.AdaptivePool2d;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.Conv2d;
import dev.tcompile.runtime.kernels.DoubleConv2d;
import dev.tcompile.runtime.kernels.DoublePointwise;
import dev.tcompile.runtime.kernels.DoublePad;
import dev.tcompile.runtime.kernels.DoublePool2d;
import dev.tcompile.runtime.kernels.Losses;
import dev.tcompile.runtime.kernels.Matmul;
import dev.tcompile.runtime.kernels.NllLogSoftmaxBackward;
import dev.tcompile.runtime.kernels.Pad;
import dev.tcompile.runtime.kernels.Pointwise;
import dev.tcompile.runtime.kernels.Pool2d;
import dev.tcompile.runtime.kernels.Reduce;
import dev.tcompile.runtime.kernels.Softmax;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.lang.reflect.Method;

/**
 * Which runtime kernel a node's op calls, with its attributes resolved at compile time: the same static call, with
 * the same arguments, as the op's {@code eval} makes, so a generated program computes exactly what the interpreter
 * does. Ops not listed here return null: in-process they run through a handle to their {@code eval}, and a
 * program for a jar refuses them.
 */
public final class KernelCalls {
  private KernelCalls() {}

  /** The op names this class turns into direct calls (for documentation and tests). */
  public static final java.util.Set<String> COVERED = java.util.Set.of("conv2d", "conv2d_backward_input", "conv2d_backward_weight",
      "max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward", "adaptive_avg_pool2d", "adaptive_avg_pool2d_backward",
      "pad", "pad_backward", "reshape", "permute", "addmm", "mm", "log_softmax", "softmax", "log_softmax_backward",
      "softmax_backward", "nll_loss", "nll_loss_backward", "nll_log_softmax_backward", "sum", "mean", "amax", "amin", "(elementwise unary ops: relu, exp, tanh, ...)");

  private static final Class<NDArray> A = NDArray.class;

  /**
   * The ops with a direct call for float64 inputs too, besides the elementwise ops: the runtime kernel's float64
   * branch, or for convolution and max pooling the double kernel (DoubleConv2d, DoublePool2d), whichever their eval
   * takes (same bits). The others (avg pooling, the fused loss backward...) get no direct call for float64.
   */
  private static final java.util.Set<String> FLOAT64_TOO = java.util.Set.of("conv2d", "conv2d_backward_input",
      "conv2d_backward_weight", "max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward", "adaptive_avg_pool2d",
      "adaptive_avg_pool2d_backward", "pad", "pad_backward", "reshape", "permute", "addmm", "mm", "log_softmax",
      "softmax", "log_softmax_backward", "softmax_backward", "nll_loss", "nll_loss_backward", "sum", "mean", "amax", "amin");
  // and the arithmetic binary ops ({@link #doubleBinary}), which are fused when float32

  /** The call for {@code n}, or null when its op is not covered (or not for these dtypes). */
  public static KernelCall of(Node n) {
    Attrs a = n.attrs();
    TensorType[] t = n.inputs().stream().map(v -> v.type()).toArray(TensorType[]::new);
    boolean f64 = false, bool = false;
    for (TensorType x : t) {
      if (x.dtype() == DType.FLOAT64) f64 = true;
      else if (x.dtype() == DType.BOOL) bool = true;
      else if (x.dtype() != DType.FLOAT32 && x.dtype() != DType.INT64) return null;
    }
    if (bool && !f64) return null;
    if (f64) {
      for (TensorType x : t) if (x.dtype() == DType.FLOAT32) return null;   // mixed float dtypes: the op's own promotion
      for (Value v : n.outputs()) if (v.type().dtype() == DType.FLOAT32) return null;
      if (isBinary(n)) return doubleBinary(n);
      if (n.op().name().equals("where"))   // as its eval: the operands' result type
        return call(Pointwise.class, "where", new Class<?>[]{A, A, A, DType.class}, in(0), in(1), in(2),
            DType.resultType(t[1].dtype(), t[1].dim() == 0, t[2].dtype(), t[2].dim() == 0));
      if (!FLOAT64_TOO.contains(n.op().name()) && !isUnary(n)) return null;
    }
    int ni = t.length;
    return switch (n.op().name()) {
      // convolutions write into the memory plan's (or a caller's) buffer, as their evalInto does
      case "conv2d" -> floats(t, 0, 1) && (ni == 2 || ni == 3) ? call(f64 ? DoubleConv2d.class : Conv2d.class, "forward", new Class<?>[]{A, A, A, Conv2d.Params.class, boolean.class, A},
          in(0), in(1), ni == 3 ? in(2) : null, Convolution.params(a), a.getBool("relu", false), out(0)) : null;
      case "conv2d_backward_input" -> floats(t, 0, 1) ? call(f64 ? DoubleConv2d.class : Conv2d.class, "backwardInput", new Class<?>[]{A, A, int[].class, Conv2d.Params.class, A},
          in(0), in(1), a.getInts("input_shape"), Convolution.params(a), out(0)) : null;
      case "conv2d_backward_weight" -> floats(t, 0, 1) ? call(f64 ? DoubleConv2d.class : Conv2d.class, "backwardWeight", new Class<?>[]{A, A, int[].class, Conv2d.Params.class, A},
          in(0), in(1), a.getInts("weight_shape"), Convolution.params(a), out(0)) : null;
      // pooling writes into the memory plan's (or a caller's) buffers, as its evalInto does
      // (float32: straight into the program's registers, so a warm call allocates no result pair)
      case "max_pool2d" -> !floats(t, 0) ? null : f64
          ? call(DoublePool2d.class, "maxForward", new Class<?>[]{A, Pool2d.Params.class, A, A}, in(0), Pooling.params(a), out(0), out(1))
          : call(Pool2d.class, "maxForwardInto", new Class<?>[]{A, Pool2d.Params.class, A, A, NDArray[].class, int.class, int.class},
              in(0), Pooling.params(a), out(0), out(1), registers(), register(0), register(1));
      case "max_pool2d_backward" -> floats(t, 0) ? call(f64 ? DoublePool2d.class : Pool2d.class, "maxBackward", new Class<?>[]{A, A, int[].class, A},
          in(0), in(1), a.getInts("input_shape"), out(0)) : null;
      // average pooling allocates its result, as its eval does
      case "avg_pool2d" -> floats(t, 0) ? call(f64 ? DoublePool2d.class : Pool2d.class, "avgForward", new Class<?>[]{A, Pool2d.Params.class, boolean.class},
          in(0), Pooling.params(a), a.getBool("count_include_pad")) : null;
      case "avg_pool2d_backward" -> floats(t, 0) ? call(f64 ? DoublePool2d.class : Pool2d.class, "avgBackward",
          new Class<?>[]{A, int[].class, Pool2d.Params.class, boolean.class}, in(0), a.getInts("input_shape"), Pooling.params(a),
          a.getBool("count_include_pad")) : null;
      case "adaptive_avg_pool2d" -> floats(t, 0) ? (f64
          ? call(DoublePool2d.class, "adaptiveAvgForward", new Class<?>[]{A, int.class, int.class}, in(0), a.getInts("output_size")[0], a.getInts("output_size")[1])
          : call(AdaptivePool2d.class, "avgForward", new Class<?>[]{A, int.class, int.class}, in(0), a.getInts("output_size")[0], a.getInts("output_size")[1])) : null;
      case "adaptive_avg_pool2d_backward" -> floats(t, 0) ? call(f64 ? DoublePool2d.class : AdaptivePool2d.class,
          f64 ? "adaptiveAvgBackward" : "avgBackward", new Class<?>[]{A, int[].class}, in(0), a.getInts("input_shape")) : null;
      // padding allocates its result, as its eval does
      case "pad" -> floats(t, 0) ? call(f64 ? DoublePad.class : Pad.class, "forward", new Class<?>[]{A, int[].class, Pad.Mode.class, double.class},
          in(0), a.getInts("pad"), Pad.Mode.of(a.getString("mode")), a.getDouble("value", 0)) : null;
      case "pad_backward" -> floats(t, 0) ? call(f64 ? DoublePad.class : Pad.class, "backward", new Class<?>[]{A, int[].class, Pad.Mode.class, int[].class},
          in(0), a.getInts("pad"), Pad.Mode.of(a.getString("mode")), a.getInts("input_shape")) : null;
      // views: through a cache of the node's own, as the program sees the same arrays call after call
      case "reshape" -> call(ViewKernels.class, "reshape", new Class<?>[]{ViewKernels.Cache.class, A, int[].class},
          new ViewKernels.Cache(), in(0), Shapes.inferSize(a.getInts("shape"), (int) t[0].numel()));
      case "permute" -> call(ViewKernels.class, "permute", new Class<?>[]{ViewKernels.Cache.class, A, int[].class},
          new ViewKernels.Cache(), in(0), permutation(a, t[0].dim()));
      // the matrix products write into the memory plan's (or a caller's) buffer, as their evalInto does
      case "addmm" -> floats(t, 0, 1, 2) ? call(Matmul.class, "addmm", new Class<?>[]{A, A, A, A}, in(0), in(1), in(2), out(0)) : null;
      case "mm" -> floats(t, 0, 1) ? call(Matmul.class, "mm", new Class<?>[]{A, A, A}, in(0), in(1), out(0)) : null;
      // softmax writes into the memory plan's (or a caller's) buffer, as its evalInto does
      case "log_softmax", "softmax" -> floats(t, 0) ? call(Softmax.class, "forward", new Class<?>[]{A, int.class, boolean.class, A},
          in(0), Shapes.wrapDim(a.getInt("dim"), t[0].dim()), n.op().name().startsWith("log"), out(0)) : null;
      case "log_softmax_backward", "softmax_backward" -> floats(t, 0, 1) ? call(Softmax.class, "backward", new Class<?>[]{A, A, int.class, boolean.class},
          in(0), in(1), Shapes.wrapDim(a.getInt("dim"), t[1].dim()), n.op().name().startsWith("log")) : null;
      case "nll_loss" -> floats(t, 0) ? call(Losses.class, "nllForward", new Class<?>[]{A, A, A, Losses.Reduction.class, long.class},
          in(0), in(1), ni == 3 ? in(2) : null, Losses.Reduction.of(a.getString("reduction")), a.getLong("ignore_index")) : null;
      case "nll_loss_backward" -> floats(t, 0) ? call(Losses.class, "nllBackward", new Class<?>[]{A, A, A, Losses.Reduction.class, long.class, int[].class},
          in(0), in(1), ni == 3 ? in(2) : null, Losses.Reduction.of(a.getString("reduction")), a.getLong("ignore_index"), a.getInts("input_shape")) : null;
      case "nll_log_softmax_backward" -> floats(t, 0, 2) ? call(NllLogSoftmaxBackward.class, "run",
          new Class<?>[]{A, A, A, Losses.Reduction.class, long.class, A}, in(0), in(1), in(2), Losses.Reduction.of(a.getString("reduction")),
          a.getLong("ignore_index"), out(0)) : null;
      // sum and mean write into the memory plan's (or a caller's) buffer, as their evalInto does
      case "sum", "mean" -> floats(t, 0) ? call(Reduce.class, "reduce", new Class<?>[]{Reduce.Kind.class, A, boolean[].class, boolean.class, A},
          Reduce.Kind.valueOf(n.op().name().toUpperCase(java.util.Locale.ROOT)), in(0), Reductions.reducedDims(a, t[0].dim()),
          a.getBool("keepdim", false), out(0)) : null;
      case "amax", "amin" -> floats(t, 0) ? call(Reduce.class, "reduce", new Class<?>[]{Reduce.Kind.class, A, boolean[].class, boolean.class},
          Reduce.Kind.valueOf(n.op().name().toUpperCase(java.util.Locale.ROOT)), in(0), Reductions.reducedDims(a, t[0].dim()),
          a.getBool("keepdim", false)) : null;
      default -> unary(n);
    };
  }

  /** The elementwise unary ops (relu, exp, tanh, ...): their eval is Pointwise.unary of the op named alike. */
  private static boolean isBinary(Node n) { return n.op().getClass().getName().equals("dev.tcompile.ir.ops.Elementwise$Binary"); }

  /**
   * A float64 binary elementwise op (float32 ones are fused), as its eval computes it: {@code add}/{@code sub} with
   * alpha as one fused multiply-add ({@code DoublePointwise.addAlpha}), the rest (comparisons too) through
   * {@code Pointwise.binary} in float64.
   */
  private static KernelCall doubleBinary(Node n) {
    BinaryOp k = BinaryOp.valueOf(n.op().name().toUpperCase(java.util.Locale.ROOT));
    if (k.isLogical()) return null;
    Attrs a = n.attrs();
    if (a.has("alpha"))
      return call(DoublePointwise.class, "addAlpha", new Class<?>[]{A, A, double.class}, in(0), in(1),
          k == BinaryOp.SUB ? -a.getDouble("alpha") : a.getDouble("alpha"));
    return call(Pointwise.class, "binary", new Class<?>[]{BinaryOp.class, A, A, DType.class}, k, in(0), in(1), DType.FLOAT64);
  }

  private static boolean isUnary(Node n) { return n.op().getClass().getName().equals("dev.tcompile.ir.ops.Elementwise$Unary"); }

  private static KernelCall unary(Node n) {
    if (!isUnary(n)) return null;
    UnaryOp k = UnaryOp.valueOf(n.op().name().toUpperCase(java.util.Locale.ROOT));
    return call(Pointwise.class, "unary", new Class<?>[]{UnaryOp.class, A}, k, in(0));
  }

  /** Whether inputs {@code which} are floating point (float32, or float64 for the ops in {@link #FLOAT64_TOO}). */
  private static boolean floats(TensorType[] t, int... which) {
    for (int i : which) if (i >= t.length || t[i].dtype() != DType.FLOAT32 && t[i].dtype() != DType.FLOAT64) return false;
    return true;
  }

  /** permute's dims wrapped into [0, nd), as its eval wraps them (the graph was checked: a permutation). */
  private static int[] permutation(Attrs a, int nd) {
    int[] d = a.getInts("dims").clone();
    for (int i = 0; i < d.length; i++) d[i] = Shapes.wrapDim(d[i], nd);
    return d;
  }

  private static KernelCall call(Class<?> owner, String name, Class<?>[] params, Object... args) {
    try {
      Method m = owner.getMethod(name, params);
      return new KernelCall(m, args);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("the runtime has no " + owner.getSimpleName() + "." + name, e);
    }
  }
}
