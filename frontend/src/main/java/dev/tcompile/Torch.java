package dev.tcompile;

import dev.tcompile.format.PrintOptions;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.ir.ops.Indexing;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/** {@code torch.*}: tensor creation, joining, grad-mode guards, seeding and print options. */
public final class Torch {
  private Torch() {}

  // ======================================== creation ========================================

  /** A 1-D float32 tensor: {@code torch.tensor([3.0, 4.0])}. */
  public static Tensor tensor(float... values) { return Tensor.wrap(NDArray.wrap(values.clone(), values.length)); }

  /** A 1-D float32 tensor from doubles (rounded to float32, PyTorch's default dtype). */
  public static Tensor tensor(double... values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
    return Tensor.wrap(NDArray.wrap(f, f.length));
  }

  /** A 1-D tensor of {@code dtype}: {@code torch.tensor([0.1, 0.2], dtype=torch.float64)}. */
  public static Tensor tensor(double[] values, DType dtype) { return Tensor.wrap(NDArray.wrap(values.clone(), values.length).to(dtype)); }

  /** A 2-D tensor of {@code dtype} from rows of equal length. */
  public static Tensor tensor(double[][] rows, DType dtype) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    double[] d = new double[rows.length * cols];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != cols)
        throw new TorchException("expected sequence of length " + cols + " at dim 1 (got " + rows[r].length + ")");
      System.arraycopy(rows[r], 0, d, r * cols, cols);
    }
    return Tensor.wrap(NDArray.wrap(d, rows.length, cols).to(dtype));
  }

  /** A 3-D tensor of {@code dtype}. */
  public static Tensor tensor(double[][][] v, DType dtype) {
    int a = v.length, b = a == 0 ? 0 : v[0].length, c = b == 0 ? 0 : v[0][0].length;
    double[] d = new double[a * b * c];
    for (int i = 0; i < a; i++) {
      if (v[i].length != b) throw new TorchException("expected sequence of length " + b + " at dim 1 (got " + v[i].length + ")");
      for (int j = 0; j < b; j++) {
        if (v[i][j].length != c) throw new TorchException("expected sequence of length " + c + " at dim 2 (got " + v[i][j].length + ")");
        System.arraycopy(v[i][j], 0, d, (i * b + j) * c, c);
      }
    }
    return Tensor.wrap(NDArray.wrap(d, a, b, c).to(dtype));
  }

  /** A 1-D int64 tensor: {@code torch.tensor([1, 2])}. */
  public static Tensor tensor(long... values) { return Tensor.wrap(NDArray.wrap(values.clone(), values.length)); }

  public static Tensor tensor(boolean... values) { return Tensor.wrap(NDArray.wrap(values.clone(), values.length)); }

  /** A 2-D float32 tensor from rows of equal length. */
  public static Tensor tensor(float[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    float[] d = new float[rows.length * cols];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != cols)
        throw new TorchException("expected sequence of length " + cols + " at dim 1 (got " + rows[r].length + ")");
      System.arraycopy(rows[r], 0, d, r * cols, cols);
    }
    return Tensor.wrap(NDArray.wrap(d, rows.length, cols));
  }

  /** A 3-D float32 tensor. */
  public static Tensor tensor(float[][][] v) {
    int a = v.length, b = a == 0 ? 0 : v[0].length, c = b == 0 ? 0 : v[0][0].length;
    float[] d = new float[a * b * c];
    for (int i = 0; i < a; i++) {
      if (v[i].length != b) throw new TorchException("expected sequence of length " + b + " at dim 1 (got " + v[i].length + ")");
      for (int j = 0; j < b; j++) {
        if (v[i][j].length != c) throw new TorchException("expected sequence of length " + c + " at dim 2 (got " + v[i][j].length + ")");
        System.arraycopy(v[i][j], 0, d, (i * b + j) * c, c);
      }
    }
    return Tensor.wrap(NDArray.wrap(d, a, b, c));
  }

  /** A 0-d float32 tensor: {@code torch.tensor(5.)}. */
  public static Tensor scalar(double v) { return Tensor.wrap(NDArray.scalar(DType.FLOAT32, v)); }

  /** A 0-d tensor of {@code dtype}: {@code torch.tensor(5., dtype=torch.float64)}. */
  public static Tensor scalar(double v, DType dtype) { return Tensor.wrap(NDArray.scalar(dtype, v)); }

  /** Copies {@code data} into a float64 tensor of {@code shape}. */
  public static Tensor fromArray(double[] data, int... shape) { return Tensor.wrap(NDArray.wrap(data.clone(), shape)); }

  /** Copies {@code data} into a float32 tensor of {@code shape}. */
  public static Tensor fromArray(float[] data, int... shape) { return Tensor.wrap(NDArray.wrap(data.clone(), shape)); }

  /** Copies {@code data} into an int64 tensor of {@code shape}. */
  public static Tensor fromArray(long[] data, int... shape) { return Tensor.wrap(NDArray.wrap(data.clone(), shape)); }

  public static Tensor fromArray(boolean[] data, int... shape) { return Tensor.wrap(NDArray.wrap(data.clone(), shape)); }

  public static Tensor zeros(int... shape) { return full(0, shape); }
  public static Tensor ones(int... shape) { return full(1, shape); }
  public static Tensor full(double value, int... shape) { return Tensor.wrap(NDArray.full(DType.FLOAT32, value, shape)); }
  public static Tensor zeros(DType dtype, int... shape) { return Tensor.wrap(NDArray.full(dtype, 0, shape)); }
  public static Tensor ones(DType dtype, int... shape) { return Tensor.wrap(NDArray.full(dtype, 1, shape)); }
  public static Tensor full(double value, DType dtype, int... shape) { return Tensor.wrap(NDArray.full(dtype, value, shape)); }

  /** Uninitialised in PyTorch; zero-filled here (the JVM zeroes memory anyway). */
  public static Tensor empty(int... shape) { return zeros(shape); }
  public static Tensor empty(DType dtype, int... shape) { return zeros(dtype, shape); }

  public static Tensor zerosLike(Tensor t) { return Tensor.wrap(NDArray.full(t.dtype(), 0, t.shapeArray())); }
  public static Tensor onesLike(Tensor t) { return Tensor.wrap(NDArray.full(t.dtype(), 1, t.shapeArray())); }
  public static Tensor fullLike(Tensor t, double v) { return Tensor.wrap(NDArray.full(t.dtype(), v, t.shapeArray())); }
  /** {@code torch.rand_like}: the tensor's dtype when floating, else float32. */
  public static Tensor randLike(Tensor t) { return rand(t.dtype().floatResult(), t.shapeArray()); }
  public static Tensor randnLike(Tensor t) { return randn(t.dtype().floatResult(), t.shapeArray()); }

  public static Tensor eye(int n) { return eye(n, n); }

  public static Tensor eye(int n, int m, DType dtype) {
    NDArray a = NDArray.empty(dtype, n, m);
    for (int i = 0; i < Math.min(n, m); i++) a.setDouble(i * m + i, 1);
    return Tensor.wrap(a);
  }

  public static Tensor eye(int n, int m) {
    NDArray a = NDArray.empty(DType.FLOAT32, n, m);
    for (int i = 0; i < Math.min(n, m); i++) a.floats()[i * m + i] = 1f;
    return Tensor.wrap(a);
  }

  /** {@code torch.arange(end)} with an integer end: int64, as in PyTorch. */
  public static Tensor arange(long end) { return arange(0, end, 1); }

  /** {@code torch.arange(end)} with a float end: float32. */
  public static Tensor arange(double end) { return arange(0.0, end, 1.0); }

  public static Tensor arange(long start, long end, long step) {
    int n = arangeLength(start, end, step, 8);
    long[] d = new long[n];
    for (int i = 0; i < n; i++) d[i] = start + i * step;
    return Tensor.wrap(NDArray.wrap(d, n));
  }

  /** Float32 values {@code start + i * step} computed in double, as PyTorch's kernel does. */
  public static Tensor arange(double start, double end, double step) {
    int n = arangeLength(start, end, step, 4);
    float[] d = new float[n];
    for (int i = 0; i < n; i++) d[i] = (float) (start + i * step);
    return Tensor.wrap(NDArray.wrap(d, n));
  }

  /** {@code torch.arange(start, end, step, dtype=...)}: float64 as PyTorch's double kernel; other dtypes converted. */
  public static Tensor arange(double start, double end, double step, DType dtype) {
    if (dtype != DType.FLOAT64) return arange(start, end, step).to(dtype);
    return Tensor.wrap(DoubleRanges.arange(start, step, arangeLength(start, end, step, 8)));
  }

  private static int arangeLength(double start, double end, double step, int itemSize) {
    if (!Double.isFinite(start) || !Double.isFinite(end))
      throw new TorchException("unsupported range: " + rangeBound(start) + " -> " + rangeBound(end));
    if (step == 0) throw new TorchException("step must be nonzero");
    if ((step > 0 && end < start) || (step < 0 && end > start))
      throw new TorchException("upper bound and larger bound inconsistent with step sign");
    double size = Math.ceil((end - start) / step);
    if (!(size < 0x1p63)) throw new TorchException("invalid size, possible overflow?");
    if (size > Integer.MAX_VALUE)
      throw new TorchException("DefaultCPUAllocator: can't allocate memory: you tried to allocate " + (long) size * itemSize
          + " bytes (tcompile tensors hold at most " + Integer.MAX_VALUE + " elements)");
    return (int) size;
  }

  private static String rangeBound(double v) {
    if (Double.isNaN(v)) return "nan";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /**
   * {@code torch.linspace} with PyTorch's float32 CPU kernel: the step is computed in float32, the first half
   * counts up from {@code start} and the second half down from {@code end}; full vector blocks (8 lanes, AVX2)
   * start from their first index's value and add {@code j * step}, the remainder is computed element by element.
   * Bit-exact up to 32768 steps (beyond, PyTorch splits the range across threads).
   */
  /** {@code torch.linspace(start, end, steps, dtype=torch.float64)}; other dtypes as {@link #linspace(double, double, int)}. */
  public static Tensor linspace(double start, double end, int steps, DType dtype) {
    if (dtype != DType.FLOAT64) return linspace(start, end, steps).to(dtype);
    if (steps < 0) throw new TorchException("number of steps must be non-negative");
    return Tensor.wrap(DoubleRanges.linspace(start, end, steps));
  }

  public static Tensor linspace(double start, double end, int steps) {
    if (steps < 0) throw new TorchException("number of steps must be non-negative");
    float[] d = new float[steps];
    float s = (float) start, e = (float) end;
    if (steps == 1) d[0] = s;
    if (steps > 1) {
      float step = (e - s) / (steps - 1);
      int half = steps / 2, lanes = 8, vectorEnd = steps / (2 * lanes) * (2 * lanes); // ATen stores two vectors per round
      // ATen's compiled kernel fuses start + step * i and end - step * k into one rounding (FMA); the lanes of a
      // vector block are base + j * step with two roundings (matched against PyTorch 1.13 on an AVX2 build)
      for (int i = 0; i < vectorEnd; i += lanes) {
        float base = i < half ? Math.fma(step, (float) i, s) : Math.fma(-step, (float) (steps - i - 1), e);
        for (int j = 0; j < lanes; j++) d[i + j] = base + j * step;
      }
      for (int i = vectorEnd; i < steps; i++) d[i] = i < half ? Math.fma(step, (float) i, s) : Math.fma(-step, (float) (steps - i - 1), e);
    }
    return Tensor.wrap(NDArray.wrap(d, steps));
  }

  /**
   * Python's {@code repr(float)}: what {@code print(t.item())} shows for a value read as a double, e.g.
   * {@code 209.95835876464844} (the shortest digits that round-trip, with Python's exponent spelling).
   */
  public static String pyRepr(double v) { return dev.tcompile.format.PyFloat.repr(v); }

  /** Python's {@code f'{v:.Nf}'} (rounding the exact binary value half-even, as Python does). */
  public static String pyFixed(double v, int digits) { return dev.tcompile.format.PyFloat.fixed(v, digits); }

  // ======================================== random ========================================

  /** Seeds the default generator: every later random call is reproducible. */
  public static void manualSeed(long seed) { Rng.manualSeed(seed); }

  /** U[0, 1) float32. */
  public static Tensor rand(int... shape) { return Tensor.wrap(Rng.uniform(shape, 0, 1)); }

  /** {@code torch.rand(shape, dtype=...)}: float64 draws PyTorch's 53-bit double stream. */
  public static Tensor rand(DType dtype, int... shape) { return Tensor.wrap(Rng.uniform(dtype, shape, 0, 1)); }

  /** {@code torch.randn(shape, dtype=...)}: float64 draws PyTorch's double Box-Muller stream. */
  public static Tensor randn(DType dtype, int... shape) { return Tensor.wrap(Rng.normal(dtype, shape, 0, 1)); }

  /** N(0, 1) float32. */
  public static Tensor randn(int... shape) { return Tensor.wrap(Rng.normal(shape, 0, 1)); }

  /** Uniform int64 in [low, high). */
  public static Tensor randint(long low, long high, int... shape) { return Tensor.wrap(Rng.randint(low, high, shape)); }

  /** A random permutation of 0..n-1 (int64). */
  public static Tensor randperm(int n) { return Tensor.wrap(Rng.randperm(n)); }

  // ======================================== joining ========================================

  public static Tensor cat(int dim, Tensor... ts) { return Dispatcher.apply1(Indexing.CAT, Attrs.of("dim", dim), ts); }

  public static Tensor cat(java.util.List<Tensor> ts, int dim) { return cat(dim, ts.toArray(new Tensor[0])); }

  public static Tensor stack(int dim, Tensor... ts) { return Dispatcher.apply1(Indexing.STACK, Attrs.of("dim", dim), ts); }

  /** {@code torch.chunk(x, chunks, dim)}. */
  public static java.util.List<Tensor> chunk(Tensor x, int chunks, int dim) { return x.chunk(chunks, dim); }

  /** {@code torch.split(x, splitSize, dim)}. */
  public static java.util.List<Tensor> split(Tensor x, int splitSize, int dim) { return x.split(splitSize, dim); }

  /** {@code torch.unbind(x, dim)}. */
  public static java.util.List<Tensor> unbind(Tensor x, int dim) { return x.unbind(dim); }

  /** {@code torch.rsub(x, other)}: {@code other - x} (RsubBackward0). */
  public static Tensor rsub(Tensor x, Tensor other) { return x.rsub(other); }

  /** {@code torch.rsub(x, 2.0)}, Python's {@code 2.0 - x} (RsubBackward1). */
  public static Tensor rsub(Tensor x, double other) { return x.rsub(other); }

  /** {@code torch.allclose(a, b)}. */
  public static boolean allclose(Tensor a, Tensor b) { return a.allclose(b); }

  public static boolean allclose(Tensor a, Tensor b, double rtol, double atol) { return a.allclose(b, rtol, atol, false); }

  /** {@code torch.equal(a, b)}. */
  public static boolean equal(Tensor a, Tensor b) { return a.equal(b); }

  /** {@code cond ? a : b} elementwise, broadcasting all three; cond must be bool. */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Dispatcher.apply1(Elementwise.WHERE, Attrs.EMPTY, cond, a, b); }

  /** {@code where(cond, a, 2.5)}: a float scalar makes an integer {@code a} float32. */
  public static Tensor where(Tensor cond, Tensor a, double b) { return where(cond, a, a.scalarOperand(b)); }

  /** {@code where(cond, a, 2)}: an int scalar keeps {@code a}'s dtype. */
  public static Tensor where(Tensor cond, Tensor a, long b) { return where(cond, a, a.scalarOperand(b)); }

  // ======================================== grad mode ========================================

  /** {@code with torch.no_grad():} — {@code try (var g = Torch.noGrad()) { ... }}. */
  public static GradGuard noGrad() { return new GradGuard(false); }

  /** {@code with torch.enable_grad():}. */
  public static GradGuard enableGrad() { return new GradGuard(true); }

  public static boolean isGradEnabled() { return GradMode.isEnabled(); }

  // ======================================== compiling ========================================

  /** Compiles {@code fn} (traced on first call per input signature; see {@link CompiledFn}). */
  public static CompiledFn compile(TensorFn fn) { return compile(fn, new CompileOptions()); }

  public static CompiledFn compile(TensorFn fn, CompileOptions options) { return new CompiledFn(fn, options, "fn", () -> null); }

  /**
   * Compiles with a name (for warnings and recompile reasons) and a mode key that joins the signature (a
   * module's training flag): a change of mode compiles again instead of replaying the wrong graph.
   */
  public static CompiledFn compile(TensorFn fn, CompileOptions options, String name, java.util.function.Supplier<Object> modeKey) {
    return new CompiledFn(fn, options, name, modeKey);
  }

  /** A module with the same parameters whose forward is compiled ({@link dev.tcompile.nn.OptimizedModule}). */
  public static dev.tcompile.nn.Module compile(dev.tcompile.nn.Module module) { return compile(module, new CompileOptions()); }

  public static dev.tcompile.nn.Module compile(dev.tcompile.nn.Module module, CompileOptions options) {
    return new dev.tcompile.nn.OptimizedModule(module, options);
  }

  /**
   * Compiles {@code module}'s forward on {@code examples} (inference, no gradients) into a jar at {@code jar} that a
   * host application loads with only the runtime on its class path ({@code CompiledModel.load}): the generated
   * program and kernel classes, the parameters and buffers as safetensors, a manifest. The model's inputs are the
   * examples' types; its current parameter values are stored (in eval mode compiled in as constants, as Torch.compile
   * does). An op without a compiled kernel call is an error.
   */
  public static dev.tcompile.codegen.aot.ArtifactWriter.Summary export(dev.tcompile.nn.Module module, java.nio.file.Path jar, Tensor... examples) {
    return export(module, jar, new CompileOptions(), examples);
  }

  public static dev.tcompile.codegen.aot.ArtifactWriter.Summary export(dev.tcompile.nn.Module module, java.nio.file.Path jar, CompileOptions options,
      Tensor... examples) {
    TracedGraph t;
    try (GradGuard g = noGrad()) {
      t = TracedGraph.of(xs -> xs.length == 1 ? module.forward(xs[0]) : module.forward(xs), examples);
    }
    return Export.write(t, jar, options, module.getClass().getSimpleName(), !module.trainingFlags().contains(true));
  }

  /**
   * {@link #export(dev.tcompile.nn.Module, java.nio.file.Path, Tensor...)} with gradients, as {@code tcompile compile
   * --grad} writes them: {@code gradients} names module parameters ({@code namedParameters()} keys such as
   * {@code "fc.weight"}) and examples ({@code "x0"}, {@code "x1"}, ...) to differentiate. The jar takes the examples,
   * then one gradient per output ({@code grad_<output>}, the {@code backward(gradient)} argument), and returns the
   * outputs, then the gradients: the examples' first (in argument order), then the parameters' in the order listed.
   * An unknown name, a buffer, or a parameter forward does not read is a {@link TorchException}. An empty list is
   * the plain export.
   */
  public static dev.tcompile.codegen.aot.ArtifactWriter.Summary export(dev.tcompile.nn.Module module, java.nio.file.Path jar,
      java.util.List<String> gradients, Tensor... examples) {
    return export(module, jar, new CompileOptions(), gradients, examples);
  }

  public static dev.tcompile.codegen.aot.ArtifactWriter.Summary export(dev.tcompile.nn.Module module, java.nio.file.Path jar, CompileOptions options,
      java.util.List<String> gradients, Tensor... examples) {
    if (gradients.isEmpty()) return export(module, jar, options, examples);
    TracedGraph t;
    try (GradGuard g = noGrad()) {
      t = TracedGraph.of(xs -> xs.length == 1 ? module.forward(xs[0]) : module.forward(xs), examples);
    }
    return GradientExport.write(module, t, examples.length, jar, options, gradients, !module.trainingFlags().contains(true));
  }

  /** Forward, loss, backward and the optimiser update as one step ({@link TrainStep}). */
  public static TrainStep compileTrainStep(dev.tcompile.nn.Module model, LossFn loss, dev.tcompile.optim.Optimizer opt) {
    return compileTrainStep(model, loss, opt, new CompileOptions());
  }

  public static TrainStep compileTrainStep(dev.tcompile.nn.Module model, LossFn loss, dev.tcompile.optim.Optimizer opt, CompileOptions options) {
    return new TrainStep(model, loss, opt, options);
  }

  /**
   * Traces {@code fn} on {@code examples} and returns the recorded graph: inputs {@code %x0, %x1, ...} for the
   * examples (then captured tensors), one node per op. A graph break is an error here.
   */
  public static dev.tcompile.ir.Graph trace(TensorFn fn, Tensor... examples) {
    return TracedGraph.of(fn, examples).graph();
  }

  // ======================================== printing ========================================

  /** {@code torch.set_printoptions}; a null sciMode means automatic. */
  public static void setPrintOptions(int precision, int threshold, int edgeitems, int linewidth, Boolean sciMode) {
    PrintOptions.set(new PrintOptions(precision, threshold, edgeitems, linewidth, sciMode));
  }

  /**
   * Python's {@code print(a, b, ...)}: values joined by spaces, null as {@code None}, booleans as
   * {@code True}/{@code False}, doubles as Python's repr ({@link #pyRepr}), lists as tuples (split, chunk,
   * nextEdges) — so ported tutorials print what their Python originals print. A Java float prints as NumPy prints
   * a float32; print {@code item()} values, which Python reads as doubles, as {@code Torch.pyRepr(t.item())}.
   */
  public static void print(Object... values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) sb.append(' ');
      sb.append(pythonStr(values[i]));
    }
    System.out.println(sb);
  }

  static String pythonStr(Object o) {
    if (o == null) return "None";
    if (o instanceof Boolean b) return b ? "True" : "False";
    if (o instanceof Double d) return pyRepr(d);
    if (o instanceof java.util.List<?> l && !(o instanceof Size)) { // split/chunk/unbind/nextEdges: Python tuples
      java.util.List<String> parts = new java.util.ArrayList<>(l.size());
      for (Object e : l) parts.add(pythonStr(e));
      return "(" + String.join(", ", parts) + (l.size() == 1 ? ",)" : ")");
    }
    if (o instanceof int[] a) return "(" + String.join(", ", java.util.Arrays.stream(a).mapToObj(String::valueOf).toList())
        + (a.length == 1 ? ",)" : ")");
    return String.valueOf(o);
  }

  static int[] checkShape(int[] shape) {
    for (int s : shape) if (s < 0) throw new TorchException("Trying to create tensor with negative dimension " + s + ": " + Shapes.str(shape));
    return shape;
  }
}
