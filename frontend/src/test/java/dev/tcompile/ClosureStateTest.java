package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The per-call guard compares the host state with the last one in place: the same state object back when nothing
 * changed (without allocating), a fresh walk naming the change when anything did.
 */
class ClosureStateTest {
  static final class Config {
    float scale = 2f;
    int[] dims = {1, 2, 3};
    double[] big = new double[200];
    Tensor weight = Torch.ones(2);
    Config self = this;
    Config other;
    boolean training = true;
  }

  private static Supplier<Float> closureOver(Config c) { return () -> c.scale * c.dims[0]; }

  @Test void anUnchangedStateIsTheSameObject() {
    Config c = new Config();
    c.other = new Config();
    Supplier<Float> fn = closureOver(c);
    ClosureState then = ClosureState.of(fn);
    assertSame(then, ClosureState.current(fn, then));
    assertNull(ClosureState.current(fn, then).changedSince(then, fn));
  }

  @Test void eachKindOfChangeGivesAFreshStateNamingIt() {
    Config c = new Config();
    c.other = new Config();
    Supplier<Float> fn = closureOver(c);
    java.util.List<Runnable> changes = java.util.List.of(
        () -> c.scale = 3f, () -> c.dims[2] = 7, () -> c.dims = new int[]{1, 2}, () -> c.big = new double[200],
        () -> c.weight = Torch.ones(2), () -> c.self = c.other, () -> c.training = false, () -> c.other.scale = Float.NaN,
        () -> c.other = null);
    java.util.List<String> whereChanged = java.util.List.of("Config.scale", "Config.dims", "Config.dims", "Config.big",
        "Config.weight", "Config.self", "Config.training", "Config.self > Config.scale", "Config.other");
    for (int i = 0; i < changes.size(); i++) {
      ClosureState then = ClosureState.of(fn);
      changes.get(i).run();
      ClosureState now = ClosureState.current(fn, then);
      assertNotSame(then, now, "change " + i);
      String why = now.changedSince(then, fn);
      assertTrue(why != null && why.startsWith("captured Config > " + whereChanged.get(i) + " changed from"), "change " + i + ": " + why);
    }
    // NaN equals NaN (as Float.equals has it): no change (c.self now reaches c.other first)
    ClosureState then = ClosureState.of(fn);
    assertSame(then, ClosureState.current(fn, then));
  }

  @Test void comparingAnUnchangedStateAllocatesNothing() {
    Config c = new Config();
    c.other = new Config();
    Supplier<Float> fn = closureOver(c);
    ClosureState then = ClosureState.of(fn);
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().threadId();
    long perCall = Long.MAX_VALUE;
    for (int round = 0; round < 50 && perCall > 0; round++) {
      long before = mx.getThreadAllocatedBytes(id);
      for (int i = 0; i < 1000; i++) assertSame(then, ClosureState.current(fn, then));
      perCall = (mx.getThreadAllocatedBytes(id) - before) / 1000;
    }
    assertEquals(0, perCall, "bytes allocated per comparison");
  }
}
