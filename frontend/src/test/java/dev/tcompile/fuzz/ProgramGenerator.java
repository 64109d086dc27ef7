package dev.tcompile.fuzz;

import dev.tcompile.DType;
import dev.tcompile.GradGuard;
import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import dev.tcompile.Torch;
import dev.tcompile.fuzz.Program.Kind;
import dev.tcompile.fuzz.Program.Layout;
import dev.tcompile.fuzz.Program.Leaf;
import dev.tcompile.fuzz.Program.Node;
import dev.tcompile.fuzz.Program.Op;
import dev.tcompile.fuzz.Program.OpFn;
import dev.tcompile.runtime.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Builds a random well-typed program from a {@link Choices} stream. Every op is tried eagerly (no grad) on the
 * inputs' actual values as it is generated; an op that throws, leaves float32, grows past {@link #MAX_NUMEL}
 * elements or produces values beyond {@link #MAX_ABS} (or not finite) is dropped with the inputs it created, so
 * the programs are valid and well-scaled by construction and a disagreement is never a generator artefact.
 * Ops that need positive operands (log, sqrt, div, pow) get values that are positive by construction
 * ({@code x.abs().add(0.5)}, exp, sigmoid, softmax, positive inputs), not by luck of one set of values.
 */
final class ProgramGenerator {
  /** At most this many ops per program (system property tcompile.fuzz.ops; about 5 on average with the default). */
  static final int MAX_OPS = Integer.getInteger("tcompile.fuzz.ops", 12);
  static final int MAX_NUMEL = 2048;
  static final int LEAF_NUMEL = 1024;
  static final double MAX_ABS = 1e3;
  /** Dimension sizes, simplest first: 1 and odd sizes, a few even ones. */
  static final int[] SIZES = {1, 3, 2, 7, 4, 5, 17, 33};

  final Choices c;
  private final long valueSeed;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Tensor> values = new ArrayList<>();
  private final List<Boolean> positive = new ArrayList<>();
  private boolean crashed;

  private ProgramGenerator(Choices c, long valueSeed) {
    this.c = c;
    this.valueSeed = valueSeed;
  }

  /** The program the choices describe; its inputs' first set of values is drawn from {@code valueSeed}. */
  static Program generate(Choices c, long valueSeed) {
    return new ProgramGenerator(c, valueSeed).build();
  }

  private Program build() {
    int[] first = shape(1 + c.next(4), LEAF_NUMEL);
    leaf(first, Kind.NORMAL, 0, true, false);
    int ops = 0;
    while (ops < MAX_OPS && !crashed && c.next(MAX_OPS <= 12 ? 8 : 2 * MAX_OPS / 3) != 0) {
      int mark = nodes.size();
      boolean ok;
      try {
        ok = OpFamilies.step(this);
      } catch (Rejected r) {
        ok = false;
      }
      if (ok) ops++;
      else truncate(mark);
    }
    return new Program(List.copyOf(nodes), c.used());
  }

  /** Thrown by a family that cannot apply to the program as it stands. */
  static final class Rejected extends RuntimeException {
    Rejected() { super(null, null, false, false); }
  }

  static Rejected reject() { return new Rejected(); }

  // ---------------------------------------------------------------- values

  int[] shapeOf(int i) { return values.get(i).shapeArray(); }

  int rank(int i) { return values.get(i).dim(); }

  boolean isPositive(int i) { return positive.get(i); }

  static String name(int i) { return "v" + i; }

  /**
   * A float value whose shape passes {@code ok}: the most recent one most often (so ops chain), any other
   * otherwise; rejects the step when there is none.
   */
  int subject(Predicate<int[]> ok) {
    List<Integer> fit = new ArrayList<>();
    for (int i = values.size() - 1; i >= 0; i--)
      if (values.get(i).dtype() == DType.FLOAT32 && ok.test(shapeOf(i))) fit.add(i);
    if (fit.isEmpty()) throw reject();
    int k = c.next(fit.size() + 2);
    return fit.get(k >= fit.size() ? 0 : k);
  }

  int subject() { return subject(s -> true); }

  /** An earlier float value that broadcasts with {@code shape} to at most MAX_NUMEL elements, or -1. */
  int broadcastPartner(int[] shape) {
    List<Integer> fit = new ArrayList<>();
    for (int i = values.size() - 1; i >= 0; i--) {
      if (values.get(i).dtype() != DType.FLOAT32) continue;
      try {
        if (Shapes.numel(Shapes.broadcast(shape, shapeOf(i))) <= MAX_NUMEL) fit.add(i);
      } catch (TorchException e) {
        // does not broadcast
      }
    }
    return fit.isEmpty() ? -1 : fit.get(c.next(fit.size()));
  }

  // ---------------------------------------------------------------- shapes

  /** A dimension size at most {@code budget}. */
  int size(int budget) {
    int n = 0;
    for (int s : SIZES) if (s <= budget) n++;
    int[] fit = new int[n];
    n = 0;
    for (int s : SIZES) if (s <= budget) fit[n++] = s;
    return n == 0 ? 1 : fit[c.next(n)];
  }

  /** A shape of the given rank with at most {@code budget} elements. */
  int[] shape(int rank, int budget) {
    int[] s = new int[rank];
    int left = budget;
    for (int d = 0; d < rank; d++) {
      s[d] = size(Math.max(1, left / 4));
      left = Math.max(1, left / s[d]);
    }
    return s;
  }

  /** A shape that broadcasts with {@code s}: some dims set to 1, maybe fewer leading dims, maybe one more. */
  int[] broadcastable(int[] s) {
    int drop = c.next(3) == 2 ? c.next(s.length + 1) : 0;
    int[] out = Arrays.copyOfRange(s, drop, s.length);
    for (int d = 0; d < out.length; d++) if (c.next(3) == 2) out[d] = 1;
    if (c.percent(15)) {
      int[] wider = new int[out.length + 1];
      wider[0] = size(Math.max(1, MAX_NUMEL / Math.max(1, (int) Shapes.numel(s))));
      System.arraycopy(out, 0, wider, 1, out.length);
      out = wider;
    }
    return out;
  }

  // ---------------------------------------------------------------- nodes

  /** A new input; requires grad, layout and being captured are chosen here. Returns its value index. */
  int leaf(int[] shape, Kind kind, int classes, boolean mayGrad, boolean mayCapture) {
    if (Shapes.numel(shape) > LEAF_NUMEL) throw reject();
    boolean grad = mayGrad && kind != Kind.CLASSES && c.percent(70);
    Layout layout = Layout.CONTIGUOUS;
    if (kind != Kind.CLASSES && shape.length >= 2) layout = switch (c.next(6)) {
      case 4 -> Layout.TRANSPOSED_LEAF;
      case 5 -> Layout.TRANSPOSED_VIEW;
      default -> Layout.CONTIGUOUS;
    };
    boolean captured = mayCapture && layout != Layout.TRANSPOSED_VIEW && c.percent(20);
    if (!captured && c.percent(12)) {
      // sometimes the very tensor of an earlier argument of this shape and kind (a fresh view cannot be one)
      for (int i = nodes.size() - 1; i >= 0; i--) {
        if (nodes.get(i) instanceof Leaf o && !o.captured() && o.sameAs() < 0 && o.kind() == kind && o.classes() == classes && o.layout() != Layout.TRANSPOSED_VIEW
            && Arrays.equals(o.shape(), shape)) {
          Leaf l = new Leaf(shape.clone(), kind, classes, o.requiresGrad(), o.layout(), false, i);
          nodes.add(l);
          values.add(values.get(i));
          positive.add(positive.get(i));
          return values.size() - 1;
        }
      }
    }
    Leaf l = new Leaf(shape.clone(), kind, classes, grad, layout, captured, -1);
    nodes.add(l);
    values.add(l.materialize(valueSeed, leafCount() - 1)[0]);
    positive.add(kind == Kind.POSITIVE);
    return values.size() - 1;
  }

  int leaf(int[] shape, Kind kind) { return leaf(shape, kind, 0, true, true); }

  private int leafCount() {
    int n = 0;
    for (Node x : nodes) if (x instanceof Leaf) n++;
    return n;
  }

  /**
   * Appends an op after trying it on the current values; false (the step is dropped) when it throws or its
   * result is not a finite, moderately sized float32 tensor.
   */
  boolean op(String text, OpFn fn, boolean positiveResult) {
    Tensor r;
    try (GradGuard g = Torch.noGrad()) {
      r = fn.apply(values);
    } catch (TorchException e) {
      return false;
    } catch (RuntimeException | StackOverflowError e) {
      // eager itself crashed (never acceptable): keep the op as the program's last, so the differential run
      // reports the crash and the shrinker can minimise it
      nodes.add(new Op(text, fn));
      values.add(null);
      positive.add(false);
      crashed = true;
      return true;
    }
    if (r.dtype() != DType.FLOAT32 || r.numel() > MAX_NUMEL) return false;
    for (float f : r.toFloatArray()) if (!(Math.abs(f) <= MAX_ABS)) return false;
    nodes.add(new Op(text, fn));
    values.add(r);
    positive.add(positiveResult);
    return true;
  }

  private void truncate(int size) {
    while (nodes.size() > size) {
      nodes.removeLast();
      values.removeLast();
      positive.removeLast();
    }
  }
}
