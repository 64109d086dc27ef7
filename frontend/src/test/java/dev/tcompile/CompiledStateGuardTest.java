package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.nn.Dropout;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.Sequential;
import dev.tcompile.optim.SGD;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compiled functions never run with stale host state: write-backs, captured fields, submodule modes, aliasing. */
class CompiledStateGuardTest {

  @Test void inPlaceWritesGoToEachCallsOwnArgument() {
    CompiledFn f = Torch.compile(xs -> { xs[0].mul_(2); return xs[0].add(1); });
    Tensor a = Torch.ones(3);
    assertArrayEquals(new float[]{3, 3, 3}, f.apply(a).toFloatArray());
    Tensor b = Torch.full(5, 3);
    assertArrayEquals(new float[]{11, 11, 11}, f.apply(b).toFloatArray());
    assertArrayEquals(new float[]{2, 2, 2}, a.toFloatArray(), "the first argument is written once");
    assertArrayEquals(new float[]{10, 10, 10}, b.toFloatArray(), "the second call writes its own argument");
    assertEquals(1, f.traceCount());
  }

  @Test void aSecondArgumentWrittenInPlaceIsItsOwn() {
    CompiledFn f = Torch.compile(xs -> { xs[1].add_(xs[0]); return xs[1].sum(); });
    Tensor a = Torch.ones(2), b = Torch.zeros(2), c = Torch.full(3, 2), d = Torch.full(10, 2);
    f.apply(a, b);
    assertEquals(26f, f.apply(c, d).item());
    assertArrayEquals(new float[]{1, 1}, b.toFloatArray());
    assertArrayEquals(new float[]{13, 13}, d.toFloatArray());
    assertArrayEquals(new float[]{1, 1}, a.toFloatArray());
  }

  @Test void theSameTensorPassedTwiceIsItsOwnSignature() {
    CompiledFn f = Torch.compile(xs -> { xs[0].mul_(2); return xs[1].add(0); });
    Tensor a = Torch.ones(2), b = Torch.ones(2);
    assertArrayEquals(new float[]{1, 1}, f.apply(a, b).toFloatArray());
    Tensor c = Torch.ones(2);
    assertArrayEquals(new float[]{2, 2}, f.apply(c, c).toFloatArray(), "eager sees the write through the alias");
    assertTrue(f.recompileReasons().get(0).contains("argument 1 changed from its own tensor to argument 0"), f.recompileReasons().toString());
  }

  @Test void anArgumentThatIsACapturedTensorIsNotConfused() {
    Tensor w = Torch.full(2, 3);
    CompiledFn f = Torch.compile(xs -> xs[0].add(w));
    assertArrayEquals(new float[]{4, 4, 4}, f.apply(w).toFloatArray());
    assertArrayEquals(new float[]{3, 3, 3}, f.apply(Torch.ones(3)).toFloatArray());
  }

  /** A training loop's owner: the compiled function reads its fields. */
  static final class Scaler {
    Tensor weight = Torch.full(2, 3);
    float scale = 3;
    final CompiledFn f = Torch.compile(xs -> xs[0].mul(weight).mul(scale));
  }

  @Test void aReassignedTensorFieldIsReadAfresh() {
    Scaler s = new Scaler();
    assertArrayEquals(new float[]{6, 6, 6}, s.f.apply(Torch.ones(3)).toFloatArray());
    s.weight = Torch.full(5, 3);
    assertArrayEquals(new float[]{15, 15, 15}, s.f.apply(Torch.ones(3)).toFloatArray());
    assertEquals(2, s.f.traceCount());
    assertTrue(s.f.recompileReasons().get(0).contains("Scaler.weight changed"), s.f.recompileReasons().toString());
  }

