package dev.tcompile.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Parameter;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Adadelta, Adagrad and LBFGS (plain and strong-Wolfe) against PyTorch 1.13 on a small MLP from fixed values and
 * on the 2-D Rosenbrock function: losses and every parameter after every step, LBFGS's evaluation counters,
 * state keys, reprs and errors
 * (goldens/optim_more.json from tools/goldens/optim_more.py).
 */
class MoreOptimizersGoldenTest {
  private static final JsonObject G;
  private static final Map<String, Function<List<Tensor>, Optimizer>> MAKE = new LinkedHashMap<>();
  /**
   * Largest relative difference allowed (1e-6 unless listed). On the MLP the gradients differ from PyTorch's
   * in the last bits (matmul and reduction order), which LBFGS amplifies, so LBFGS runs there only one short
   * step; on Rosenbrock the gradient is exact and LBFGS must match bit for bit.
   */
  private static final Map<String, Double> TOLERANCE = Map.of("lbfgs", 0.0, "lbfgs_small_history", 0.0, "lbfgs_strong_wolfe", 0.0,
      "lbfgs_strong_wolfe_lr", 0.0, "lbfgs_rosenbrock", 0.0, "lbfgs_rosenbrock_strong_wolfe", 0.0);

  static {
    try (var in = MoreOptimizersGoldenTest.class.getResourceAsStream("/goldens/optim_more.json")) {
      G = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    MAKE.put("adadelta", Adadelta::new);
    MAKE.put("adadelta_opts", ps -> new Adadelta(ps, 0.5, 0.8, 1e-5, 0.1));
    MAKE.put("adadelta_maximize", ps -> new Adadelta(List.of(new ParamGroup(ps)), 0.1, 0.9, 1e-6, 0, true));
    MAKE.put("adagrad", ps -> new Adagrad(ps, 0.1));
    MAKE.put("adagrad_opts", ps -> new Adagrad(ps, 0.05, 0.01, 0.05, 0.1, 1e-8));
    MAKE.put("adagrad_closure", ps -> new Adagrad(ps, 0.1));
    MAKE.put("lbfgs_mlp_short", ps -> new LBFGS(ps, 1, 3, null, 1e-7, 1e-9, 100, null));
    MAKE.put("lbfgs", LBFGS::new);
    MAKE.put("lbfgs_small_history", ps -> new LBFGS(ps, 0.5, 4, null, 1e-7, 1e-9, 3, null));
    MAKE.put("lbfgs_strong_wolfe", ps -> new LBFGS(ps, 1, 20, null, 1e-7, 1e-9, 100, "strong_wolfe"));
    MAKE.put("lbfgs_strong_wolfe_lr", ps -> new LBFGS(ps, 0.3, 6, null, 1e-7, 1e-9, 5, "strong_wolfe"));
    MAKE.put("lbfgs_rosenbrock", ps -> new LBFGS(ps, 0.1, 10, null, 1e-7, 1e-9, 100, null));
    MAKE.put("lbfgs_rosenbrock_strong_wolfe", ps -> new LBFGS(ps, 1, 10, null, 1e-7, 1e-9, 4, "strong_wolfe"));
    MAKE.put("lbfgs_strong_wolfe_mlp_short", ps -> new LBFGS(ps, 1, 3, null, 1e-7, 1e-9, 100, "strong_wolfe"));
  }

  /** The 2-D Rosenbrock function of p = (x, y), as the golden scripts write it: 100 (y - x^2)^2 + (1 - x)^2. */
  static Tensor rosenbrock(Tensor p) {
    Tensor p0 = p.select(0, 0), p1 = p.select(0, 1);
    return p1.sub(p0.pow(2)).pow(2).mul(100L).add(p0.rsub(1L).pow(2));
  }

  /** A tensor of any rank from nested JSON lists. */
  static Tensor tensor(JsonElement e) {
    List<Integer> shape = new ArrayList<>();
    JsonElement cur = e;
    while (cur.isJsonArray()) {
      shape.add(cur.getAsJsonArray().size());
      cur = cur.getAsJsonArray().size() > 0 ? cur.getAsJsonArray().get(0) : null;
      if (cur == null) break;
    }
    List<Float> flat = new ArrayList<>();
    flatten(e, flat);
    float[] v = new float[flat.size()];
    for (int i = 0; i < v.length; i++) v[i] = flat.get(i);
    return Torch.tensor(v).reshape(shape.stream().mapToInt(Integer::intValue).toArray());
  }

  private static void flatten(JsonElement e, List<Float> out) {
    if (e.isJsonArray()) for (JsonElement x : e.getAsJsonArray()) flatten(x, out);
    else out.add((float) e.getAsDouble());
  }

  /** Relative difference (values below 0.1 in magnitude are compared as if they were 0.1). */
  private static double diff(float want, float got) { return Math.abs(want - got) / Math.max(Math.abs(want), 0.1); }

  private static Stream<JsonObject> cases() {
    return G.getAsJsonArray("trajectories").asList().stream().map(JsonElement::getAsJsonObject);
  }

  @Test
  void everyGoldenTrajectoryIsChecked() {
    assertEquals(new ArrayList<>(MAKE.keySet()), cases().map(c -> c.get("name").getAsString()).toList());
  }

  @TestFactory
  Stream<DynamicTest> trajectoriesMatchPyTorch() {
    return cases().map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> {
      String name = c.get("name").getAsString();
      String problem = c.get("problem").getAsString();
      boolean rosenbrock = problem.equals("rosenbrock");
      List<Tensor> ps = new ArrayList<>();
      Tensor x, y;
      if (rosenbrock) {
        x = y = null;
        ps.add(new Parameter(Torch.tensor(-1.5f, 2f)));
      } else {
        x = tensor(G.get("x"));
        y = tensor(G.get("y"));
        for (JsonElement init : G.getAsJsonArray("init")) ps.add(new Parameter(tensor(init)));
      }
      Optimizer opt = MAKE.get(name).apply(ps);
      java.util.function.Supplier<Tensor> closure = () -> {
        opt.zeroGrad();
        Tensor loss;
        if (rosenbrock) {
          loss = rosenbrock(ps.get(0));
        } else {
          Tensor h = F.linear(x, ps.get(0), ps.get(1)).tanh();
          loss = F.mseLoss(F.linear(h, ps.get(2), ps.get(3)), y);
        }
        loss.backward();
        return loss;
      };
      boolean closureStyle = name.startsWith("lbfgs") || name.endsWith("closure");
      double worst = 0;
      String worstAt = "";
      JsonArray steps = c.getAsJsonArray("steps");
      for (int k = 0; k < steps.size(); k++) {
        JsonObject want = steps.get(k).getAsJsonObject();
        Tensor loss;
        if (closureStyle) {
          loss = opt.step(closure);
        } else {
          loss = closure.get();
          opt.step();
        }
        String at = name + " step " + k;
        double dl = diff(want.get("loss").getAsFloat(), loss.item());
        if (dl > worst) { worst = dl; worstAt = at + " loss"; }
        JsonArray wantParams = want.getAsJsonArray("params");
        for (int i = 0; i < ps.size(); i++) {
          float[] w = tensor(wantParams.get(i)).toFloatArray(), g = ps.get(i).toFloatArray();
          for (int j = 0; j < w.length; j++) {
            double dp = diff(w[j], g[j]);
            if (dp > worst) { worst = dp; worstAt = at + " param " + i + "[" + j + "]"; }
          }
        }
        if (want.has("func_evals")) {
          Map<String, Tensor> st = opt.state(ps.get(0));
          assertEquals(want.get("func_evals").getAsLong(), (long) st.get("func_evals").item(), at + " func_evals");
          assertEquals(want.get("n_iter").getAsLong(), (long) st.get("n_iter").item(), at + " n_iter");
        }
      }
      assertTrue(worst <= TOLERANCE.getOrDefault(name, 1e-6), name + ": largest difference " + worst + " at " + worstAt);
      if (!name.startsWith("lbfgs")) {
        List<List<String>> keys = new ArrayList<>();
        for (Map<String, Tensor> s : opt.stateDict().state().values()) keys.add(List.copyOf(s.keySet()));
        assertEquals(c.get("state_keys").toString().replace("\"", ""), keys.toString().replace(" ", ""));
      }
      assertEquals(c.get("repr").getAsString(), opt.toString());
    }));
  }

  @Test
  void reprsMatchPyTorch() {
    JsonObject r = G.getAsJsonObject("reprs");
    List<Tensor> p = List.of(new Parameter(Torch.zeros(2)));
    assertEquals(r.get("sgd").getAsString(), new SGD(p, 0.1).toString());
    assertEquals(r.get("sgd_momentum").getAsString(), new SGD(p, 0.1, 0.9, 0, 1e-4, false).toString());
    assertEquals(r.get("adam").getAsString(), new Adam(p, 1e-3).toString());
    assertEquals(r.get("adamw").getAsString(), new AdamW(p, 1e-3).toString());
    assertEquals(r.get("rmsprop").getAsString(), new RMSprop(p, 1e-2).toString());
    assertEquals(r.get("adadelta").getAsString(), new Adadelta(p).toString());
    assertEquals(r.get("adagrad").getAsString(), new Adagrad(p).toString());
    assertEquals(r.get("lbfgs").getAsString(), new LBFGS(p).toString());
    assertEquals(r.get("lbfgs_wolfe").getAsString(), new LBFGS(p, 0.5, 7, null, 1e-7, 1e-9, 100, "strong_wolfe").toString());
  }

  private static String error(Runnable r) {
    return assertThrows(TorchException.class, r::run).getMessage();
  }

  private static String pyMessage(String key) {
    String s = G.getAsJsonObject("errors").get(key).getAsString();
    return s.substring(s.indexOf(": ") + 2);
  }

  @Test
  void argumentErrorsMatchPyTorch() {
    List<Tensor> p = List.of(new Parameter(Torch.zeros(2)));
    assertEquals(pyMessage("adadelta_rho"), error(() -> new Adadelta(p, 1.0, 1.5, 1e-6, 0)));
    assertEquals(pyMessage("adadelta_lr"), error(() -> new Adadelta(p, -1.0)));
    assertEquals(pyMessage("adadelta_eps"), error(() -> new Adadelta(p, 1.0, 0.9, -1e-6, 0)));
    assertEquals(pyMessage("adadelta_wd"), error(() -> new Adadelta(p, 1.0, 0.9, 1e-6, -0.5)));
    assertEquals(pyMessage("adagrad_lr_decay"), error(() -> new Adagrad(p, 0.01, -0.1, 0, 0, 1e-10)));
    assertEquals(pyMessage("adagrad_init"), error(() -> new Adagrad(p, 0.01, 0, 0, -0.1, 1e-10)));
    assertEquals(pyMessage("adagrad_eps"), error(() -> new Adagrad(p, 0.01, 0, 0, 0, -0.1)));
    LBFGS one = new LBFGS(p);
    assertEquals(pyMessage("lbfgs_groups"), error(() -> one.addParamGroup(new ParamGroup(List.of(new Parameter(Torch.zeros(1)))))));
    Parameter q = new Parameter(Torch.ones(2));
    LBFGS armijo = new LBFGS(List.of(q), 1, 20, null, 1e-7, 1e-9, 100, "armijo");
    assertEquals(pyMessage("lbfgs_line_search"), error(() -> armijo.step(() -> {
      q.setGrad(null);
      Tensor l = q.mul(q).sum();
      l.backward();
      return l;
    })));
    assertEquals("step() missing 1 required positional argument: 'closure'", error(one::step));
  }
}
