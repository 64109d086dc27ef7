package dev.tcompile.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.nn.Parameter;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * LBFGS on float64 parameters against PyTorch 1.13 (goldens/lbfgs_float64.json from tools/goldens/lbfgs_float64.py):
 * its dots, step sizes and curvature scalars are then float64 tensors or Python floats, double arithmetic
 * throughout. Rosenbrock's gradient has no summation order, so its trajectories match bit for bit; the least-squares
 * problem sums six products per residual, and is held to 1e-12 relative.
 */
class LbfgsFloat64GoldenTest {
  private static final JsonObject G;
  private static final DType F64 = DType.FLOAT64;

  static {
    try (var in = LbfgsFloat64GoldenTest.class.getResourceAsStream("/goldens/lbfgs_float64.json")) {
      G = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static double[] doubles(JsonArray a) {
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) d[i] = a.get(i).getAsDouble();
    return d;
  }

  private static LBFGS make(List<Tensor> ps, JsonObject o) {
    double lr = o.has("lr") ? o.get("lr").getAsDouble() : 1;
    int maxIter = o.has("max_iter") ? o.get("max_iter").getAsInt() : 20;
    int history = o.has("history_size") ? o.get("history_size").getAsInt() : 100;
    String ls = o.has("line_search_fn") ? o.get("line_search_fn").getAsString() : null;
    return new LBFGS(ps, lr, maxIter, null, 1e-7, 1e-9, history, ls);
  }

  @TestFactory
  Stream<DynamicTest> trajectoriesMatchPyTorch() {
    return G.getAsJsonArray("trajectories").asList().stream().map(JsonElement::getAsJsonObject).map(c ->
        DynamicTest.dynamicTest(c.get("name").getAsString(), () -> {
          boolean rosenbrock = c.get("problem").getAsString().equals("rosenbrock");
          List<Tensor> ps = new ArrayList<>();
          Tensor a = null, b = null;
          if (rosenbrock) ps.add(new Parameter(Torch.tensor(new double[]{-1.5, 2.0}, F64)));
          else {
            double[] av = new double[24], bv = new double[6];
            for (int i = 0; i < 6; i++) {
              for (int j = 0; j < 4; j++) av[i * 4 + j] = (i * 7 + j * 3) % 11 / 8.0 - 0.5;
              bv[i] = (i * 5) % 7 / 4.0 - 0.75;
            }
            a = Torch.tensor(av, F64).reshape(6, 4);
            b = Torch.tensor(bv, F64);
            ps.add(new Parameter(Torch.tensor(new double[]{0.25, -0.5, 0.75, 1.0}, F64)));
            ps.add(new Parameter(Torch.tensor(new double[]{0.125}, F64).reshape()));
          }
          LBFGS opt = make(ps, c.getAsJsonObject("opts"));
          Tensor fa = a, fb = b;
          Supplier<Tensor> closure = () -> {
            opt.zeroGrad();
            Tensor loss;
            if (rosenbrock) {
              loss = MoreOptimizersGoldenTest.rosenbrock(ps.get(0));
            } else {
              Tensor r = fa.mv(ps.get(0)).add(ps.get(1)).sub(fb);
              loss = r.mul(r).sum();
            }
            loss.backward();
            return loss;
          };
          double tol = rosenbrock ? 0 : 1e-12;
          JsonArray steps = c.getAsJsonArray("steps");
          for (int k = 0; k < steps.size(); k++) {
            JsonObject want = steps.get(k).getAsJsonObject();
            Tensor loss = opt.step(closure);
            assertEquals(F64, loss.dtype());
            assertClose(want.get("loss").getAsDouble(), loss.itemDouble(), tol, "loss at step " + k);
            JsonArray params = want.getAsJsonArray("params");
            for (int p = 0; p < ps.size(); p++) {
              double[] w = doubles(params.get(p).getAsJsonArray()), got = ps.get(p).reshape(-1).toDoubleArray();
              assertEquals(F64, ps.get(p).dtype());
              for (int i = 0; i < w.length; i++) assertClose(w[i], got[i], tol, "parameter " + p + "[" + i + "] after step " + k);
            }
            assertEquals(want.get("func_evals").getAsLong(), opt.state(ps.get(0)).get("func_evals").item(), 0, "func_evals at step " + k);
            assertEquals(want.get("n_iter").getAsLong(), opt.state(ps.get(0)).get("n_iter").item(), 0, "n_iter at step " + k);
          }
        }));
  }

  private static void assertClose(double want, double got, double rel, String what) {
    if (rel == 0) assertEquals(want, got, 0, what + " (bit for bit)");
    else assertEquals(want, got, rel * Math.max(Math.abs(want), 1e-3), what);
  }
}
