package dev.tcompile;

import dev.tcompile.runtime.NDArray;

import dev.tcompile.ir.GraphAlgebra;
import dev.tcompile.ir.Value;
import dev.tcompile.optim.Adam;
import dev.tcompile.optim.AdamW;
import dev.tcompile.optim.Optimizer;
import dev.tcompile.optim.ParamGroup;
import dev.tcompile.optim.RMSprop;
import dev.tcompile.optim.SGD;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An optimiser's update written in graph ops, operation for operation as its eager {@code update}, so a compiled
 * train step can apply it inside the program. What changes from step to step (learning rate, bias corrections,
 * whether a momentum buffer exists yet) comes in as scalar inputs the host computes, so a scheduler or the step
 * count never forces a recompile; options that shape the graph (momentum, betas, amsgrad...) are part of
 * {@link #key}.
 */
interface GraphUpdateRule {
  /** The rule for {@code opt}, or null when its update is not written in graph ops yet. */
  static GraphUpdateRule of(Optimizer opt) {
    if (opt.getClass() == SGD.class) return new SgdRule();
    if (opt.getClass() == Adam.class || opt.getClass() == AdamW.class) return new AdamRule(opt instanceof AdamW);
    if (opt.getClass() == RMSprop.class) return new RmsPropRule();
    return null;
  }

  /** The options that decide the graph's shape. */
  List<Object> key(ParamGroup g);

  /**
   * Whether {@code key} (an earlier {@link #key}) is still {@code g}'s: the rules compare option by option, boxing
   * nothing, as a train step asks every step.
   */
  default boolean keyEquals(ParamGroup g, List<Object> key) { return key(g).equals(key); }

  /** {@code keyed}, an element of a key, equals {@code now} as the boxed Double in a fresh key would. */
  static boolean same(Object keyed, double now) { return keyed instanceof Double d && Double.compare(d, now) == 0; }

  static boolean same(Object keyed, boolean now) { return keyed instanceof Boolean b && b == now; }

  /**
   * The state's step count plus one, as {@code step.add_(1)} under no_grad leaves it (a 0-d tensor, made at 0 on the
   * first step), written in place: {@code Optimizer.incrementStep}'s value without its eager op, which would allocate
   * per parameter and step (the optim package cannot bump a version counter itself). Returns the new count.
   */
  static double advanceStep(Map<String, Tensor> state) {
    Tensor stepT = state.computeIfAbsent("step", k -> Torch.scalar(0));
    stepT.array().setDouble(0, stepT.item() + 1);
    stepT.versionCounter().bump();
    return stepT.item();
  }

  /** The state tensors the update reads and writes, by their state-dict names. */
  List<String> stateKeys(ParamGroup g);

  /** How many per-step scalars {@link #scalars} gives. */
  int numScalars(ParamGroup g);

  /**
   * Writes this step's scalars for one parameter into {@code into}'s 0-d arrays (no array per step); may advance the
   * state's step count, as the eager update does.
   */
  void scalars(ParamGroup g, Map<String, Tensor> state, NDArray[] into);

  /** The new parameter, then the new state tensors in {@link #stateKeys} order. */
  List<Value> emit(GraphAlgebra a, ParamGroup g, Value p, Value grad, List<Value> state, List<Value> scalars);

  /** SGD: the per-step scalars are -lr and whether the momentum buffer is new (1) or not (0). */
  final class SgdRule implements GraphUpdateRule {
    @Override public List<Object> key(ParamGroup g) {
      return List.of("sgd", g.getDouble("momentum"), g.getDouble("dampening"), g.getDouble("weight_decay"), g.getBool("nesterov"));
    }

    @Override public boolean keyEquals(ParamGroup g, List<Object> k) {
      return k.size() == 5 && "sgd".equals(k.get(0)) && GraphUpdateRule.same(k.get(1), g.getDouble("momentum"))
          && GraphUpdateRule.same(k.get(2), g.getDouble("dampening")) && GraphUpdateRule.same(k.get(3), g.getDouble("weight_decay"))
          && GraphUpdateRule.same(k.get(4), g.getBool("nesterov"));
    }

    @Override public List<String> stateKeys(ParamGroup g) { return g.getDouble("momentum") != 0 ? List.of("momentum_buffer") : List.of(); }

    @Override public int numScalars(ParamGroup g) { return 2; }

    @Override public void scalars(ParamGroup g, Map<String, Tensor> state, NDArray[] into) {
      into[0].setDouble(0, -g.lr());
      into[1].setDouble(0, state.containsKey("momentum_buffer") ? 0 : 1);
    }

    @Override public List<Value> emit(GraphAlgebra a, ParamGroup g, Value p, Value grad, List<Value> state, List<Value> s) {
      double momentum = g.getDouble("momentum"), damp = g.getDouble("dampening"), wd = g.getDouble("weight_decay");
      Value d = wd != 0 ? a.add(grad, a.mul(p, wd)) : grad;
      List<Value> out = new ArrayList<>();
      Value buf = null;
      if (momentum != 0) {
        Value later = a.add(a.mul(state.get(0), momentum), a.mul(d, 1 - damp));
        buf = a.where(a.compare(BinaryOp.GT, s.get(1), a.scalarLike(0.5, s.get(1))), d, later);   // first step: buf = d
        d = g.getBool("nesterov") ? a.add(d, a.mul(buf, momentum)) : buf;
      }
      out.add(a.add(p, a.mul(d, s.get(0))));
      if (buf != null) out.add(buf);
      return out;
    }
  }

  /**
   * Adam and AdamW: the per-step scalars are -lr / (1 - b1^t), sqrt(1 - b2^t) and AdamW's 1 - lr * wd, computed in
   * double on the host from the step count as the eager update does.
   */
  final class AdamRule implements GraphUpdateRule {
    private final boolean decoupled;

    AdamRule(boolean decoupled) { this.decoupled = decoupled; }

    private static double beta(ParamGroup g, int i) { return ((Number) ((List<?>) g.options().get("betas")).get(i)).doubleValue(); }

    @Override public List<Object> key(ParamGroup g) {
      return List.of(decoupled ? "adamw" : "adam", beta(g, 0), beta(g, 1), g.getDouble("eps"), g.getDouble("weight_decay"), g.getBool("amsgrad"));
    }

    @Override public boolean keyEquals(ParamGroup g, List<Object> k) {
      return k.size() == 6 && (decoupled ? "adamw" : "adam").equals(k.get(0)) && GraphUpdateRule.same(k.get(1), beta(g, 0))
          && GraphUpdateRule.same(k.get(2), beta(g, 1)) && GraphUpdateRule.same(k.get(3), g.getDouble("eps"))
          && GraphUpdateRule.same(k.get(4), g.getDouble("weight_decay")) && GraphUpdateRule.same(k.get(5), g.getBool("amsgrad"));
    }

    @Override public List<String> stateKeys(ParamGroup g) {
      return g.getBool("amsgrad") ? List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq") : List.of("exp_avg", "exp_avg_sq");
    }

    @Override public int numScalars(ParamGroup g) { return 3; }

    @Override public void scalars(ParamGroup g, Map<String, Tensor> state, NDArray[] into) {
      double step = advanceStep(state), lr = g.lr();
      double bc1 = 1 - Math.pow(beta(g, 0), step), bc2Sqrt = Math.sqrt(1 - Math.pow(beta(g, 1), step));
      into[0].setDouble(0, -(lr / bc1));
      into[1].setDouble(0, bc2Sqrt);
      into[2].setDouble(0, 1 - lr * g.getDouble("weight_decay"));
    }

    @Override public List<Value> emit(GraphAlgebra a, ParamGroup g, Value p, Value grad, List<Value> state, List<Value> s) {
      double b1 = beta(g, 0), b2 = beta(g, 1), wd = g.getDouble("weight_decay");
      if (decoupled) p = a.mul(p, s.get(2));
      else if (wd != 0) grad = a.add(grad, a.mul(p, wd));
      Value m = a.add(a.mul(state.get(0), b1), a.mul(grad, 1 - b1));
      Value v = a.add(a.mul(state.get(1), b2), a.mul(a.mul(grad, 1 - b2), grad));
      Value second = v, max = null;
      if (g.getBool("amsgrad")) second = max = a.op(dev.tcompile.ir.ops.Elementwise.binary(BinaryOp.MAXIMUM), dev.tcompile.ir.Attrs.EMPTY, state.get(2), v);
      Value denom = a.add(a.div(a.unary(UnaryOp.SQRT, second), s.get(1)), a.scalarLike(g.getDouble("eps"), p));
      List<Value> out = new ArrayList<>(List.of(a.add(p, a.div(a.mul(m, s.get(0)), denom)), m, v));
      if (max != null) out.add(max);
      return out;
    }
  }

  /** RMSprop (weight decay, momentum, centered): the per-step scalar is -lr; the step count advances as eagerly. */
  final class RmsPropRule implements GraphUpdateRule {
    @Override public List<Object> key(ParamGroup g) {
      return List.of("rmsprop", g.getDouble("alpha"), g.getDouble("eps"), g.getDouble("weight_decay"), g.getDouble("momentum") > 0, g.getDouble("momentum"), g.getBool("centered"));
    }

    @Override public boolean keyEquals(ParamGroup g, List<Object> k) {
      return k.size() == 7 && "rmsprop".equals(k.get(0)) && GraphUpdateRule.same(k.get(1), g.getDouble("alpha"))
          && GraphUpdateRule.same(k.get(2), g.getDouble("eps")) && GraphUpdateRule.same(k.get(3), g.getDouble("weight_decay"))
          && GraphUpdateRule.same(k.get(4), g.getDouble("momentum") > 0) && GraphUpdateRule.same(k.get(5), g.getDouble("momentum"))
          && GraphUpdateRule.same(k.get(6), g.getBool("centered"));
    }

    @Override public List<String> stateKeys(ParamGroup g) {
      List<String> keys = new ArrayList<>(List.of("square_avg"));
      if (g.getDouble("momentum") > 0) keys.add("momentum_buffer");
      if (g.getBool("centered")) keys.add("grad_avg");
      return keys;
    }

    @Override public int numScalars(ParamGroup g) { return 1; }

    @Override public void scalars(ParamGroup g, Map<String, Tensor> state, NDArray[] into) {
      advanceStep(state);
      into[0].setDouble(0, -g.lr());
    }

    @Override public List<Value> emit(GraphAlgebra a, ParamGroup g, Value p, Value grad, List<Value> state, List<Value> s) {
      double alpha = g.getDouble("alpha"), eps = g.getDouble("eps"), wd = g.getDouble("weight_decay"), momentum = g.getDouble("momentum");
      boolean centered = g.getBool("centered");
      if (wd != 0) grad = a.add(grad, a.mul(p, wd));
      Value sq = a.add(a.mul(state.get(0), alpha), a.mul(a.mul(grad, 1 - alpha), grad));
      int next = 1;
      Value buf = momentum > 0 ? state.get(next++) : null, gavg = null, avg;
      if (centered) {
        gavg = a.add(a.mul(state.get(next), alpha), a.mul(grad, 1 - alpha));
        avg = a.unary(UnaryOp.SQRT, a.add(sq, a.mul(a.mul(gavg, -1.0), gavg)));
      } else {
        avg = a.unary(UnaryOp.SQRT, sq);
      }
      avg = a.add(avg, a.scalarLike(eps, avg));
      List<Value> out = new ArrayList<>();
      if (buf != null) {
        buf = a.add(a.mul(buf, momentum), a.div(grad, avg));
        out.add(a.add(p, a.mul(buf, s.get(0))));
      } else {
        out.add(a.add(p, a.div(a.mul(grad, s.get(0)), avg)));
      }
      out.add(sq);
      if (buf != null) out.add(buf);
      if (gavg != null) out.add(gavg);
      return out;
    }
  }
}
