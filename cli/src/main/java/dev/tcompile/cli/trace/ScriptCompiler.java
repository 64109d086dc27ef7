package dev.tcompile.cli.trace;

import dev.tcompile.TorchException;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles one Java source file against tcompile's class path and loads its top-level classes. */
final class ScriptCompiler {
  private ScriptCompiler() {}

  /** The top-level classes {@code script} declares, loaded from a fresh class loader. */
  static List<Class<?>> compileAndLoad(Path script, Path classesDir) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) throw new TorchException("this Java runtime has no compiler (javac); tcompile needs a full JDK 25");
    StringWriter diagnostics = new StringWriter();
    List<String> options = List.of("-d", classesDir.toString(), "-cp", System.getProperty("java.class.path"),
        "--add-modules", "jdk.incubator.vector", "-proc:none", "-nowarn", "-Xlint:none");
    var fm = javac.getStandardFileManager(null, null, null);
    boolean ok = javac.getTask(diagnostics, fm, null, options, null, fm.getJavaFileObjects(script)).call();
    if (!ok) {
      System.err.print(diagnostics);
      throw new TorchException(script + " does not compile (errors above)");
    }
    List<Class<?>> classes = new ArrayList<>();
    URLClassLoader loader = new URLClassLoader(new java.net.URL[]{classesDir.toUri().toURL()}, ScriptCompiler.class.getClassLoader());
    try (Stream<Path> files = Files.walk(classesDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$")).sorted().toList()) {
        String rel = classesDir.relativize(f).toString();
        String name = rel.substring(0, rel.length() - ".class".length()).replace(f.getFileSystem().getSeparator(), ".");
        try {
          classes.add(Class.forName(name, false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
          throw new TorchException("cannot load " + name + " compiled from " + script + ": " + e);
        }
      }
    }
    return classes;
  }
}
