package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.nn.F;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;
import dev.tcompile.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Why a function or train step is compiled again goes to the debug log (logger dev.tcompile.compile), once per reason,
 * and so does a loss's forward+backward speculation starting or ending.
 */
class CompileLogTest {
  private static List<String> capture(Runnable r) {
    Logger l = Logger.getLogger("dev.tcompile.compile");
    List<String> lines = new ArrayList<>();
    Handler h = new Handler() {
      @Override public void publish(LogRecord rec) { lines.add(rec.getMessage()); }
      @Override public void flush() {}
      @Override public void close() {}
    };
    h.setLevel(Level.ALL);
    Level before = l.getLevel();
    l.setLevel(Level.FINE);
    l.addHandler(h);
    try {
      r.run();
    } finally {
      l.removeHandler(h);
      l.setLevel(before);
    }
    return lines;
  }

  @Test void aNewBatchSizeIsLoggedOnceAtDebugLevel() {
    Torch.manualSeed(0);
    Module m = new Linear(5, 3);
    TrainStep step = Torch.compileTrainStep(m, F::crossEntropy, new SGD(m.parameters(), 0.1));
    CompiledFn f = Torch.compile(xs -> xs[0].mul(2).sum());
    List<String> lines = capture(() -> {
      for (int epoch = 0; epoch < 3; epoch++) {
        step.step(Torch.randn(8, 5), Torch.randint(0, 3, 8));
        step.step(Torch.randn(3, 5), Torch.randint(0, 3, 3));   // the epoch's smaller last batch
        f.apply(Torch.randn(8, 5));
        f.apply(Torch.randn(3, 5));
      }
    });
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("tcompile: the train step compiled again: ") && lines.get(0).contains("8"), lines.get(0));
    assertTrue(lines.get(1).contains(" compiled again: "), lines.get(1));
    assertEquals(2, step.programsBuilt(), "the last batch's program is compiled once and cached");
  }

  @Test void aLossSpeculationStartingAndEndingIsLogged() {
    Tensor x = Torch.randn(100).requiresGrad_(true);
    CompiledFn f = Torch.compile(xs -> xs[0].tanh().sum());
    List<String> lines = capture(() -> {
      for (int i = 0; i < 3; i++) f.apply(x).backward();
      f.apply(x).backward(Torch.scalar(2));
    });
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).endsWith(": forward and backward run as one program from now on (2 unit-seed backwards in a row)"), lines.get(0));
    assertTrue(lines.get(1).endsWith(": forward and backward run separately again: a backward with seed 2.0"), lines.get(1));
  }

  @Test void nothingIsLoggedAtTheDefaultLevel() {
    CompiledFn f = Torch.compile(xs -> xs[0].exp());
    Logger l = Logger.getLogger("dev.tcompile.compile");
    List<String> lines = new ArrayList<>();
    Handler h = new Handler() {
      @Override public void publish(LogRecord rec) { lines.add(rec.getMessage()); }
      @Override public void flush() {}
      @Override public void close() {}
    };
    l.addHandler(h);
    try {
      f.apply(Torch.randn(2));
      f.apply(Torch.randn(3));
    } finally {
      l.removeHandler(h);
    }
    assertEquals(List.of(), lines);
  }
}
