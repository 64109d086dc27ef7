package dev.tcompile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.GradGuard;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.codegen.Interpreter;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphFiles;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.Value;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.ReLU;
import dev.tcompile.nn.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tcompile trace: a Java-defined model traced in a child JVM to .tir + .safetensors, and its error cases. */
class TraceCommandTest {
  private static final String MLP = """
      import dev.tcompile.*;
      import dev.tcompile.nn.*;
      import dev.tcompile.nn.Module;  // not java.lang.Module
      public class Mlp implements Traceable {
        public Module model() {
          Torch.manualSeed(7);
          return new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
        }
        public Tensor[] examples() { return new Tensor[]{Torch.zeros(2, 4)}; }
      }
      """;

  @Test void tracesAModuleWithNamedWeights(@TempDir Path dir) throws Exception {
    Path script = Files.writeString(dir.resolve("Mlp.java"), MLP);
    Path tir = dir.resolve("out/mlp.tir");
    CliRun r = CliRun.of("trace", script.toString(), "-o", tir.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals("wrote " + tir + " and " + dir.resolve("out/mlp.safetensors") + ": 1 input, 9 nodes\n", r.out());
    assertEquals("", r.err());

    Graph g = GraphFiles.load(tir);
    assertEquals(List.of("x0"), g.inputs().stream().map(Value::name).toList());
    assertEquals("f32[2, 4]", g.inputs().get(0).type().toString());
    assertTrue(g.nodes().stream().filter(Node::isConstant).map(n -> n.output().name()).toList()
        .containsAll(List.of("0.weight", "0.bias", "2.weight", "2.bias")), g.toString());
    assertTrue(Files.readString(tir).contains("%0.weight = constant @\"mlp.safetensors\"[\"0.weight\"] : f32[8, 4]"), g.toString());

    Torch.manualSeed(7);
    Sequential same = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
    Tensor x = Torch.randn(2, 4), want;
    try (GradGuard ignored = Torch.noGrad()) { want = same.forward(x); }
    float[] got = Tensor.wrap(new Interpreter(g).run(x.array())[0]).toFloatArray(), expected = want.toFloatArray();
    for (int i = 0; i < expected.length; i++) assertEquals(expected[i], got[i], 1e-6f, "output " + i);
  }

  @Test void tracesAFunctionNextToTheScriptByDefault(@TempDir Path dir) throws Exception {
    Path script = Files.writeString(dir.resolve("Square.java"), """
        import dev.tcompile.*;
        class Square implements Traceable {
          public TensorFn fn() { return xs -> xs[0].mul(xs[1]).sum(); }
          public Tensor[] examples() { return new Tensor[]{Torch.ones(3), Torch.ones(3)}; }
        }
        """);
    Path cwdOutput = Path.of("Square.tir");
    try {
      CliRun r = CliRun.of("trace", script.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals("wrote Square.tir: 2 inputs, 2 nodes\n", r.out());
      assertEquals("graph @fn(%x0: f32[3], %x1: f32[3]) {\n  %0 = mul(%x0, %x1) : f32[3]\n  %1 = sum(%0) : f32[]\n  return %1\n}\n",
          Files.readString(cwdOutput));
    } finally {
      Files.deleteIfExists(cwdOutput);
    }
  }

  @Test void badInputIsAOneLineError(@TempDir Path dir) throws Exception {
    CliRun.of("trace", dir.resolve("Nope.java").toString()).failsWith(2, "tcompile trace: no such file: ");
    Path txt = Files.writeString(dir.resolve("model.py"), "print(1)");
    CliRun.of("trace", txt.toString()).failsWith(2, "tcompile trace: expected a .java source file, got ");
    Path script = Files.writeString(dir.resolve("Mlp.java"), MLP);
    CliRun.of("trace", script.toString(), "-o", dir.resolve("m.bin").toString())
        .failsWith(2, "tcompile trace: the output should end in .tir, got ");
    CliRun.of("trace", script.toString(), "--optimise").failsWith(2, "tcompile trace: Unknown option: '--optimise'");

    Path plain = Files.writeString(dir.resolve("Plain.java"), "public class Plain { }\n");
    CliRun.of("trace", plain.toString(), "-o", dir.resolve("p.tir").toString())
        .failsWith(1, "tcompile trace: Plain.java has no top-level class implementing dev.tcompile.Traceable");

    Path blocker = Files.writeString(dir.resolve("file"), "");
    CliRun.of("trace", script.toString(), "-o", blocker.resolve("m.tir").toString()).failsWith(1, "tcompile trace: ");
    assertFalse(Files.exists(dir.resolve("m.tir")));
  }

  @Test void compileErrorsShowJavacsMessagesThenOneLine(@TempDir Path dir) throws Exception {
    Path broken = Files.writeString(dir.resolve("Broken.java"), "public class Broken implements dev.tcompile.Traceable { int x = ; }\n");
    CliRun r = CliRun.of("trace", broken.toString(), "-o", dir.resolve("b.tir").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("Broken.java:1: error:"), r.err());
    assertTrue(r.err().strip().endsWith("tcompile trace: " + broken + " does not compile (errors above)"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test void aScriptThatThrowsIsReportedWithItsMessage(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("Bad.java"), """
        import dev.tcompile.*;
        public class Bad implements Traceable {
          public TensorFn fn() { return xs -> xs[0].matmul(xs[1]); }
          public Tensor[] examples() { return new Tensor[]{Torch.ones(2, 3), Torch.ones(2, 3)}; }
        }
        """);
    String err = CliRun.of("trace", bad.toString(), "-o", dir.resolve("b.tir").toString()).failsWith(1, "tcompile trace: ").err();
    assertTrue(err.contains("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"), err);
    CliRun verbose = CliRun.of("trace", "--verbose", bad.toString(), "-o", dir.resolve("b.tir").toString());
    assertEquals(1, verbose.code());
    assertTrue(verbose.err().contains("\tat dev.tcompile."), verbose.err());
  }
}
