package dev.tcompile.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Tensor;
import dev.tcompile.ir.OpDef;
import dev.tcompile.runtime.NDArray;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/Autograd.java prints exactly examples/Autograd.expected, which tools/goldens/seed_autograd.py wrote by
 * running the tutorial's Python with the same inputs. The example is compiled and its main run in this JVM.
 */
class AutogradExampleTest {
  @Test
  void theJavaTutorialPrintsWhatThePythonOnePrints(@TempDir Path classes) throws Exception {
    Path root = repositoryRoot();
    Path source = root.resolve("examples/Autograd.java");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = javac.run(null, diagnostics, diagnostics, "-d", classes.toString(), "-cp", libraryClassPath(),
        "-proc:none", source.toString());
    assertEquals(0, rc, "examples/Autograd.java does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()}, getClass().getClassLoader());
         PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      loader.loadClass("Autograd").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(original);
    }
    String expected = Files.readString(root.resolve("examples/Autograd.expected"), StandardCharsets.UTF_8);
    assertEquals(expected, captured.toString(StandardCharsets.UTF_8));
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
    assertTrue(entries.stream().anyMatch(e -> !e.isBlank()));
    return String.join(File.pathSeparator, entries);
  }
}
