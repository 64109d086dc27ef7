package dev.tcompile.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import dev.tcompile.Torch;
import dev.tcompile.nn.NnGoldens;
import dev.tcompile.nn.Parameter;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Learning rates over 25 epochs against PyTorch's schedulers (each step after an optimiser step). */
class SchedulerGoldenTest {
  private static void check(String name, Function<Optimizer, LRScheduler> make) {
    JsonArray expected = NnGoldens.json().getAsJsonObject("schedulers").getAsJsonArray(name);
    SGD opt = new SGD(List.of(new Parameter(Torch.zeros(1))), 0.1);
    LRScheduler sched = make.apply(opt);
    assertEquals(expected.get(0).getAsDouble(), opt.paramGroups().get(0).lr(), 1e-15, name + " epoch 0");
    for (int e = 1; e < expected.size(); e++) {
      opt.step();
      sched.step();
      double want = expected.get(e).getAsDouble();
      assertEquals(want, opt.paramGroups().get(0).lr(), Math.abs(want) * 1e-12 + 1e-18, name + " epoch " + e);
      assertEquals(List.of(opt.paramGroups().get(0).lr()), sched.getLastLr());
    }
  }

  @Test void stepLr() { check("step_lr", o -> new StepLR(o, 3, 0.5)); }

  @Test void cosineAnnealing() { check("cosine", o -> new CosineAnnealingLR(o, 10)); }

  @Test void cosineAnnealingWithFloor() { check("cosine_eta_min", o -> new CosineAnnealingLR(o, 7, 0.01)); }
}
