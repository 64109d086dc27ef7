package dev.tcompile.passes;

import dev.tcompile.DType;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.ir.ops.Convolution;
import dev.tcompile.ir.ops.LinearAlgebra;
import dev.tcompile.ir.ops.Normalization;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds an eval-mode batch norm into the convolution (or Linear's {@code addmm}/{@code mm}) that feeds it, when the
 * layer's weight and bias and the norm's weight, bias and running statistics are all constants (frozen weights,
 * {@link InputsAsConstants}): {@code bn(conv(x, W, b))} becomes {@code conv(x, W', b')} with PyTorch's
 * {@code fuse_conv_bn_eval} formula, {@code s = bn_w * rsqrt(running_var + eps)}, {@code W' = W * s} per output
 * channel, {@code b' = (b - running_mean) * rsqrt(running_var + eps) * bn_w + bn_b}. The result differs from the
 * two ops only by float rounding (the scale is applied to the weights instead of the sums). Refused, with a note:
 * a layer whose output something else reads, and statistics or weights that are not constants.
 */
public final class BatchNormFolding implements Pass {
  private final List<String> notes = new ArrayList<>();

  @Override public String name() { return "bnfold"; }

  @Override public List<String> notes() { return List.copyOf(notes); }

  /** What replaces a layer and its batch norm: the layer's op, attributes, and the new weight and bias. */
  private record Folded(Node layer, Node norm, NDArray weight, NDArray bias) {}

  @Override public Graph run(Graph g) {
    notes.clear();
    Map<Value, Integer> uses = Uses.count(g);
    Map<Node, Folded> byNorm = new IdentityHashMap<>();
    Map<Node, Folded> byLayer = new IdentityHashMap<>();
    for (Node n : g.nodes()) {
      if (n.isConstant() || n.op() != Normalization.NATIVE_BATCH_NORM || n.attrs().getBool("training")) continue;
      Folded f = fold(n, uses);
      if (f != null) {
        byNorm.put(n, f);
        byLayer.put(f.layer(), f);
      }
    }
    if (byNorm.isEmpty()) return g;
    GraphCopier c = new GraphCopier(g.name()).withInputsOf(g);
    for (Node n : g.nodes()) {
      if (byLayer.containsKey(n)) continue;   // emitted where its batch norm was
      Folded f = byNorm.get(n);
      if (f == null) { c.copy(n); continue; }
      Node layer = f.layer();
      Value x = c.get(layer.op() == Convolution.CONV2D ? layer.inputs().get(0) : layer.inputs().get(layer.op() == LinearAlgebra.MM ? 0 : 1));
      String y = n.output().name();
      Value w = c.target.constant(f.weight(), y + ".folded_weight"), b = c.target.constant(f.bias(), y + ".folded_bias");
      Value out = layer.op() == Convolution.CONV2D
          ? c.target.add(Convolution.CONV2D, layer.attrs(), List.of(x, w, b), List.of(y), null)[0]
          : c.target.add(LinearAlgebra.ADDMM, layer.attrs(), List.of(b, x, w), List.of(y), null)[0];
      c.map.put(n.output(), out);
      notes.add("%" + y + " = native_batch_norm(%" + layer.output().name() + ") folded into " + layer.op().name()
          + " %" + layer.output().name() + "'s weight and bias");
    }
    return Verifier.verify(c.finish(g.outputs()));
  }

  /** The folded weight and bias for batch norm {@code bn}, or null (with a note saying why, where there is a layer). */
  private Folded fold(Node bn, Map<Value, Integer> uses) {
    Node layer = bn.inputs().get(0).producer();
    if (layer == null || layer.isConstant()) return null;
    boolean conv = layer.op() == Convolution.CONV2D, addmm = layer.op() == LinearAlgebra.ADDMM, mm = layer.op() == LinearAlgebra.MM;
    if (!conv && !addmm && !mm) return null;
    String what = "%" + bn.output().name() + " (batch_norm) stays apart from %" + layer.output().name() + " (" + layer.op().name() + "): ";
    if (uses.getOrDefault(layer.output(), 0) != 1) return refuse(what + "its output is read elsewhere");
    for (int o = 1; o < bn.outputs().size(); o++)
      if (uses.getOrDefault(bn.outputs().get(o), 0) != 0) return refuse(what + "the batch norm's saved statistics are read");
    if (conv && layer.attrs().getBool("relu", false)) return refuse(what + "the convolution has a ReLU epilogue");
    if (!conv && !layer.attrs().isEmpty()) return refuse(what + "the product has attributes " + layer.attrs());
    if (!bn.attrs().getBool("running_stats")) return refuse(what + "no running statistics");
    // the folded constants are computed in float32, as PyTorch's fuse_conv_bn_eval computes float32 modules
    for (Value v : layer.inputs()) if (v.type().dtype() != DType.FLOAT32) return refuse(what + "%" + v.name() + " is " + v.type());
    for (Value v : bn.inputs()) if (v.type().dtype() != DType.FLOAT32) return refuse(what + "%" + v.name() + " is " + v.type());
    // layer: conv2d(x, W[, b]) with W [C, ...]; addmm(b, x, W) and mm(x, W) with W [K, C] (a frozen Linear's W^T)
    Value weight = conv ? layer.inputs().get(1) : layer.inputs().get(mm ? 1 : 2);
    Value bias = conv ? (layer.inputs().size() == 3 ? layer.inputs().get(2) : null) : (addmm ? layer.inputs().get(0) : null);
    NDArray w = constant(weight), b = bias == null ? null : constant(bias);
    if (w == null) return refuse(what + "the layer's weight %" + weight.name() + " is not a constant");
    if (bias != null && b == null) return refuse(what + "the layer's bias %" + bias.name() + " is not a constant");
    int channels = bn.inputs().get(0).type().size(1);
    if (b != null && (b.dim() != 1 || b.size(0) != channels)) return refuse(what + "the bias is broadcast (shape " + bias.type() + ")");
    boolean affine = bn.attrs().getBool("affine");
    int r = affine ? 3 : 1;
    NDArray[] stats = new NDArray[4];   // bn weight, bn bias, running mean, running var
    String[] names = {"weight", "bias", "running_mean", "running_var"};
    for (int i = affine ? 0 : 2; i < 4; i++) {
      Value v = bn.inputs().get(i < 2 ? 1 + i : r + i - 2);
      stats[i] = constant(v);
      if (stats[i] == null) return refuse(what + "the batch norm's " + names[i] + " %" + v.name() + " is not a constant");
    }
    return fuse(layer, bn, w.toFloatArray(), w.shape(), conv, b == null ? null : b.toFloatArray(), stats, (float) bn.attrs().getDouble("eps"));
  }

  private Folded refuse(String why) {
    notes.add(why);
    return null;
  }

  private static NDArray constant(Value v) {
    Node p = v.producer();
    return p != null && p.isConstant() ? p.payload() : null;
  }

  /** PyTorch's fuse_conv_bn_weights / fuse_linear_bn_weights, in float32 and in their orders of operations. */
  private static Folded fuse(Node layer, Node bn, float[] w, int[] wShape, boolean conv, float[] b, NDArray[] stats, float eps) {
    float[] mean = stats[2].toFloatArray(), var = stats[3].toFloatArray();
    int c = mean.length;
    float[] gamma = stats[0] == null ? null : stats[0].toFloatArray(), beta = stats[1] == null ? null : stats[1].toFloatArray();
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
    return new Folded(layer, bn, NDArray.wrap(fw, wShape), NDArray.wrap(bias, c));
  }
}
