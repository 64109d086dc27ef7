package dev.tcompile.codegen.program;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.DType;
import dev.tcompile.codegen.Interpreter;
import dev.tcompile.codegen.MemoryPlan;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Value;
import dev.tcompile.runtime.NDArray;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Generated program classes against the interpreter, bit for bit, on the MNIST CNN and the MLP 784-512-512-10
 * (inference and whole train steps, as the compiler's kernel passes leave them: resources/programs, dumped by
 * CompileOptions.dumpIr), plus the class checks: ASM's CheckClassAdapter and every method under the size budget.
 */
public class ProgramEmitterTest {
  public static Graph program(String name) throws IOException {
    try (InputStream in = ProgramEmitterTest.class.getResourceAsStream("/programs/" + name + ".tir")) {
      return GraphParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Random floats; int64 inputs (class targets) in [0, 10). */
  public static NDArray[] inputs(Graph g, long seed) {
    Random r = new Random(seed);
    List<Value> in = g.inputs();
    NDArray[] a = new NDArray[in.size()];
    for (int i = 0; i < a.length; i++) {
      TensorType t = in.get(i).type();
      a[i] = NDArray.empty(t.dtype(), t.shape());
      for (int e = 0; e < a[i].numel(); e++)
        a[i].setDouble(e, t.dtype() == DType.INT64 ? r.nextInt(10) : r.nextGaussian() * 0.5);
    }
    return a;
  }

  public static void assertSameBits(NDArray[] want, NDArray[] got) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i].dtype(), got[i].dtype());
      assertArrayEquals(want[i].shape(), got[i].shape(), "output " + i);
      for (int e = 0; e < want[i].numel(); e++)
        if (Double.doubleToRawLongBits(want[i].getDouble(e)) != Double.doubleToRawLongBits(got[i].getDouble(e)))
          throw new AssertionError("output " + i + " element " + e + ": interpreter " + want[i].getDouble(e) + ", program " + got[i].getDouble(e));
    }
  }

  public static void checkClass(byte[] bytes) {
    StringWriter problems = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(bytes), ProgramEmitterTest.class.getClassLoader(), false, new PrintWriter(problems));
    assertEquals("", problems.toString());
    for (Map.Entry<String, Integer> m : ProgramSizes.of(bytes).entrySet())
      assertTrue(m.getValue() < ProgramEmitter.METHOD_BUDGET, m.getKey() + " has " + m.getValue() + " bytes of code");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mnist_inference", "mnist_train_step", "mlp_inference", "mlp_train_step"})
  void mnistAndMlpProgramsMatchTheInterpreterBitForBitWithEveryOpCalledDirectly(String name) throws IOException {
    Graph g = program(name);
    ProgramExecutable p = new ProgramExecutable(g, null);
    for (String note : p.kernelNotes()) assertTrue(!note.contains("through its eval"), note);
    checkClass(p.classFile());
    Interpreter oracle = new Interpreter(g);
    for (long seed = 1; seed <= 2; seed++) {
      NDArray[] in = inputs(g, seed);
      assertSameBits(oracle.run(in), p.run(in));
    }
  }

  @Test void unfusedElementwiseUnaryOpsAreDirectCalls() {
    Graph g = GraphParser.parse("""
        graph @g(%x: f32[3, 40]) {
          %0 = relu(%x) : f32[3, 40]
          %1 = tanh(%0) : f32[3, 40]
          %2 = exp(%1) : f32[3, 40]
          return %2
        }
        """);
    ProgramEmitter.Emitted e = ProgramEmitter.emit(g, new MemoryPlan(g), "dev/tcompile/codegen/program/Probe", (k, n, kind) -> null);
    checkClass(e.bytes());
    ProgramExecutable p = new ProgramExecutable(g, null);
    assertEquals(List.of(), p.kernelNotes());
    NDArray[] in = inputs(g, 5);
    assertSameBits(new Interpreter(g).run(in), p.run(in));
  }

  /**
   * In-process programs read their kernel handles as class-data constants (ldc of MethodHandles.classDataAt: the JIT
   * folds them), not from a field; programs for jars take the same data in their constructor.
   */
  @Test void inProcessProgramsLoadTheirDataAsClassDataConstants() throws IOException {
    Graph g = program("mlp_train_step");
    ProgramExecutable p = new ProgramExecutable(g, null);
    java.io.StringWriter hidden = new java.io.StringWriter();
    new org.objectweb.asm.ClassReader(p.classFile()).accept(new org.objectweb.asm.util.TraceClassVisitor(new java.io.PrintWriter(hidden)), 0);
    assertTrue(hidden.toString().contains("classDataAt"), "no class-data constant in the program");
    assertTrue(!hidden.toString().contains("GETFIELD"), "the program reads a field");
    ProgramEmitter.Emitted forJar = ProgramEmitter.emit(g, new MemoryPlan(g), "dev/tcompile/codegen/program/Probe",
        (k, n, kind) -> (arena, in) -> in);
    assertTrue(!forJar.classData() && forJar.data().length > 0);
    NDArray[] in = inputs(g, 3);
    assertSameBits(new Interpreter(g).run(in), p.run(in));
  }

  /** The loss pass's fused classification-loss backward is a direct call too, into its planned buffer. */
  @Test void theFusedLossBackwardIsADirectCall() {
    Graph g = GraphParser.parse("""
        graph @g(%gy: f32[], %t: i64[4], %x: f32[4, 10]) {
          %0 = log_softmax(%x) {dim=1} : f32[4, 10]
          %1 = nll_log_softmax_backward(%gy, %t, %0) {reduction="mean", ignore_index=-100L} : f32[4, 10]
          %2 = exp(%1) : f32[4, 10]
          return %2
        }
        """);
    ProgramExecutable p = new ProgramExecutable(g, null);
    assertEquals(List.of(), p.kernelNotes());
    NDArray[] in = inputs(g, 6);
    assertSameBits(new Interpreter(g).run(in), p.run(in));
  }

  @Test void opsWithoutADirectCallRunThroughTheirEvalAndSaySo() {
    Graph g = GraphParser.parse("""
        graph @g(%x: f32[3, 4], %y: f32[3, 4]) {
          %0 = cat(%x, %y) {dim=0} : f32[6, 4]
          %1 = exp(%0) : f32[6, 4]
          %2 = sum(%1) {dims=[1], keepdim=false} : f32[6]
          return %2, %0
        }
        """);
    ProgramExecutable p = new ProgramExecutable(g, null);
    assertTrue(p.kernelNotes().stream().anyMatch(s -> s.contains("= cat runs through its eval")), p.kernelNotes().toString());
    checkClass(p.classFile());
    NDArray[] in = inputs(g, 3);
    assertSameBits(new Interpreter(g).run(in), p.run(in));
  }

  /** 3,000 nodes: many methods, each under the budget, and the same values. */
  @Test void aLargeGraphIsSplitIntoMethodsUnderTheBudget() {
    StringBuilder s = new StringBuilder("graph @big(%x: f32[4, 6]) {\n  %0 = permute(%x) {dims=[1, 0]} : f32[6, 4]\n");
    for (int i = 1; i < 3000; i++)
      s.append(i % 2 == 1 ? "  %" + i + " = permute(%" + (i - 1) + ") {dims=[1, 0]} : f32[4, 6]\n"
          : "  %" + i + " = permute(%" + (i - 1) + ") {dims=[1, 0]} : f32[6, 4]\n");
    s.append("  %s = sum(%2999) {dims=[0], keepdim=true} : f32[1, 6]\n  return %s, %2998\n}\n");
    Graph g = GraphParser.parse(s.toString());
    ProgramExecutable p = new ProgramExecutable(g, null);
    Map<String, Integer> sizes = ProgramSizes.of(p.classFile());
    assertTrue(sizes.keySet().stream().filter(m -> m.startsWith("part")).count() > 3, sizes.toString());
    checkClass(p.classFile());
    NDArray[] in = inputs(g, 4);
    assertSameBits(new Interpreter(g).run(in), p.run(in));
  }

  /**
   * A view node hands back the view it made while it sees the same array object (views never change); a reshape
   * that has to copy is never kept, so it follows the array's new values.
   */
  @Test void viewsOfTheSameArrayAreReusedAndAReshapeThatCopiesIsNot() {
    Graph g = GraphParser.parse("""
        graph @g(%x: f32[2, 3]) {
          %0 = permute(%x) {dims=[1, 0]} : f32[3, 2]
          %1 = reshape(%0) {shape=[6]} : f32[6]
          %2 = reshape(%x) {shape=[3, 2]} : f32[3, 2]
          return %1, %2, %0
        }
        """);
    ProgramExecutable p = new ProgramExecutable(g, null);
    NDArray x = NDArray.wrap(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
    NDArray[] first = p.run(x);
    assertSameBits(new Interpreter(g).run(x), first);
    for (int i = 0; i < 6; i++) x.setDouble(i, 10 * (i + 1));
    NDArray[] second = p.run(x);
    assertSameBits(new Interpreter(g).run(x), second);
    assertArrayEquals(new float[]{10, 40, 20, 50, 30, 60}, second[0].floats());
    org.junit.jupiter.api.Assertions.assertSame(first[1], second[1], "the view of the same array is the one made before");
    org.junit.jupiter.api.Assertions.assertSame(first[2], second[2]);
    assertTrue(first[0] != second[0], "a reshape that copies is made again");
    NDArray y = NDArray.wrap(new float[]{6, 5, 4, 3, 2, 1}, 2, 3);
    assertSameBits(new Interpreter(g).run(y), p.run(y));
  }

  /**
   * After warm-up a call allocates only the array of its results (24 bytes here): the registers live in the reused
   * arena, fused loops read and write that frame, views of the same arrays are reused, constant arguments are built
   * once. Measured in a fresh JVM: in one shared with many tests, polluted profiles change what the JIT inlines
   * (this program then allocated 408 bytes a call in the suite's JVM).
   */
  @Test void aWarmCallAllocatesOnlyItsResultArray() throws Exception {
    String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(javaBin, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
        WarmCall.class.getName());
    pb.redirectErrorStream(true);
    Process proc = pb.start();
    String out = new String(proc.getInputStream().readAllBytes());
    assertTrue(proc.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "child timed out");
    assertEquals(0, proc.exitValue(), out);
    String line = out.lines().filter(l -> l.startsWith("bytes per call ")).findFirst().orElseThrow(() -> new AssertionError(out));
    long perCall = Long.parseLong(line.substring("bytes per call ".length()).trim());
    assertTrue(perCall <= 32, "a call allocated " + perCall + " bytes: " + out);
  }

  /** The child of {@link #aWarmCallAllocatesOnlyItsResultArray}: checks the values, then prints bytes per warm call. */
  public static final class WarmCall {
    public static void main(String[] args) {
      Graph g = GraphParser.parse("""
          graph @g(%x: f32[4, 8], %y: f32[4, 8]) {
            %0 = tanh(%x) : f32[4, 8]
            %1 = mul(%0, %y) : f32[4, 8]
            %2 = permute(%1) {dims=[1, 0]} : f32[8, 4]
            %3 = exp(%2) : f32[8, 4]
            %4 = sigmoid(%x) : f32[4, 8]
            return %3, %4
          }
          """);
      var exe = new dev.tcompile.codegen.Compiler(dev.tcompile.codegen.Backend.BYTECODE, java.util.Set.of(), null).program(g, "t");
      NDArray[] in = inputs(g, 9);
      NDArray[] into = {NDArray.empty(DType.FLOAT32, 8, 4), NDArray.empty(DType.FLOAT32, 4, 8)};
      assertSameBits(new Interpreter(g).run(in), exe.run(in, into));
      var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
      long perCall = Long.MAX_VALUE;
      for (int round = 0; round < 50 && perCall > 32; round++) {
        for (int i = 0; i < 20_000; i++) exe.run(in, into);
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) exe.run(in, into);
        perCall = (mx.getCurrentThreadAllocatedBytes() - before) / 10_000;
      }
      assertSameBits(new Interpreter(g).run(in), exe.run(in, into));
      System.out.println("bytes per call " + perCall);
    }
  }

  @Test void constantOutputsAreCopiesTheCallerMayWrite() {
    Graph g = GraphParser.parse("""
        graph @g(%x: f32[2]) {
          %0 = constant 1.5 : f32[]
          return %0, %x
        }
        """);
    ProgramExecutable p = new ProgramExecutable(g, null);
    NDArray[] a = p.run(NDArray.wrap(new float[]{1, 2}, 2));
    a[0].setDouble(0, 7);
    assertEquals(1.5, p.run(NDArray.wrap(new float[]{1, 2}, 2))[0].getDouble(0));
  }

  /** A program is a hidden class that is not STRONG: dropping the executable lets the class be unloaded. */
  @Test void aDroppedProgramsClassIsCollected() throws Exception {
    java.lang.ref.WeakReference<Class<?>> cls = programClass(program("mlp_inference"));
    for (int i = 0; i < 50 && cls.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertTrue(cls.get() == null, "the program class is still reachable");
  }

  private static java.lang.ref.WeakReference<Class<?>> programClass(Graph g) throws Exception {
    ProgramExecutable p = new ProgramExecutable(g, null);
    java.lang.reflect.Field f = ProgramExecutable.class.getDeclaredField("program");
    f.setAccessible(true);
    Class<?> c = f.get(p).getClass();
    assertTrue(c.isHidden(), c.getName());
    p.run(inputs(g, 1));
    return new java.lang.ref.WeakReference<>(c);
  }

  /**
   * Donated outputs (run(inputs, into)): an SGD update into the parameter's and momentum's arrays, an mm into a
   * caller's array; the update as the interpreter's blocked loop (1001 elements, under KernelLoader.MIN_ELEMENTS)
   * and as a generated loop (5001).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1001, 5001})
  void donatedBuffersAreWrittenAsByTheInterpreter(int n) {
    Graph g = new dev.tcompile.passes.DeadCodeElimination().run(new dev.tcompile.passes.Fusion().run(GraphParser.parse("""
        graph @g(%p: f32[N], %buf: f32[N], %grad: f32[N], %a: f32[7, 9], %b: f32[9, 5]) {
          %m = constant 0.9 : f32[]
          %lr = constant 0.01 : f32[]
          %0 = mul(%buf, %m) : f32[N]
          %1 = add(%0, %grad) : f32[N]
          %2 = mul(%1, %lr) : f32[N]
          %3 = sub(%p, %2) : f32[N]
          %4 = mm(%a, %b) : f32[7, 5]
          return %3, %1, %4
        }
        """.replace("N", Integer.toString(n)))));
    NDArray[] in = inputs(g, 9);
    NDArray[] want = new Interpreter(g).run(java.util.Arrays.stream(in).map(NDArray::copy).toArray(NDArray[]::new));
    ProgramExecutable p = new ProgramExecutable(g, null);
    assertEquals(n >= dev.tcompile.codegen.bytecode.KernelLoader.MIN_ELEMENTS ? 1 : 0, p.generatedKernels());
    if (n < dev.tcompile.codegen.bytecode.KernelLoader.MIN_ELEMENTS)
      assertTrue(p.kernelNotes().stream().anyMatch(s -> s.contains(n + " elements a call are too few")), p.kernelNotes().toString());
    NDArray mmOut = NDArray.empty(DType.FLOAT32, 7, 5);
    NDArray[] got = p.run(in, new NDArray[]{in[0], in[1], mmOut});
    assertTrue(got[0] == in[0] && got[1] == in[1] && got[2] == mmOut);
    assertSameBits(want, got);
  }

  @Test void theMemoryPlanIsTheInterpreters() throws IOException {
    Graph g = program("mlp_train_step");
    assertEquals(new MemoryPlan(g).toString(), new ProgramExecutable(g, null).plan().toString());
  }
}
