package dev.tcompile.codegen.aot;

import dev.tcompile.TorchException;
import dev.tcompile.codegen.program.ProgramEmitterTest;
import dev.tcompile.ir.Graph;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.compiled.Artifact;
import dev.tcompile.runtime.compiled.CompiledModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random corruptions of a compiled-model jar: loading (and running, when it loads) ends in a result or a
 * TorchException, never another exception (no NPE, AIOOBE, OOM). Fixed seeds: the same cases every run.
 */
class ArtifactFuzzTest {
  @TempDir Path dir;

  private static final int CASES = 150;

  @Test void corruptedBytesOfTheJar() throws Exception {
    Graph g = ProgramEmitterTest.program("mlp_inference");
    NDArray[] in = ProgramEmitterTest.inputs(g, 7);
    Path good = dir.resolve("good.jar");
    ArtifactWriter.write(g, ArtifactTest.weights(g, in), Map.of(), good);
    byte[] bytes = Files.readAllBytes(good);
    Random r = new Random(11);
    Path bad = dir.resolve("bad.jar");
    for (int c = 0; c < CASES; c++) {
      byte[] b = bytes.clone();
      switch (c % 3) {
        case 0 -> { for (int k = 0; k <= r.nextInt(8); k++) b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255)); }
        case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
        default -> { int at = r.nextInt(b.length); b[at] = (byte) r.nextInt(256); b[r.nextInt(b.length)] = b[at]; }
      }
      Files.write(bad, b);
      loadAndRun(bad, ArtifactTest.userInputs(g, in), "byte case " + c);
    }
  }

  /** Manifest text mutated and its digest recomputed: the reader's own checks must hold. */
  @Test void mutatedManifestsWithValidDigests() throws Exception {
    Graph g = ProgramEmitterTest.program("mnist_inference");
    NDArray[] in = ProgramEmitterTest.inputs(g, 7);
    Path good = dir.resolve("good.jar");
    ArtifactWriter.write(g, ArtifactTest.weights(g, in), Map.of(), good);
    Map<String, byte[]> entries = JarEntries.read(good);
    String man = new String(entries.get(Artifact.MANIFEST), StandardCharsets.UTF_8);
    String alphabet = "0123456789-\",:{}[]aefilnrstuxFLOT.\n";
    Random r = new Random(12);
    Path bad = dir.resolve("bad.jar");
    for (int c = 0; c < CASES; c++) {
      StringBuilder m = new StringBuilder(man);
      for (int k = 0; k <= r.nextInt(3); k++) {
        int at = r.nextInt(m.length());
        switch (r.nextInt(3)) {
          case 0 -> m.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
          case 1 -> m.deleteCharAt(at);
          default -> m.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
        }
      }
      Map<String, byte[]> e = new java.util.LinkedHashMap<>(entries);
      JarEntries.putManifest(e, m.toString());
      JarEntries.write(bad, e);
      loadAndRun(bad, ArtifactTest.userInputs(g, in), "manifest case " + c);
    }
  }

  private static void loadAndRun(Path jar, NDArray[] inputs, String what) {
    try {
      CompiledModel.load(jar).run(inputs);
    } catch (TorchException expected) {
      // the one allowed failure
    } catch (Throwable t) {
      throw new AssertionError(what + ": " + t, t);
    }
  }
}
