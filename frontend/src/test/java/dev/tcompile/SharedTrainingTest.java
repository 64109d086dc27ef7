package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.Sequential;
import dev.tcompile.nn.ReLU;
import dev.tcompile.optim.Adam;
import dev.tcompile.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A TrainStep or an optimiser shared by threads works: steps are serialised, gradients never torn. */
class SharedTrainingTest {
  private static Module model() {
    Torch.manualSeed(3);
    return new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
  }

  private static void inThreads(int threads, Runnable body) throws InterruptedException {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        try { body.run(); } catch (Throwable e) { failures.add(e); }
      });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) th.join();
    if (!failures.isEmpty()) throw new AssertionError("a thread failed: " + failures.get(0), failures.get(0));
  }

  @Test void aSharedTrainStepRunsEveryStepWhole() throws InterruptedException {
    Tensor x = Torch.ones(5, 4), y = Torch.zeros(5, 2);
    Module alone = model();
    TrainStep sequential = Torch.compileTrainStep(alone, (out, t) -> out.sub(t).pow(2).mean(), new SGD(alone.parameters(), 0.01));
    for (int i = 0; i < 200; i++) sequential.step(x, y);

    Module shared = model();
    TrainStep step = Torch.compileTrainStep(shared, (out, t) -> out.sub(t).pow(2).mean(), new SGD(shared.parameters(), 0.01));
    inThreads(4, () -> { for (int i = 0; i < 50; i++) step.step(x, y); });
    for (int p = 0; p < alone.parameters().size(); p++)
      assertArrayEquals(alone.parameters().get(p).toFloatArray(), shared.parameters().get(p).toFloatArray(), "parameter " + p);
    assertEquals(1, step.programsBuilt(), "compiled once, as one program: " + step.notes());
  }

  /**
   * Eager loops sharing parameters race as in PyTorch: another thread's update may change a weight that a
   * backward still needs, which is PyTorch's clear in-place error, never a NullPointerException.
   */
  @Test void aSharedOptimiserInEagerLoopsFailsOnlyClearly() throws InterruptedException {
    Module m = model();
    Adam opt = new Adam(m.parameters(), 1e-3);
    java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
    inThreads(4, () -> {
      for (int i = 0; i < 100; i++) {
        try {
          opt.zeroGrad();
          m.forward(Torch.ones(3, 4)).sum().backward();
          opt.step();
          completed.incrementAndGet();
        } catch (TorchException e) {
          if (!e.getMessage().startsWith("one of the variables needed for gradient computation has been modified by an inplace operation"))
            throw e;
        }
      }
    });
    assertEquals(true, completed.get() > 0);
    for (Tensor p : m.parameters()) for (float v : p.toFloatArray()) assertEquals(v, v, "no NaN in the parameters");
  }
}
