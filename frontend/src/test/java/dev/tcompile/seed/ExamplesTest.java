package dev.tcompile.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.Tensor;
import dev.tcompile.ir.OpDef;
import dev.tcompile.runtime.NDArray;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each example in examples/ prints exactly its .expected file — the output of the tutorial's Python
 * (tools/goldens/seed_*.py) run with the same inputs. The example runs as {@code tcompile run} runs it: the JDK's
 * source launcher in a child JVM, in the repository root, with the library on the class path.
 */
class ExamplesTest {
  @ParameterizedTest
  @ValueSource(strings = {"Autograd", "NnLayers", "PortedPrograms", "Float64Programs"})
  void theJavaTutorialPrintsWhatThePythonOnePrints(String example, @TempDir Path figures) throws Exception {
    Path root = repositoryRoot();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-cp", libraryClassPath(), "examples/" + example + ".java", figures.toString()));
    Path stdout = figures.resolve("stdout.txt"), stderr = figures.resolve("stderr.txt");
    Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) { p.destroyForcibly(); throw new AssertionError(example + " did not finish"); }
    assertEquals(0, p.exitValue(), example + " failed:\n" + Files.readString(stderr));
    String expected = Files.readString(root.resolve("examples/" + example + ".expected"), StandardCharsets.UTF_8);
    assertEquals(expected, Files.readString(stdout, StandardCharsets.UTF_8));
  }

  /** The directory holding examples/ (tests run in the frontend module's directory). */
  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
      if (Files.isRegularFile(p.resolve("examples/Autograd.java"))) return p;
    throw new AssertionError("examples/Autograd.java not found above " + Path.of("").toAbsolutePath());
  }

  /** Where the library's classes are: this JVM's class path plus the modules' output directories. */
  private static String libraryClassPath() throws Exception {
    Set<String> entries = new LinkedHashSet<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
    for (Class<?> c : List.of(Tensor.class, NDArray.class, OpDef.class))
      entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    entries.removeIf(String::isBlank);
    return String.join(File.pathSeparator, entries);
  }
}
