package dev.tcompile.codegen.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.TorchException;
import dev.tcompile.codegen.Interpreter;
import dev.tcompile.codegen.program.ProgramEmitter;
import dev.tcompile.codegen.program.ProgramEmitterTest;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.Value;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.compiled.Artifact;
import dev.tcompile.runtime.compiled.CompiledModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Jars written by ArtifactWriter, loaded by the runtime's CompiledModel: the interpreter's values, one clear error otherwise. */
class ArtifactTest {
  @TempDir Path dir;

  /** The graph's captured inputs bound to the example inputs' values; the rest stay model inputs. */
  static Map<Value, NDArray> weights(Graph g, NDArray[] in) {
    Map<Value, NDArray> w = new IdentityHashMap<>();
    for (int i = 0; i < in.length; i++) if (g.inputAttrs(i).getBool("captured", false)) w.put(g.inputs().get(i), in[i]);
    return w;
  }

  static NDArray[] userInputs(Graph g, NDArray[] in) {
    return java.util.stream.IntStream.range(0, in.length).filter(i -> !g.inputAttrs(i).getBool("captured", false)).mapToObj(i -> in[i])
        .toArray(NDArray[]::new);
  }

  Path write(String program) throws IOException {
    Graph g = ProgramEmitterTest.program(program);
    Path jar = dir.resolve(program + ".jar");
    ArtifactWriter.write(g, weights(g, ProgramEmitterTest.inputs(g, 7)), Map.of("tcompile", "test"), jar);
    return jar;
  }

  @ParameterizedTest
  @ValueSource(strings = {"mnist_inference", "mlp_inference", "mnist_train_step", "mlp_train_step"})
  void aLoadedJarComputesTheInterpretersValues(String program) throws IOException {
    Graph g = ProgramEmitterTest.program(program);
    NDArray[] in = ProgramEmitterTest.inputs(g, 7);
    Path jar = dir.resolve(program + ".jar");
    ArtifactWriter.Summary s = ArtifactWriter.write(g, weights(g, in), Map.of("tcompile", "test"), jar);
    for (int size : s.methodSizes().values()) assertTrue(size < ProgramEmitter.METHOD_BUDGET);
    CompiledModel m = CompiledModel.load(jar);
    assertEquals(userInputs(g, in).length, m.inputs().size());
    ProgramEmitterTest.assertSameBits(new Interpreter(g).run(in), m.run(userInputs(g, in)));
    assertEquals("test", m.info("tcompile"));
  }

  @Test void theSameGraphGivesTheSameBytes() throws IOException {
    Path a = write("mlp_inference");
    byte[] first = Files.readAllBytes(a);
    assertTrue(Arrays.equals(first, Files.readAllBytes(write("mlp_inference"))));
  }

  @Test void anOpWithoutADirectCallIsRefusedByName() {
    Graph g = GraphParser.parse("""
        graph @g(%x: f32[3, 4], %y: f32[3, 4]) {
          %0 = cat(%x, %y) {dim=0} : f32[6, 4]
          return %0
        }
        """);
    TorchException e = assertThrows(TorchException.class, () -> ArtifactWriter.write(g, Map.of(), Map.of(), dir.resolve("g.jar")));
    assertEquals("cannot compile graph @g into a jar: %0 = cat has no compiled kernel call", e.getMessage());
    assertFalse(Files.exists(dir.resolve("g.jar")));
  }

  @Test void wrongInputsAreOneClearError() throws IOException {
    CompiledModel m = CompiledModel.load(write("mlp_inference"));
    TorchException e = assertThrows(TorchException.class, () -> m.run(NDArray.empty(dev.tcompile.DType.FLOAT32, 2, 784)));
    assertEquals("input 0 (x0) of compiled model mlp_inference.jar must be float32[64, 784] but is float32[2, 784]", e.getMessage());
    assertThrows(TorchException.class, () -> m.run());
  }

  @Test void missingMalformedAndUnwritableFilesAreOneClearError() throws IOException {
    TorchException missing = assertThrows(TorchException.class, () -> CompiledModel.load(dir.resolve("none.jar")));
    assertEquals("cannot load compiled model " + dir.resolve("none.jar") + ": no such file", missing.getMessage());
    Path junk = dir.resolve("junk.jar");
    Files.writeString(junk, "not a jar");
    assertTrue(assertThrows(TorchException.class, () -> CompiledModel.load(junk)).getMessage().startsWith("cannot load compiled model " + junk + ": "));
    Graph g = ProgramEmitterTest.program("mlp_inference");
    TorchException unwritable = assertThrows(TorchException.class,
        () -> ArtifactWriter.write(g, Map.of(), Map.of(), dir.resolve("no/such/dir/m.jar")));
    assertTrue(unwritable.getMessage().startsWith("cannot write " + dir.resolve("no/such/dir/m.jar") + ": "), unwritable.getMessage());
  }

  @Test void aJarWithAnotherModelsClassesIsRefused() throws IOException {
    Path a = write("mlp_inference"), b = write("mnist_inference");
    Map<String, byte[]> ea = JarEntries.read(a), eb = JarEntries.read(b);
    ea.put(Artifact.PROGRAM + ".class", eb.get(Artifact.PROGRAM + ".class"));
    Path mixed = dir.resolve("mixed.jar");
    JarEntries.write(mixed, ea);
    TorchException e = assertThrows(TorchException.class, () -> CompiledModel.load(mixed));
    assertEquals("cannot load compiled model " + mixed + ": entry tcompile/aot/Program.class does not match its SHA-256 in the manifest "
        + "(the jar is corrupt or mixed up)", e.getMessage());
  }

  @Test void anotherFormatVersionIsRefusedWithWhatToDo() throws IOException {
    Path a = write("mlp_inference");
    Map<String, byte[]> e = JarEntries.read(a);
    String man = new String(e.get(Artifact.MANIFEST), java.nio.charset.StandardCharsets.UTF_8).replace("\"format\":" + Artifact.FORMAT + ",", "\"format\":99,");
    JarEntries.putManifest(e, man);
    JarEntries.write(a, e);
    assertEquals("cannot load compiled model " + a + ": artifact format 99 is not the runtime's (" + Artifact.FORMAT + "); recompile the model with this tcompile",
        assertThrows(TorchException.class, () -> CompiledModel.load(a)).getMessage());
  }

  static List<String> names(Path jar) throws IOException { return List.copyOf(JarEntries.read(jar).keySet()); }
}
