package dev.tcompile.fuzz;

import static dev.tcompile.fuzz.OpFamilies.n;

import dev.tcompile.Tensor;
import dev.tcompile.fuzz.Program.Kind;
import dev.tcompile.nn.F;

/** Losses: mse and l1 against a target of the input's shape; crossEntropy and nllLoss against class indices. */
final class LossOps {
  private LossOps() {}

  static boolean loss(ProgramGenerator g) {
    String reduction = g.c.pick("mean", "sum", "none");
    return switch (g.c.next(4)) {
      case 0, 1 -> regression(g, reduction);
      case 2 -> classification(g, reduction, false);
      default -> classification(g, reduction, true);
    };
  }

  /** mseLoss / l1Loss; the target is a new input (which may require grad) or the same-shaped subject itself. */
  private static boolean regression(ProgramGenerator g, String reduction) {
    boolean mse = g.c.percent(50);
    int a = g.subject();
    int t = g.c.percent(15) ? a : g.leaf(g.shapeOf(a), Kind.NORMAL);
    String fn = mse ? "mseLoss" : "l1Loss";
    String text = "F." + fn + "(" + n(a) + ", " + n(t) + ", \"" + reduction + "\")";
    return g.op(text, v -> mse ? F.mseLoss(v.get(a), v.get(t), reduction) : F.l1Loss(v.get(a), v.get(t), reduction), false);
  }

  /**
   * crossEntropy on logits, or nllLoss on log-probabilities (logSoftmax over the class dim, or the raw values):
   * input [C] with a 0-dim target, or [N, C, d...] with a target [N, d...]. Class weights are positive inputs that
   * do not require grad (PyTorch does not differentiate the weight); the ignored index is sometimes a real class.
   */
  private static boolean classification(ProgramGenerator g, String reduction, boolean nll) {
    int a = g.subject(s -> s.length >= 1);
    int[] s = g.shapeOf(a);
    int classDim = s.length == 1 ? 0 : 1;
    int classes = s[classDim];
    int[] targetShape = s.length == 1 ? new int[0] : dropDim(s, 1);
    int t = g.leaf(targetShape, Kind.CLASSES, classes, false, g.c.percent(20));
    int w = g.c.percent(30) ? g.leaf(new int[]{classes}, Kind.POSITIVE, 0, false, true) : -1;
    long ignore = g.c.percent(25) ? g.c.next(classes) : -100;
    String weight = w < 0 ? "null" : n(w);
    if (!nll) {
      double smoothing = g.c.pick(0.0, 0.1);
      String text = "F.crossEntropy(" + n(a) + ", " + n(t) + ", " + weight + ", " + ignore + ", \"" + reduction + "\", " + smoothing + ")";
      return g.op(text, v -> F.crossEntropy(v.get(a), v.get(t), w < 0 ? null : v.get(w), ignore, reduction, smoothing), false);
    }
    boolean logSoftmax = g.c.percent(70);
    String in = logSoftmax ? n(a) + ".logSoftmax(" + classDim + ")" : n(a);
    String text = "F.nllLoss(" + in + ", " + n(t) + ", " + weight + ", " + ignore + ", \"" + reduction + "\")";
    return g.op(text, v -> {
      Tensor x = logSoftmax ? v.get(a).logSoftmax(classDim) : v.get(a);
      return F.nllLoss(x, v.get(t), w < 0 ? null : v.get(w), ignore, reduction);
    }, false);
  }

  static int[] dropDim(int[] s, int d) {
    int[] out = new int[s.length - 1];
    System.arraycopy(s, 0, out, 0, d);
    System.arraycopy(s, d + 1, out, d, s.length - d - 1);
    return out;
  }
}
