package dev.tcompile.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Torch;
import dev.tcompile.fuzz.Program.Kind;
import dev.tcompile.fuzz.Program.Layout;
import dev.tcompile.fuzz.Program.Leaf;
import dev.tcompile.fuzz.Program.Op;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The fuzzer's own machinery: reproducible programs, coverage of the op families, detection and shrinking. */
class FuzzHarnessTest {
  private static Program generate(long seed) { return ProgramGenerator.generate(Choices.fresh(seed), seed); }

  @Test void aSeedAndAChoiceListEachRebuildTheSameProgram() {
    for (long seed = 1; seed <= 20; seed++) {
      Program p = generate(seed);
      assertEquals(p.describe(), generate(seed).describe());
      Program replayed = ProgramGenerator.generate(Choices.replay(p.choices()), seed);
      assertEquals(p.describe(), replayed.describe());
    }
  }

  /** The generator reaches every family it promises (an op that always failed validation would vanish silently). */
  @Test void programsCoverTheOpFamiliesSizesAndInputKinds() {
    Set<String> ops = new TreeSet<>();
    Set<Integer> sizes = new TreeSet<>();
    Set<String> inputs = new TreeSet<>();
    Pattern call = Pattern.compile("(?:\\.|F\\.|Torch\\.)(\\w+)\\(");
    for (long seed = 0; seed < 400; seed++) {
      for (Program.Node n : generate(DifferentialFuzzTest.programSeed(99, seed)).nodes()) {
        if (n instanceof Op o) {
          Matcher m = call.matcher(o.text());
          while (m.find()) ops.add(m.group(1));
        } else if (n instanceof Leaf l) {
          for (int s : l.shape()) sizes.add(s);
          inputs.add(l.kind() + (l.requiresGrad() ? " grad" : " nograd"));
          inputs.add(l.layout().toString());
          if (l.captured()) inputs.add("captured");
          if (l.sameAs() >= 0) inputs.add("aliased");
        }
      }
    }
    for (String op : List.of("add", "sub", "mul", "div", "pow", "neg", "exp", "log", "tanh", "sigmoid", "relu", "gelu", "clamp",
        "where", "maskedFill", "gt", "lt", "sum", "mean", "max", "amax", "transpose", "permute", "reshape", "narrow", "select",
        "unsqueeze", "squeeze", "expand", "matmul", "mm", "bmm", "conv2d", "maxPool2d", "avgPool2d", "softmax", "logSoftmax",
        "mseLoss", "crossEntropy", "nllLoss"))
      assertTrue(ops.contains(op), op + " never generated; generated: " + ops);
    for (int s : new int[]{1, 3, 7, 17, 33}) assertTrue(sizes.contains(s), "size " + s + " never generated: " + sizes);
    for (String k : List.of("NORMAL grad", "NORMAL nograd", "CLASSES nograd", "TRANSPOSED_LEAF", "TRANSPOSED_VIEW", "captured", "aliased"))
      assertTrue(inputs.contains(k), k + " never generated: " + inputs);
  }

  /** A program whose op computes something else while traced (tracing runs under no_grad) is caught. */
  @Test void aCompiledProgramThatComputesSomethingElseIsReported() {
    Leaf x = new Leaf(new int[]{3}, Kind.NORMAL, 0, true, Layout.CONTIGUOUS, false, -1);
    Op sneaky = new Op("v0.mul(Torch.isGradEnabled() ? 2 : 3)", v -> v.get(0).mul(Torch.isGradEnabled() ? 2.0 : 3.0));
    Differential.Failure f = Differential.check(new Program(List.of(x, sneaky), new int[0]), 1, null);
    assertNotNull(f);
    assertTrue(f.kind().startsWith("interpreter, first input values"), f.message());
    assertTrue(f.message().contains("value differs"), f.message());

    Op honest = new Op("v0.mul(2.0)", v -> v.get(0).mul(2.0));
    assertNull(Differential.check(new Program(List.of(x, honest), new int[0]), 1, null));
  }

  /** Shrinking keeps the failure and removes everything else: here "the program contains exp". */
  @Test void shrinkingFindsASmallProgramThatStillFails() {
    Program start = null;
    long seed = 0;
    for (long s = 0; start == null; s++) {
      Program p = generate(s);
      if (p.describe().contains(".exp()") && p.opCount() >= 4) { start = p; seed = s; }
    }
    long valueSeed = seed;
    Differential.Failure failure = new Differential.Failure("has exp", "has exp");
    Shrinker.Result r = Shrinker.shrink(start, failure, c -> ProgramGenerator.generate(Choices.replay(c), valueSeed),
        p -> p.describe().contains(".exp()") ? failure : null, 2000, 30_000);
    assertTrue(r.program().describe().contains(".exp()"));
    assertEquals(1, r.program().opCount(), r.program().describe());
    assertEquals(1, r.program().leaves().size(), r.program().describe());
    assertEquals(1, Shrinker.inputElements(r.program()), r.program().describe());
  }
}
