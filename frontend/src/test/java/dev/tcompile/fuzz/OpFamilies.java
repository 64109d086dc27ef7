package dev.tcompile.fuzz;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.fuzz.Program.Kind;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The op families a generated program draws from: pointwise (unary, binary with broadcasting and scalars,
 * comparisons with where), reductions, views, matmul, conv2d, pooling, softmax and losses. Each step picks a
 * family, a subject value and the op's arguments from the choices; {@link ProgramGenerator#op} then checks it.
 */
final class OpFamilies {
  private OpFamilies() {}

  /** Adds one op (and any new inputs it needs); false or {@code Rejected} when it does not apply. */
  static boolean step(ProgramGenerator g) {
    return switch (g.c.next(10)) {
      case 0 -> unary(g);
      case 1 -> binary(g);
      case 2 -> compareWhere(g);
      case 3 -> StructuredOps.reduction(g);
      case 4 -> StructuredOps.view(g);
      case 5 -> StructuredOps.matmul(g);
      case 6 -> StructuredOps.conv(g);
      case 7 -> StructuredOps.pool(g);
      case 8 -> StructuredOps.softmax(g);
      default -> LossOps.loss(g);
    };
  }

  static String n(int i) { return ProgramGenerator.name(i); }

  static String ints(int... v) {
    return "new int[]{" + String.join(", ", Arrays.stream(v).mapToObj(Integer::toString).toList()) + "}";
  }

  /** {@code v<a>} if it is positive by construction, else {@code v<a>.abs().add(0.5)}. */
  static String posText(ProgramGenerator g, int a) { return g.isPositive(a) ? n(a) : n(a) + ".abs().add(0.5)"; }

  static Function<List<Tensor>, Tensor> pos(ProgramGenerator g, int a) {
    return g.isPositive(a) ? v -> v.get(a) : v -> v.get(a).abs().add(0.5);
  }

  // ---------------------------------------------------------------- pointwise

  static boolean unary(ProgramGenerator g) {
    int a = g.subject();
    String x = n(a);
    var p = pos(g, a);
    String px = posText(g, a);
    return switch (g.c.next(17)) {
      case 0 -> g.op(x + ".neg()", v -> v.get(a).neg(), false);
      case 1 -> g.op(x + ".exp()", v -> v.get(a).exp(), true);
      case 2 -> g.op(px + ".log()", v -> p.apply(v).log(), false);
      case 3 -> g.op(x + ".tanh()", v -> v.get(a).tanh(), false);
      case 4 -> g.op(x + ".sigmoid()", v -> v.get(a).sigmoid(), true);
      case 5 -> g.op(x + ".relu()", v -> v.get(a).relu(), false);
      case 6 -> g.op(x + ".gelu()", v -> v.get(a).gelu(), false);
      case 7 -> {
        double lo = g.c.pick(-0.5, 0.0, -1.0), hi = g.c.pick(0.5, 1.0, 0.0);
        yield lo < hi && g.op(x + ".clamp(" + lo + ", " + hi + ")", v -> v.get(a).clamp(lo, hi), false);
      }
      case 8 -> {
        double lo = g.c.pick(0.0, -0.5, 0.3);
        yield g.op(x + ".clampMin(" + lo + ")", v -> v.get(a).clampMin(lo), lo > 0);
      }
      case 9 -> g.op(x + ".abs()", v -> v.get(a).abs(), false);
      case 10 -> g.op(px + ".sqrt()", v -> p.apply(v).sqrt(), true);
      case 11 -> {
        long e = g.c.pick(2L, 3L, 1L, 0L);
        yield g.op(x + ".pow(" + e + "L)", v -> v.get(a).pow(e), false);
      }
      case 12 -> {
        double e = g.c.pick(0.5, -1.0, 1.5, -0.5, 2.0);
        yield g.op(px + ".pow(" + e + ")", v -> p.apply(v).pow(e), true);
      }
      case 13 -> g.op(x + ".square()", v -> v.get(a).square(), false);
      case 14 -> g.op(x + ".leakyRelu(0.1)", v -> v.get(a).leakyRelu(0.1), false);
      case 15 -> g.op(px + ".reciprocal()", v -> p.apply(v).reciprocal(), true);
      default -> g.op(x + ".sin()", v -> v.get(a).sin(), false);
    };
  }

  enum Binary { ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM;
    String method() { return name().toLowerCase(java.util.Locale.ROOT); }

    Tensor apply(Tensor a, Tensor b) {
      return switch (this) {
        case ADD -> a.add(b); case SUB -> a.sub(b); case MUL -> a.mul(b); case DIV -> a.div(b); case POW -> a.pow(b);
        case MAXIMUM -> a.maximum(b); case MINIMUM -> a.minimum(b);
      };
    }

