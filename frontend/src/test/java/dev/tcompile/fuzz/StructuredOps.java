package dev.tcompile.fuzz;

import static dev.tcompile.fuzz.OpFamilies.ints;
import static dev.tcompile.fuzz.OpFamilies.n;

import dev.tcompile.fuzz.Program.Kind;
import dev.tcompile.nn.F;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Families that change shapes: reductions, views, matmul, conv2d, pooling, softmax. */
final class StructuredOps {
  private StructuredOps() {}

  /** A dim of a rank-r tensor, sometimes negative (a 0-dim tensor accepts 0 and -1). */
  static int dim(ProgramGenerator g, int r) {
    int n = Math.max(1, r);
    int d = g.c.next(n);
    return g.c.percent(25) ? d - n : d;
  }

  /** A non-empty set of distinct dims. */
  static int[] dims(ProgramGenerator g, int r) {
    int n = Math.max(1, r);
    List<Integer> out = new ArrayList<>();
    for (int d = 0; d < n; d++) if (g.c.percent(40)) out.add(g.c.percent(20) ? d - n : d);
    if (out.isEmpty()) out.add(g.c.next(n));
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  // ---------------------------------------------------------------- reductions

  static boolean reduction(ProgramGenerator g) {
    int a = g.subject();
    int r = g.rank(a);
    String x = n(a);
    return switch (g.c.next(9)) {
      case 0 -> g.op(x + ".sum()", v -> v.get(a).sum(), false);
      case 1 -> g.op(x + ".mean()", v -> v.get(a).mean(), false);
      case 2 -> g.op(x + ".max()", v -> v.get(a).max(), false);
      case 3 -> g.op(x + ".min()", v -> v.get(a).min(), false);
      case 4 -> {
        int[] ds = dims(g, r);
        boolean keep = g.c.percent(50);
        yield g.op(x + ".sum(" + ints(ds) + ", " + keep + ")", v -> v.get(a).sum(ds, keep), false);
      }
      case 5 -> {
        int[] ds = dims(g, r);
        boolean keep = g.c.percent(50);
        yield g.op(x + ".mean(" + ints(ds) + ", " + keep + ")", v -> v.get(a).mean(ds, keep), false);
      }
      case 6 -> {
        int[] ds = dims(g, r);
        boolean keep = g.c.percent(50);
        yield g.op(x + ".amax(" + ints(ds) + ", " + keep + ")", v -> v.get(a).amax(ds, keep), false);
      }
      case 7 -> {
        int[] ds = dims(g, r);
        boolean keep = g.c.percent(50);
        yield g.op(x + ".amin(" + ints(ds) + ", " + keep + ")", v -> v.get(a).amin(ds, keep), false);
      }
      default -> {
        int d = dim(g, r);
        boolean keep = g.c.percent(50), max = g.c.percent(50);
        String m = max ? "max" : "min";
        yield g.op(x + "." + m + "(" + d + ", " + keep + ").values()",
            v -> (max ? v.get(a).max(d, keep) : v.get(a).min(d, keep)).values(), false);
      }
    };
  }

  // ---------------------------------------------------------------- views

  static boolean view(ProgramGenerator g) {
    int a = g.subject();
    int[] s = g.shapeOf(a);
    int r = s.length;
    String x = n(a);
    boolean pos = g.isPositive(a);
    return switch (g.c.next(13)) {
      case 0 -> {
        int d0 = dim(g, r), d1 = dim(g, r);
        yield g.op(x + ".transpose(" + d0 + ", " + d1 + ")", v -> v.get(a).transpose(d0, d1), pos);
      }
      case 1 -> {
        int[] perm = permutation(g, r);
        yield g.op(x + ".permute(" + ints(perm) + ")", v -> v.get(a).permute(perm), pos);
      }
      case 2 -> {
        int[] to = reshapeTarget(g, s);
        yield g.op(x + ".reshape(" + ints(to) + ")", v -> v.get(a).reshape(to), pos);
      }
      case 3 -> {
        if (r == 0) throw ProgramGenerator.reject();
        int d = dim(g, r), size = s[Math.floorMod(d, r)];
        int start = g.c.next(size), len = 1 + g.c.next(size - start);
        yield g.op(x + ".narrow(" + d + ", " + start + ", " + len + ")", v -> v.get(a).narrow(d, start, len), pos);
      }
      case 4 -> {
        if (r == 0) throw ProgramGenerator.reject();
        int d = dim(g, r), size = s[Math.floorMod(d, r)];
        int i = g.c.percent(20) ? -1 - g.c.next(size) : g.c.next(size);
        yield g.op(x + ".select(" + d + ", " + i + ")", v -> v.get(a).select(d, i), pos);
      }
      case 5 -> {
        int d = g.c.next(r + 1) - (g.c.percent(25) ? r + 1 : 0);
        yield g.op(x + ".unsqueeze(" + d + ")", v -> v.get(a).unsqueeze(d), pos);
      }
      case 6 -> {
        if (g.c.percent(40)) yield g.op(x + ".squeeze()", v -> v.get(a).squeeze(), pos);
        int d = dim(g, r);
        yield g.op(x + ".squeeze(" + d + ")", v -> v.get(a).squeeze(d), pos);
      }
      case 7 -> {
        int[] to = expandTarget(g, s);
        yield g.op(x + ".expand(" + ints(to) + ")", v -> v.get(a).expand(to), pos);
      }
      case 8 -> g.op(x + ".t()", v -> v.get(a).t(), pos);
      case 9 -> {
        int st = dim(g, r), en = dim(g, r);
        yield g.op(x + ".flatten(" + st + ", " + en + ")", v -> v.get(a).flatten(st, en), pos);
      }
      case 10 -> g.op(x + ".contiguous()", v -> v.get(a).contiguous(), pos);
      case 11 -> {
        if (r == 0) throw ProgramGenerator.reject();
        int d = dim(g, r), size = s[Math.floorMod(d, r)];
        int start = g.c.next(size), end = start + 1 + g.c.next(size - start), step = 1 + g.c.next(3);
        yield g.op(x + ".slice(" + d + ", " + start + ", " + end + ", " + step + ")", v -> v.get(a).slice(d, start, end, step), pos);
      }
      default -> {
        int[] to = reshapeTarget(g, s);
        yield g.op(x + ".view(" + ints(to) + ")", v -> v.get(a).view(to), pos);
      }
    };
  }

  static int[] permutation(ProgramGenerator g, int r) {
    List<Integer> left = new ArrayList<>();
    for (int d = 0; d < r; d++) left.add(d);
    int[] p = new int[r];
    for (int i = 0; i < r; i++) p[i] = left.remove(g.c.next(left.size()));
    return p;
  }

  /** A shape with the same number of elements: flattened, two dims merged, one split, a 1 inserted; maybe a -1. */
  static int[] reshapeTarget(ProgramGenerator g, int[] s) {
    List<Integer> t = new ArrayList<>(Arrays.stream(s).boxed().toList());
    switch (g.c.next(4)) {
      case 0 -> { int n = 1; for (int x : s) n *= x; t = new ArrayList<>(List.of(n)); }
      case 1 -> {
        if (t.size() >= 2) { int i = g.c.next(t.size() - 1); t.set(i, t.get(i) * t.remove(i + 1)); }
      }
      case 2 -> {
        if (!t.isEmpty()) {
          int i = g.c.next(t.size()), n = t.get(i);
          List<Integer> divisors = new ArrayList<>();
          for (int f = 1; f <= n; f++) if (n % f == 0) divisors.add(f);
          int f = divisors.get(g.c.next(divisors.size()));
          t.set(i, n / f);
          t.add(i, f);
        }
      }
      default -> t.add(g.c.next(t.size() + 1), 1);
    }
    if (!t.isEmpty() && g.c.percent(30)) t.set(g.c.next(t.size()), -1);
    return t.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Size-1 dims widened, others kept (sometimes as -1), maybe a new leading dim. */
  static int[] expandTarget(ProgramGenerator g, int[] s) {
    int budget = Math.max(1, ProgramGenerator.MAX_NUMEL / Math.max(1, product(s)));
    List<Integer> t = new ArrayList<>();
    if (g.c.percent(30)) { int n = g.size(budget); budget = Math.max(1, budget / n); t.add(n); }
    for (int x : s) {
      if (x == 1 && g.c.percent(60)) { int n = g.size(budget); budget = Math.max(1, budget / n); t.add(n); }
      else t.add(g.c.percent(25) ? -1 : x);
    }
    return t.stream().mapToInt(Integer::intValue).toArray();
  }

  static int product(int[] s) {
    int n = 1;
    for (int x : s) n *= x;
    return n;
  }

  // ---------------------------------------------------------------- matmul

  static boolean matmul(ProgramGenerator g) {
    int a = g.subject(s -> s.length >= 1);
    int[] s = g.shapeOf(a);
    int r = s.length, k = s[r - 1];
    String x = n(a);
    int m = g.size(33);
    return switch (g.c.next(8)) {
      case 0 -> { int w = g.leaf(new int[]{k, m}, Kind.NORMAL); yield g.op(x + ".matmul(" + n(w) + ")", v -> v.get(a).matmul(v.get(w)), false); }
      case 1 -> { int w = g.leaf(new int[]{k}, Kind.NORMAL); yield g.op(x + ".matmul(" + n(w) + ")", v -> v.get(a).matmul(v.get(w)), false); }
      case 2 -> {
        int[] batch = r >= 3 ? g.broadcastable(Arrays.copyOf(s, r - 2)) : new int[]{g.size(7)};
        int[] ws = Arrays.copyOf(batch, batch.length + 2);
        ws[batch.length] = k;
        ws[batch.length + 1] = m;
        int w = g.leaf(ws, Kind.NORMAL);
        yield g.op(x + ".matmul(" + n(w) + ")", v -> v.get(a).matmul(v.get(w)), false);
      }
      case 3 -> {
        int inner = r >= 2 ? s[r - 2] : k;
        int w = g.leaf(new int[]{m, inner}, Kind.NORMAL);
        yield g.op(n(w) + ".matmul(" + x + ")", v -> v.get(w).matmul(v.get(a)), false);
      }
      case 4 -> {
        if (r != 2) throw ProgramGenerator.reject();
        int w = g.leaf(new int[]{k, m}, Kind.NORMAL);
        yield g.op(x + ".mm(" + n(w) + ")", v -> v.get(a).mm(v.get(w)), false);
      }
      case 5 -> {
        if (r != 3) throw ProgramGenerator.reject();
        int w = g.leaf(new int[]{s[0], k, m}, Kind.NORMAL);
        yield g.op(x + ".bmm(" + n(w) + ")", v -> v.get(a).bmm(v.get(w)), false);
      }
      case 6 -> {
        if (r == 1) yield g.op(x + ".matmul(" + x + ")", v -> v.get(a).matmul(v.get(a)), true);
        yield g.op(x + ".matmul(" + x + ".transpose(-1, -2))", v -> v.get(a).matmul(v.get(a).transpose(-1, -2)), false);
      }
      default -> {
        if (r != 2) throw ProgramGenerator.reject();
        int w = g.leaf(new int[]{k}, Kind.NORMAL);
        yield g.op(x + ".mv(" + n(w) + ")", v -> v.get(a).mv(v.get(w)), false);
      }
    };
  }

  // ---------------------------------------------------------------- conv2d and pooling

  /** An image batch [N, C, H, W] or one image [C, H, W]: an earlier value of that rank, or a new input. */
  static int image(ProgramGenerator g) {
    if (g.c.percent(50)) {
      try {
        return g.subject(s -> s.length == 3 || s.length == 4);
      } catch (ProgramGenerator.Rejected none) {
        // fall through to a new input
      }
    }
    int[] s = {g.size(3), g.size(3), g.size(17), g.size(17)};
    return g.leaf(g.c.percent(20) ? Arrays.copyOfRange(s, 1, 4) : s, Kind.NORMAL);
  }

  static int[] pair(ProgramGenerator g, int base, int bound) {
    int a = base + g.c.next(bound);
    return new int[]{a, g.c.percent(70) ? a : base + g.c.next(bound)};
  }

  static boolean conv(ProgramGenerator g) {
    int x = image(g);
    int[] s = g.shapeOf(x);
    int c = s[s.length - 3];
    int groups = g.c.percent(25) ? c : 1;
    int cout = groups * g.c.pickInt(1, 2, 3);
    int[] kernel = pair(g, 1, 3), stride = pair(g, 1, 2), padding = pair(g, 0, 3), dilation = pair(g, 1, 2);
    int w = g.leaf(new int[]{cout, c / groups, kernel[0], kernel[1]}, Kind.NORMAL);
    int b = g.c.percent(50) ? g.leaf(new int[]{cout}, Kind.NORMAL) : -1;
    String text = "F.conv2d(" + n(x) + ", " + n(w) + ", " + (b < 0 ? "null" : n(b)) + ", " + ints(stride) + ", " + ints(padding) + ", "
        + ints(dilation) + ", " + groups + ")";
    return g.op(text, v -> F.conv2d(v.get(x), v.get(w), b < 0 ? null : v.get(b), stride, padding, dilation, groups), false);
  }

  static boolean pool(ProgramGenerator g) {
    int x = image(g);
    int[] kernel = pair(g, 1, 3);
    int[] stride = g.c.percent(30) ? null : pair(g, 1, 3);
    int[] padding = {g.c.next(kernel[0] / 2 + 1), g.c.next(kernel[1] / 2 + 1)};
    boolean ceil = g.c.percent(30);
    String st = stride == null ? "null" : ints(stride);
    return switch (g.c.next(3)) {
      case 0 -> {
        int[] dilation = pair(g, 1, 2);
        yield g.op("F.maxPool2d(" + n(x) + ", " + ints(kernel) + ", " + st + ", " + ints(padding) + ", " + ints(dilation) + ", " + ceil + ")",
            v -> F.maxPool2d(v.get(x), kernel, stride, padding, dilation, ceil), false);
      }
      case 1 -> {
        boolean includePad = g.c.percent(50);
        yield g.op("F.avgPool2d(" + n(x) + ", " + ints(kernel) + ", " + st + ", " + ints(padding) + ", " + ceil + ", " + includePad + ")",
            v -> F.avgPool2d(v.get(x), kernel, stride, padding, ceil, includePad), false);
      }
      default -> {
        int[] out = pair(g, 1, 3);
        yield g.op("F.adaptiveAvgPool2d(" + n(x) + ", " + ints(out) + ")", v -> F.adaptiveAvgPool2d(v.get(x), out), false);
      }
    };
  }

  // ---------------------------------------------------------------- softmax

  static boolean softmax(ProgramGenerator g) {
    int a = g.subject();
    int d = dim(g, g.rank(a));
    if (g.c.percent(50)) return g.op(n(a) + ".softmax(" + d + ")", v -> v.get(a).softmax(d), true);
    return g.op(n(a) + ".logSoftmax(" + d + ")", v -> v.get(a).logSoftmax(d), false);
  }
}
