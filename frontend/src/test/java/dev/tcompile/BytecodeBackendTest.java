package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default backend through the public API: generated code on disk when asked, and calls from many threads. */
class BytecodeBackendTest {
  static Tensor geluTanh(Tensor x) {
    return x.mul(0.5).mul(x.mul(x).mul(x).mul(0.044715).add(x).mul(Math.sqrt(2 / Math.PI)).tanh().add(1));
  }

  @Test void dumpCodeWritesEachGeneratedKernelAsAClassFileAndAListing(@TempDir Path dir) throws Exception {
    // above KernelLoader.MIN_ELEMENTS: smaller loops run in the interpreter's loop
    Tensor x = Torch.randn(5000).requiresGrad_(true);
    CompiledFn f = Torch.compile(xs -> geluTanh(xs[0]).sum(), new CompileOptions().dumpCode(dir));
    f.apply(x).backward();
    List<Path> files;
    try (var s = Files.walk(dir)) { files = s.filter(Files::isRegularFile).sorted().toList(); }
    assertTrue(files.stream().anyMatch(p -> p.toString().endsWith(".class")), files.toString());
    String listings = "";
    for (Path p : files) if (p.toString().endsWith(".txt")) listings += Files.readString(p);
    assertTrue(listings.contains("jdk/incubator/vector/FloatVector.fromArray") && listings.contains("dev/tcompile/runtime/kernels/VectorMath.tanh"),
        "the forward kernel's loop loads vectors and calls the runtime's tanh:\n" + listings);
    // the program classes too: each graph's, calling its fused loops through handles
    assertTrue(files.stream().filter(p -> p.getFileName().toString().equals("Program.class")).count() == 2, files.toString());
    assertTrue(listings.contains("implements dev/tcompile/runtime/compiled/CompiledProgram")
        && listings.contains("INVOKEINTERFACE dev/tcompile/runtime/compiled/Kernel.run"), listings);
  }

  @Test void eightThreadsCallingOneCompiledFunctionGetTheSequentialResults() throws Exception {
    Torch.manualSeed(3);
    // 4099 elements: generated loops (over KernelLoader.MIN_ELEMENTS) with a partial last vector
    Tensor w = Torch.randn(4099).requiresGrad_(true);
    CompiledFn f = Torch.compile(xs -> geluTanh(xs[0].mul(w)).relu().sum());
    int threads = 8, calls = 1000;
    List<Tensor> inputs = new ArrayList<>();
    for (int i = 0; i < 16; i++) inputs.add(Torch.randn(4099));
    float[][] expected = new float[inputs.size()][];
    for (int i = 0; i < inputs.size(); i++) expected[i] = f.apply(inputs.get(i)).detach().toFloatArray();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        done.add(pool.submit(() -> {
          for (int c = 0; c < calls; c++) {
            int i = (seed * 7 + c) % inputs.size();
            Tensor y;
            try (var g = Torch.noGrad()) { y = f.apply(inputs.get(i)); }
            assertArrayEquals(expected[i], y.toFloatArray(), "thread " + seed + " call " + c);
          }
          return null;
        }));
      }
      for (Future<?> d : done) d.get();
    } finally {
      pool.shutdownNow();
    }
  }
}
