package dev.tcompile.cli.trace;

import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Traceable;
import dev.tcompile.TracedGraph;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphFiles;
import dev.tcompile.nn.Module;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The child JVM behind {@code tcompile trace}: compiles the script, instantiates its {@link Traceable} class, traces
 * it on its examples with the module's parameters and buffers frozen into named constants, and saves the graph
 * (large constants go to the safetensors file beside the .tir). Args: SCRIPT OUT [--verbose].
 */
public final class TraceMain {
  private TraceMain() {}

  public static void main(String[] args) {
    boolean verbose = args.length > 2 && args[2].equals("--verbose");
    try {
      System.out.println(trace(Path.of(args[0]), Path.of(args[1])));
    } catch (Throwable e) {
      if (verbose) e.printStackTrace();
      System.err.println("tcompile trace: " + dev.tcompile.cli.Cli.oneLine(e));
      System.exit(1);
    }
  }

  /** Traces and saves; returns the line to print. */
  static String trace(Path script, Path out) throws Exception {
    Path classes = Files.createTempDirectory("tcompile-trace");
    try {
      Traceable t = instantiate(script, ScriptCompiler.compileAndLoad(script, classes));
      Module model = t.model();
      boolean ownFn = t.getClass().getMethod("fn").getDeclaringClass() != Traceable.class;
      TensorFn fn = ownFn || model == null ? t.fn() : xs -> model.forward(xs[0]);
      Tensor[] examples = t.examples();
      if (examples == null || examples.length == 0)
        throw new dev.tcompile.TorchException(t.getClass().getName() + ".examples() gave no example inputs");
      if (model != null) model.eval();
      Graph g = TracedGraph.of(fn, examples).frozen(names(model)::get);
      GraphFiles.save(g, out);
      String weights = out.getFileName().toString().replaceFirst("\\.tir$", "") + ".safetensors";
      boolean hasWeights = Files.isRegularFile(out.resolveSibling(weights));
      return "wrote " + out + (hasWeights ? " and " + out.resolveSibling(weights) : "") + ": " + g.inputs().size()
          + " input" + (g.inputs().size() == 1 ? "" : "s") + ", " + g.nodes().size() + " nodes";
    } finally {
      deleteTree(classes);
    }
  }

  private static Traceable instantiate(Path script, List<Class<?>> classes) throws Exception {
    List<Class<?>> traceable = classes.stream().filter(Traceable.class::isAssignableFrom).toList();
    if (traceable.isEmpty())
      throw new dev.tcompile.TorchException(script.getFileName() + " has no top-level class implementing dev.tcompile.Traceable");
    if (traceable.size() > 1)
      throw new dev.tcompile.TorchException(script.getFileName() + " has several Traceable classes: "
          + String.join(", ", traceable.stream().map(Class::getName).toList()));
    Class<?> c = traceable.get(0);
    try {
      var ctor = c.getDeclaredConstructor();
      ctor.setAccessible(true);
      return (Traceable) ctor.newInstance();
    } catch (NoSuchMethodException e) {
      throw new dev.tcompile.TorchException(c.getName() + " needs a no-argument constructor");
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  /** Each parameter and buffer of {@code model}, by identity, to its stateDict name. */
  private static Map<Tensor, String> names(Module model) {
    Map<Tensor, String> names = new IdentityHashMap<>();
    if (model == null) return names;
    model.namedParameters().forEach((n, p) -> names.putIfAbsent(p, n));
    model.namedBuffers().forEach((n, b) -> names.putIfAbsent(b, n));
    return names;
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (java.io.IOException ignored) {
      // a leftover temporary directory is harmless
    }
  }
}
