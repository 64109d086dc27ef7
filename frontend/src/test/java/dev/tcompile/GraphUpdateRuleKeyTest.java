package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.optim.Adam;
import dev.tcompile.optim.AdamW;
import dev.tcompile.optim.Optimizer;
import dev.tcompile.optim.ParamGroup;
import dev.tcompile.optim.RMSprop;
import dev.tcompile.optim.SGD;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A train step compares each group's options with the key its program was built for every step, option by option
 * ({@link GraphUpdateRule#keyEquals}): it must answer exactly as comparing a fresh {@link GraphUpdateRule#key}.
 */
class GraphUpdateRuleKeyTest {
  private static final List<Tensor> PARAMS = List.of(Torch.zeros(3).requiresGrad_(true));

  /** Each option's value changed, one at a time: the key comparison and keyEquals agree before and after. */
  private static void check(Optimizer opt, Map<String, Object> changes) {
    GraphUpdateRule rule = GraphUpdateRule.of(opt);
    ParamGroup g = opt.paramGroups().get(0);
    for (Map.Entry<String, Object> c : changes.entrySet()) {
      List<Object> key = rule.key(g);
      assertEquals(true, rule.keyEquals(g, key), c.getKey());
      Object was = g.options().get(c.getKey());
      g.with(c.getKey(), c.getValue());
      assertEquals(rule.key(g).equals(key), rule.keyEquals(g, key), "after changing " + c.getKey() + " to " + c.getValue());
      assertEquals(false, rule.keyEquals(g, key), c.getKey() + " shapes the program");
      g.with(c.getKey(), was);
      assertEquals(true, rule.keyEquals(g, key), c.getKey() + " restored");
    }
  }

  @Test void sgd() {
    check(new SGD(PARAMS, 0.1, 0.9), Map.of("momentum", 0.5, "dampening", 0.1, "weight_decay", 1e-4, "nesterov", true));
    // momentum 0 -> -0.0 is a different boxed key (Double.equals), and so for keyEquals
    SGD sgd = new SGD(PARAMS, 0.1);
    check(sgd, Map.of("momentum", -0.0));
  }

  @Test void adamAndAdamW() {
    check(new Adam(PARAMS, 1e-3), Map.of("betas", List.of(0.8, 0.999), "eps", 1e-6, "weight_decay", 0.01, "amsgrad", true));
    check(new AdamW(PARAMS, 1e-3), Map.of("betas", List.of(0.9, 0.99), "eps", 1e-6, "weight_decay", 0.5, "amsgrad", true));
  }

  @Test void rmsprop() {
    check(new RMSprop(PARAMS, 1e-2), Map.of("alpha", 0.9, "eps", 1e-6, "weight_decay", 0.01, "momentum", 0.5, "centered", true));
  }

  @Test void theLearningRateIsNotPartOfTheKey() {
    SGD sgd = new SGD(PARAMS, 0.1, 0.9);
    GraphUpdateRule rule = GraphUpdateRule.of(sgd);
    List<Object> key = rule.key(sgd.paramGroups().get(0));
    sgd.paramGroups().get(0).setLr(0.01);
    assertEquals(true, rule.keyEquals(sgd.paramGroups().get(0), key));
  }
}