  @Test void aChangedScalarFieldRetraces() {
    Scaler s = new Scaler();
    assertArrayEquals(new float[]{6, 6, 6}, s.f.apply(Torch.ones(3)).toFloatArray());
    s.scale = 10;
    assertArrayEquals(new float[]{20, 20, 20}, s.f.apply(Torch.ones(3)).toFloatArray());
    assertEquals(1, s.f.recompileReasons().size());
    assertTrue(s.f.recompileReasons().get(0).endsWith("Scaler.scale changed from 3.0 to 10.0"), s.f.recompileReasons().toString());
    assertArrayEquals(new float[]{20, 20, 20}, s.f.apply(Torch.ones(3)).toFloatArray());
    assertEquals(2, s.f.traceCount(), "unchanged state reuses the program");
  }

  static int staticCalls;
  static double staticScale = 2;

  @Test void aStaticFieldOfTheCallerIsGuarded() {
    CompiledFn f = Torch.compile(xs -> xs[0].mul(staticScale));
    assertArrayEquals(new float[]{2, 2}, f.apply(Torch.ones(2)).toFloatArray());
    staticScale = 4;
    try {
      assertArrayEquals(new float[]{4, 4}, f.apply(Torch.ones(2)).toFloatArray());
    } finally {
      staticScale = 2;
    }
  }

  @Test void stateThatChangesWithoutChangingTheProgramKeepsIt() {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    try {
      CompiledFn f = Torch.compile(xs -> { staticCalls++; return xs[0].mul(2); });
      for (int i = 0; i < 12; i++) assertArrayEquals(new float[]{2}, f.apply(Torch.ones(1)).toFloatArray());
      assertEquals(12, f.traceCount(), "the counter changes on every call, so every call retraces");
      assertEquals(List.of(), f.recompileReasons(), "... and finds the same program");
      assertTrue(err.toString().contains("traced again on 8 calls in a row because "), err.toString());
    } finally {
      System.setErr(old);
    }
  }

  @Test void aChildSwitchedToEvalWhileTheParentTrains() {
    Torch.manualSeed(0);
    Module model = new Sequential(new Linear(4, 4), new Dropout(0.5));
    Module compiled = Torch.compile(model);
    Tensor x = Torch.ones(2, 4);
    compiled.forward(x);
    List<Module> kids = new java.util.ArrayList<>();
    model.children().forEach(kids::add);
    kids.get(1).eval();
    assertTrue(model.isTraining());
    Tensor eager;
    try (var g = Torch.noGrad()) { eager = model.forward(x); }
    Tensor out;
    try (var g = Torch.noGrad()) { out = compiled.forward(x); }
    assertArrayEquals(eager.toFloatArray(), out.toFloatArray(), "dropout is off in the child");
  }

  @Test void aTrainStepFollowsAChildsMode() {
    Torch.manualSeed(0);
    Module model = new Sequential(new Linear(4, 2), new Dropout(0.9));
    TrainStep step = Torch.compileTrainStep(model, (out, t) -> out.sub(t).pow(2).mean(), new SGD(model.parameters(), 0.0));
    Tensor x = Torch.ones(3, 4), t = Torch.zeros(3, 2);
    step.step(x, t);
    List<Module> kids = new java.util.ArrayList<>();
    model.children().forEach(kids::add);
    kids.get(1).eval();
    Tensor expected;
    try (var g = Torch.noGrad()) { expected = model.forward(x).sub(t).pow(2).mean(); }
    assertEquals(expected.item(), step.step(x, t).item(), 1e-6);
    // one program per mode: dropout in training draws random numbers (forward and backward compiled, the update
    // eager); with the child in eval() the whole step becomes one program
    assertEquals(2, step.programsBuilt());
    assertEquals(1, step.compiled().traceCount());
    assertEquals(1, step.notes().size(), step.notes().toString());
  }

  @Test void aFieldReassignedOnEveryCallEndsEagerNotRecompilingForever() {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    try {
      Scaler s = new Scaler();
      for (int i = 1; i <= 20; i++) {
        s.weight = Torch.full(i, 2);
        assertArrayEquals(new float[]{3f * i, 3f * i}, s.f.apply(Torch.ones(2)).toFloatArray(), "call " + i);
      }
      assertEquals(new CompileOptions().recompileLimit(), s.f.recompileReasons().size());
      assertTrue(err.toString().contains("it runs eagerly for this signature from now on"), err.toString());
    } finally {
      System.setErr(old);
    }
  }
}
