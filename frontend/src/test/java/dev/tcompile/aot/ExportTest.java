package dev.tcompile.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.CompileOptions;
import dev.tcompile.GradGuard;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.ReLU;
import dev.tcompile.nn.Sequential;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.compiled.CompiledModel;
import dev.tcompile.runtime.compiled.Artifact;
import dev.tcompile.runtime.io.SafetensorsFile;
import dev.tcompile.vision.models.MnistNet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Torch.export's jars give Torch.compile's numbers, bit for bit: in this JVM through CompiledModel, and in a fresh
 * JVM whose class path is the runtime's classes and the jar alone (HostApp, run from its source file).
 */
class ExportTest {
  @TempDir Path dir;

  static void assertSameBits(NDArray want, NDArray got) {
    assertEquals(want.dtype(), got.dtype());
    assertEquals(java.util.Arrays.toString(want.shape()), java.util.Arrays.toString(got.shape()));
    for (int i = 0; i < want.numel(); i++)
      assertEquals(Double.doubleToRawLongBits(want.getDouble(i)), Double.doubleToRawLongBits(got.getDouble(i)), "element " + i);
  }

  private static NDArray compiled(Module m, Tensor x) {
    try (GradGuard g = Torch.noGrad()) {
      return Torch.compile(m).forward(x).array();
    }
  }

  @Test void anExportedMlpRunsInProcessAsTorchCompileDoes() {
    Torch.manualSeed(3);
    Module mlp = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(), new Linear(512, 10));
    Tensor x = Torch.randn(16, 784);
    Path jar = dir.resolve("mlp.jar");
    Torch.export(mlp, jar, x);
    CompiledModel m = CompiledModel.load(jar);
    assertEquals("[x0: float32[16, 784]]", m.inputs().toString());
    assertSameBits(compiled(mlp, x), m.run(x.array())[0]);
  }

  /** The runtime's classes: this build's, next to this module (not whatever the local repository holds). */
  private static Path runtimeClasses() {
    Path p = Path.of("../runtime/target/classes").toAbsolutePath().normalize();
    if (Files.isDirectory(p)) return p;
    try {
      return Path.of(CompiledModel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test void anExportedMnistCnnRunsInAFreshJvmWithOnlyTheRuntime() throws IOException, InterruptedException {
    Torch.manualSeed(0);
    MnistNet net = new MnistNet();
    net.eval();
    Tensor x = Torch.randn(8, 1, 28, 28);
    Path jar = dir.resolve("mnist.jar");
    Torch.export(net, jar, x);
    Path in = dir.resolve("in.safetensors"), out = dir.resolve("out.safetensors");
    SafetensorsFile.write(Map.of("input0", x.array()), null, in);
    Path host = dir.resolve("HostApp.java");
    try (var s = ExportTest.class.getResourceAsStream("/hostapp/HostApp.java")) {
      Files.write(host, s.readAllBytes());
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", runtimeClasses() + java.io.File.pathSeparator + jar,
        host.toString(), jar.toString(), in.toString(), out.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), log);
    assertTrue(log.contains("runtime only") && log.contains("ran MnistNet: [x0: float32[8, 1, 28, 28]] -> [14: float32[8, 10]]"), log);
    assertSameBits(compiled(net, x), SafetensorsFile.read(out).tensors().get("output0"));
  }

  /** With frozen weights off, the parameters are the jar's bound inputs and the numbers are Torch.compile's with the same option. */
  @Test void unfrozenWeightsAreBoundInputs() {
    Torch.manualSeed(4);
    Module mlp = new Sequential(new Linear(30, 20), new ReLU(), new Linear(20, 5));
    Tensor x = Torch.randn(6, 30);
    Path jar = dir.resolve("mlp.jar");
    CompileOptions keep = new CompileOptions().freezeWeights(false);
    Torch.export(mlp, jar, keep, x);
    CompiledModel m = CompiledModel.load(jar);
    assertEquals(4 * (30 * 20 + 20 + 20 * 5 + 5), m.weightBytes());
    NDArray want;
    try (GradGuard g = Torch.noGrad()) {
      want = Torch.compile(mlp, keep).forward(x).array();
    }
    assertSameBits(want, m.run(x.array())[0]);
  }

  @Test void aModelWithAnOpTheProgramCannotCallIsRefusedByName() {
    Module m = new Module() {
      @Override public Tensor forward(Tensor x) { return Torch.cat(List.of(x, x), 0); }
    };
    TorchException e = assertThrows(TorchException.class, () -> Torch.export(m, dir.resolve("m.jar"), Torch.randn(2, 3)));
    assertTrue(e.getMessage().startsWith("cannot compile graph @fn into a jar: %") && e.getMessage().endsWith(" = cat has no compiled kernel call"),
        e.getMessage());
  }

  @Test void theManifestNamesVersionsAndTypes() throws IOException {
    Module lin = new Linear(3, 2);
    Path jar = dir.resolve("lin.jar");
    Torch.export(lin, jar, Torch.randn(4, 3));
    String manifest;
    try (var f = new java.util.zip.ZipFile(jar.toFile())) {
      manifest = new String(f.getInputStream(f.getEntry(Artifact.MANIFEST)).readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(manifest.contains("\"format\":" + dev.tcompile.runtime.compiled.Artifact.FORMAT + ",") && manifest.contains("\"model\":\"Linear\"")
        && manifest.contains("{\"name\":\"x0\",\"dtype\":\"FLOAT32\",\"shape\":[4,3]}"), manifest);
  }
}
