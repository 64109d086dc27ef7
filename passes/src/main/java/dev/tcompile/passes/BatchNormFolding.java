package dev.tcompile.passes;

import dev.tcompile.DType;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.ir.ops.Convolution;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.ir.ops.LinearAlgebra;
import dev.tcompile.ir.ops.Normalization;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds an eval-mode batch norm whose weight, bias and running statistics are constants (frozen weights,
 * {@link InputsAsConstants}) into the convolution (or Linear's {@code addmm}/{@code mm}) that feeds it when that
 * layer's weight and bias are constants too: {@code bn(conv(x, W, b))} becomes {@code conv(x, W', b')} with PyTorch's
 * {@code fuse_conv_bn_eval} formula, {@code s = bn_w * rsqrt(running_var + eps)}, {@code W' = W * s} per output
 * channel, {@code b' = (b - running_mean) * rsqrt(running_var + eps) * bn_w + bn_b}; the result differs from the two
 * ops only by float rounding (the scale is applied to the weights instead of the sums). A batch norm with constant
 * statistics that cannot join a layer (none before it, the layer's output read elsewhere, its weight an input)
 * becomes the per-channel multiply-add its eval kernel computes, {@code x * alpha + beta} with the kernel's own
 * {@code alpha} and {@code beta} (the same bits), which fusion joins to its neighbours and jars can run. Statistics
 * that are not constants leave the batch norm as it is. Every decision is a note.
 */
public final class BatchNormFolding implements Pass {
  private final List<String> notes = new ArrayList<>();

  @Override public String name() { return "bnfold"; }

  @Override public List<String> notes() { return List.copyOf(notes); }

  /** What replaces a layer and its batch norm: the new weight and bias. */
  private record Folded(Node layer, NDArray weight, NDArray bias) {}

  /** The constant inputs of an eval-mode batch norm (weight and bias null without affine) and its eps. */
  private record Stats(NDArray weight, NDArray bias, NDArray mean, NDArray var, double eps) {}

  @Override public Graph run(Graph g) {
    notes.clear();
    Map<Value, Integer> uses = Uses.count(g);
    Map<Node, Folded> byNorm = new IdentityHashMap<>();
    Map<Node, Folded> byLayer = new IdentityHashMap<>();
    Map<Node, Stats> affine = new IdentityHashMap<>();
    for (Node n : g.nodes()) {
      if (n.isConstant() || n.op() != Normalization.NATIVE_BATCH_NORM || n.attrs().getBool("training")) continue;
      Stats st = stats(n, uses);
      if (st == null) continue;
      Folded f = fold(n, st, uses);
      if (f != null) {
        byNorm.put(n, f);
        byLayer.put(f.layer(), f);
      } else {
        affine.put(n, st);
      }
    }
    if (byNorm.isEmpty() && affine.isEmpty()) return g;
    GraphCopier c = new GraphCopier(g.name()).withInputsOf(g);
    for (Node n : g.nodes()) {
      if (byLayer.containsKey(n)) continue;   // emitted where its batch norm was
      String y = n.isConstant() ? null : n.output().name();
      Folded f = byNorm.get(n);
      if (f != null) {
        Node layer = f.layer();
        Value x = c.get(layer.op() == Convolution.CONV2D ? layer.inputs().get(0) : layer.inputs().get(layer.op() == LinearAlgebra.MM ? 0 : 1));
        Value w = c.target.constant(f.weight(), y + ".folded_weight"), b = c.target.constant(f.bias(), y + ".folded_bias");
        Value out = layer.op() == Convolution.CONV2D
            ? c.target.add(Convolution.CONV2D, layer.attrs(), List.of(x, w, b), List.of(y), null)[0]
            : c.target.add(LinearAlgebra.ADDMM, layer.attrs(), List.of(b, x, w), List.of(y), null)[0];
        c.map.put(n.output(), out);
        notes.add("%" + y + " = native_batch_norm(%" + layer.output().name() + ") folded into " + layer.op().name()
            + " %" + layer.output().name() + "'s weight and bias");
      } else if (affine.containsKey(n)) {
        NDArray[] ab = multiplyAdd(affine.get(n), n.inputs().get(0).type().shape());
        Value x = c.get(n.inputs().get(0));
        Value scaled = c.target.add(Elementwise.MUL, Attrs.EMPTY, List.of(x, c.target.constant(ab[0], y + ".bn_scale")), List.of(y + ".scaled"), null)[0];
        c.map.put(n.output(), c.target.add(Elementwise.ADD, Attrs.EMPTY, List.of(scaled, c.target.constant(ab[1], y + ".bn_shift")), List.of(y), null)[0]);
        notes.add("%" + y + " = native_batch_norm(%" + n.inputs().get(0).name() + ") became a per-channel multiply-add");
      } else {
        c.copy(n);
      }
    }
    return Verifier.verify(c.finish(g.outputs()));
  }

  /** The batch norm's constant weight, bias and statistics, or null (with a note) when one is not a float32 constant. */
  private Stats stats(Node bn, Map<Value, Integer> uses) {
    String what = "%" + bn.output().name() + " (batch_norm) stays: ";
    if (!bn.attrs().getBool("running_stats")) return null;   // eval mode without running stats is refused by its shape rule
    for (int o = 1; o < bn.outputs().size(); o++)
      if (uses.getOrDefault(bn.outputs().get(o), 0) != 0) return refuse(what + "its saved statistics are read");
    // the new constants are computed in float32, as PyTorch's fuse_conv_bn_eval computes float32 modules
    for (Value v : bn.inputs()) if (v.type().dtype() != DType.FLOAT32) return refuse(what + "%" + v.name() + " is " + v.type());
    boolean aff = bn.attrs().getBool("affine");
    int r = aff ? 3 : 1;
    NDArray[] st = new NDArray[4];   // weight, bias, running mean, running var
    String[] names = {"weight", "bias", "running_mean", "running_var"};
    for (int i = aff ? 0 : 2; i < 4; i++) {
      Value v = bn.inputs().get(i < 2 ? 1 + i : r + i - 2);
      st[i] = constant(v);
      if (st[i] == null) return refuse(what + "its " + names[i] + " %" + v.name() + " is not a constant");
    }
    return new Stats(st[0], st[1], st[2], st[3], bn.attrs().getDouble("eps"));
  }

  /** The folded weight and bias for batch norm {@code bn} and the layer before it, or null (with a note where there is a layer). */
  private Folded fold(Node bn, Stats st, Map<Value, Integer> uses) {
    Node layer = bn.inputs().get(0).producer();
    if (layer == null || layer.isConstant()) return null;
    boolean conv = layer.op() == Convolution.CONV2D, addmm = layer.op() == LinearAlgebra.ADDMM, mm = layer.op() == LinearAlgebra.MM;
    if (!conv && !addmm && !mm) return null;
    String what = "%" + bn.output().name() + " (batch_norm) stays apart from %" + layer.output().name() + " (" + layer.op().name() + "): ";
    if (uses.getOrDefault(layer.output(), 0) != 1) return refuse(what + "its output is read elsewhere");
    if (conv && layer.attrs().getBool("relu", false)) return refuse(what + "the convolution has a ReLU epilogue");
    if (!conv && !layer.attrs().isEmpty()) return refuse(what + "the product has attributes " + layer.attrs());
    for (Value v : layer.inputs()) if (v.type().dtype() != DType.FLOAT32) return refuse(what + "%" + v.name() + " is " + v.type());
    // layer: conv2d(x, W[, b]) with W [C, ...]; addmm(b, x, W) and mm(x, W) with W [K, C] (a frozen Linear's W^T)
    Value weight = conv ? layer.inputs().get(1) : layer.inputs().get(mm ? 1 : 2);
    Value bias = conv ? (layer.inputs().size() == 3 ? layer.inputs().get(2) : null) : (addmm ? layer.inputs().get(0) : null);
    NDArray w = constant(weight), b = bias == null ? null : constant(bias);
    if (w == null) return refuse(what + "the layer's weight %" + weight.name() + " is not a constant");
    if (bias != null && b == null) return refuse(what + "the layer's bias %" + bias.name() + " is not a constant");
    int channels = bn.inputs().get(0).type().size(1);
    if (b != null && (b.dim() != 1 || b.size(0) != channels)) return refuse(what + "the bias is broadcast (shape " + bias.type() + ")");
    return fuse(layer, w.toFloatArray(), w.shape(), conv, b == null ? null : b.toFloatArray(), st);
  }

  private <T> T refuse(String why) {
    notes.add(why);
    return null;
  }

  private static NDArray constant(Value v) {
    Node p = v.producer();
    return p != null && p.isConstant() ? p.payload() : null;
  }

  /**
   * The eval kernel's per-channel {@code alpha = invstd * w} and {@code beta = b - mean * alpha} (runtime
   * {@code Norms.batchNorm}, the same float operations), shaped {@code [C, 1, ...]} to broadcast over {@code x}.
   */
  private static NDArray[] multiplyAdd(Stats st, int[] xShape) {
    float[] mean = st.mean().toFloatArray(), var = st.var().toFloatArray();
    float[] w = st.weight() == null ? null : st.weight().toFloatArray(), b = st.bias() == null ? null : st.bias().toFloatArray();
    int c = mean.length;
    float[] alpha = new float[c], beta = new float[c];
    for (int j = 0; j < c; j++) {
      float is = (float) (1.0 / Math.sqrt(var[j] + st.eps()));
      alpha[j] = w == null ? is : is * w[j];
      beta[j] = (b == null ? 0f : b[j]) - mean[j] * alpha[j];
    }
    int[] shape = new int[xShape.length - 1];
    java.util.Arrays.fill(shape, 1);
    shape[0] = c;
    return new NDArray[]{NDArray.wrap(alpha, shape), NDArray.wrap(beta, shape)};
  }

  /** PyTorch's fuse_conv_bn_weights / fuse_linear_bn_weights, in float32 and in their orders of operations. */
  private static Folded fuse(Node layer, float[] w, int[] wShape, boolean conv, float[] b, Stats st) {
    float[] mean = st.mean().toFloatArray(), var = st.var().toFloatArray();
    int c = mean.length;
    float eps = (float) st.eps();
    float[] gamma = st.weight() == null ? null : st.weight().toFloatArray(), beta = st.bias() == null ? null : st.bias().toFloatArray();
    float[] rsqrt = new float[c], scale = new float[c], bias = new float[c];
    for (int j = 0; j < c; j++) {
      rsqrt[j] = (float) (1.0 / Math.sqrt(var[j] + eps));
      scale[j] = gamma == null ? rsqrt[j] : gamma[j] * rsqrt[j];
      float centred = (b == null ? 0f : b[j]) - mean[j];
      // fuse_conv_bn_weights: (b - mean) * rsqrt * gamma + beta; fuse_linear_bn_weights: (b - mean) * scale + beta
      if (gamma == null) bias[j] = centred * rsqrt[j];
      else bias[j] = conv ? centred * rsqrt[j] * gamma[j] + beta[j] : centred * scale[j] + beta[j];
    }
    float[] fw = new float[w.length];
    if (conv) {
      int per = w.length / c;   // W [C, Cin/groups, KH, KW]: one output channel's weights are contiguous
      for (int i = 0; i < w.length; i++) fw[i] = w[i] * scale[i / per];
    } else {
      for (int i = 0; i < w.length; i++) fw[i] = w[i] * scale[i % c];   // W [K, C]: column j feeds channel j
    }
    return new Folded(layer, NDArray.wrap(fw, wShape), NDArray.wrap(bias, c));
  }
}