    Tensor apply(Tensor a, double s) {
      return switch (this) {
        case ADD -> a.add(s); case SUB -> a.sub(s); case MUL -> a.mul(s); case DIV -> a.div(s); case POW -> a.pow(s);
        default -> throw new IllegalStateException(name() + " has no scalar form");
      };
    }
  }

  /** A second operand: a scalar (index -1), a new input that broadcasts, an earlier value that does, or a 0-dim input. */
  private static int partner(ProgramGenerator g, int a, boolean scalarOk, Kind kind) {
    int how = g.c.next(4);
    if (how == 0 && scalarOk) return -1;
    if (how == 2) {
      int p = g.broadcastPartner(g.shapeOf(a));
      if (p >= 0) return p;
    }
    if (how == 3) return g.leaf(new int[0], kind);
    return g.leaf(g.broadcastable(g.shapeOf(a)), kind);
  }

  static boolean binary(ProgramGenerator g) {
    Binary op = g.c.pick(Binary.values());
    int a = g.subject();
    boolean scalarOk = op != Binary.MAXIMUM && op != Binary.MINIMUM;
    // the divisor and the base of pow must be positive: a new input is drawn positive, others wrapped
    Kind kind = op == Binary.DIV || op == Binary.POW ? Kind.POSITIVE : Kind.NORMAL;
    boolean swap = g.c.percent(30);
    int b = partner(g, a, scalarOk && !swap, swap ? Kind.NORMAL : kind);
    if (b < 0) {
      double s = op == Binary.POW ? g.c.pick(2.0, 0.5, -1.5, 3.0) : g.c.pick(2.0, -0.5, 3.0, 1.0);
      String lhs = op == Binary.POW ? posText(g, a) : n(a);
      var la = op == Binary.POW ? pos(g, a) : (Function<List<Tensor>, Tensor>) v -> v.get(a);
      return g.op(lhs + "." + op.method() + "(" + s + ")", v -> op.apply(la.apply(v), s), false);
    }
    int l = swap ? b : a, r = swap ? a : b;
    boolean wrapL = op == Binary.POW, wrapR = op == Binary.DIV;
    var fl = wrapL ? pos(g, l) : (Function<List<Tensor>, Tensor>) v -> v.get(l);
    var fr = wrapR ? pos(g, r) : (Function<List<Tensor>, Tensor>) v -> v.get(r);
    String text = (wrapL ? posText(g, l) : n(l)) + "." + op.method() + "(" + (wrapR ? posText(g, r) : n(r)) + ")";
    return g.op(text, v -> op.apply(fl.apply(v), fr.apply(v)), false);
  }

  static boolean compareWhere(ProgramGenerator g) {
    int a = g.subject();
    String cmp = g.c.pick("gt", "lt", "ge", "le", "ne", "eq");
    int b = partner(g, a, true, Kind.NORMAL);
    double threshold = g.c.pick(0.0, 0.5, -0.3);
    String condText = n(a) + "." + cmp + "(" + (b < 0 ? Double.toString(threshold) : n(b)) + ")";
    Function<List<Tensor>, Tensor> cond = v -> {
      Tensor x = v.get(a);
      if (b < 0) return switch (cmp) {
        case "gt" -> x.gt(threshold); case "lt" -> x.lt(threshold); case "ge" -> x.ge(threshold);
        case "le" -> x.le(threshold); case "ne" -> x.ne(threshold); default -> x.eq(threshold);
      };
      Tensor y = v.get(b);
      return switch (cmp) {
        case "gt" -> x.gt(y); case "lt" -> x.lt(y); case "ge" -> x.ge(y); case "le" -> x.le(y); case "ne" -> x.ne(y);
        default -> x.eq(y);
      };
    };
    if (g.c.percent(25)) {
      double fill = g.c.pick(0.0, -1.0, 2.5);
      return g.op(n(a) + ".maskedFill(" + condText + ", " + fill + ")", v -> v.get(a).maskedFill(cond.apply(v), fill), false);
    }
    int other = partner(g, a, true, Kind.NORMAL);
    boolean swap = g.c.percent(30);
    if (other < 0) {
      double s = g.c.pick(0.0, 1.0, -2.0);
      return g.op("Torch.where(" + condText + ", " + n(a) + ", " + s + ")", v -> Torch.where(cond.apply(v), v.get(a), s), false);
    }
    int t = swap ? other : a, f = swap ? a : other;
    return g.op("Torch.where(" + condText + ", " + n(t) + ", " + n(f) + ")", v -> Torch.where(cond.apply(v), v.get(t), v.get(f)), false);
  }
}
