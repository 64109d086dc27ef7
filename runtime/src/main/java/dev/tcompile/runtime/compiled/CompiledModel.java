package dev.tcompile.runtime.compiled;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import dev.tcompile.runtime.io.Json;
import dev.tcompile.runtime.io.SafetensorsFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A compiled model read from a jar written by {@code tcompile compile} or {@code Torch.export}: the generated
 * program class and kernel classes, defined by a class loader of their own, the weights from the jar's safetensors
 * entry. Needs only the runtime. Everything is checked at load (format version, digests, classes, weights against
 * the manifest's types); any problem is one {@link TorchException} naming the file. Calls may run concurrently.
 */
public final class CompiledModel {
  /** A tensor's name and type, as the manifest lists inputs and outputs. */
  public record Spec(String name, DType dtype, int[] shape) {
    @Override public String toString() { return name + ": " + dtype.name().toLowerCase(java.util.Locale.ROOT) + Arrays.toString(shape); }
  }

  /** The most bytes the jar's entries may expand to, whatever the file's size (a corrupt size cannot exhaust memory). */
  private static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 16;

  private final Path path;
  private final Map<String, Object> manifest;
  private final List<Spec> inputs = new ArrayList<>(), outputs = new ArrayList<>();
  /** The program's inputs: for each, the user input it is (>= 0) or the weight it is (-1, then {@link #bound}). */
  private final int[] inputOf;
  private final NDArray[] bound;
  private final List<Spec> buffers = new ArrayList<>();
  private final CompiledProgram program;
  /**
   * Calls' arenas (the planned buffers, then the program's registers) and argument arrays, reused by later calls:
   * calls in flight at the same time each take their own, up to {@link #SPARES} are kept (atomic slots, no lock).
   */
  private final java.util.concurrent.atomic.AtomicReferenceArray<Frame> spares = new java.util.concurrent.atomic.AtomicReferenceArray<>(SPARES);
  private static final int SPARES = 8;

  private record Frame(NDArray[] arena, NDArray[] args) {}

  private CompiledModel(Path path, Map<String, Object> manifest, int[] inputOf, NDArray[] bound, CompiledProgram program) {
    this.path = path;
    this.manifest = manifest;
    this.inputOf = inputOf;
    this.bound = bound;
    this.program = program;
  }

  /** Reads {@code jar} (and nothing else). */
  public static CompiledModel load(Path jar) {
    try {
      return read(jar);
    } catch (TorchException e) {
      throw new TorchException("cannot load compiled model " + jar + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException | LinkageError e) {
      throw new TorchException("cannot load compiled model " + jar + ": " + describe(e), e);
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof java.util.zip.ZipException || e instanceof java.io.EOFException) return "not a readable jar (" + e.getMessage() + ")";
    if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
    if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static CompiledModel read(Path jar) throws IOException {
    if (!Files.isRegularFile(jar)) throw new TorchException(Files.exists(jar) ? "not a file" : "no such file");
    Map<String, byte[]> entries = new HashMap<>();
    long total = 0, limit = Math.max(256L << 20, Files.size(jar) * 64);
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      var all = zip.entries();
      while (all.hasMoreElements()) {
        ZipEntry e = all.nextElement();
        if (e.isDirectory()) continue;
        byte[] b = readEntry(zip, e, Math.min(MAX_ENTRY_BYTES, limit - total));
        total += b.length;
        if (entries.put(e.getName(), b) != null) throw new TorchException("entry " + e.getName() + " appears twice");
      }
    }
    byte[] m = need(entries, Artifact.MANIFEST), digest = need(entries, Artifact.MANIFEST_DIGEST);
    if (!Artifact.sha256(m).equals(new String(digest, StandardCharsets.US_ASCII).strip()))
      throw new TorchException("the manifest does not match its SHA-256 (the jar is corrupt)");
    if (!(Json.parse(m, 0, m.length, 0) instanceof Map<?, ?> raw)) throw new TorchException("the manifest is not a JSON object");
    @SuppressWarnings("unchecked") Map<String, Object> man = (Map<String, Object>) raw;
    long format = integer(man, "format");
    if (format != Artifact.FORMAT)
      throw new TorchException("artifact format " + format + " is not the runtime's (" + Artifact.FORMAT + "); recompile the model with this tcompile");
    // every listed entry is present and unchanged
    Map<String, Object> digests = object(man, "sha256");
    for (Map.Entry<String, Object> d : digests.entrySet()) {
      byte[] b = need(entries, d.getKey());
      if (!(d.getValue() instanceof String s) || !Artifact.sha256(b).equals(s))
        throw new TorchException("entry " + d.getKey() + " does not match its SHA-256 in the manifest (the jar is corrupt or mixed up)");
    }
    Map<String, NDArray> weights = SafetensorsFile.read(need(entries, Artifact.WEIGHTS)).tensors();
    Loader loader = new Loader(entries, digests);

    List<Object> ins = list(man, "inputs");
    int[] inputOf = new int[ins.size()];
    NDArray[] bound = new NDArray[ins.size()];
    List<Spec> userInputs = new ArrayList<>();
    for (int i = 0; i < ins.size(); i++) {
      Map<String, Object> in = object(ins.get(i), "inputs[" + i + "]");
      Spec s = spec(in);
      Object w = in.get("weight");
      if (w instanceof String name) {
        bound[i] = tensor(weights, name, s);
        inputOf[i] = -1;
      } else {
        inputOf[i] = userInputs.size();
        userInputs.add(s);
      }
    }
    List<Spec> outs = new ArrayList<>();
    for (Object o : list(man, "outputs")) outs.add(spec(object(o, "an output")));
    List<Spec> buffers = new ArrayList<>();
    for (Object b : list(man, "buffers")) buffers.add(spec(object(b, "a buffer")));
    List<Object> dataList = list(man, "data");
    Object[] data = new Object[dataList.size()];
    for (int i = 0; i < data.length; i++) {
      Map<String, Object> d = object(dataList.get(i), "data[" + i + "]");
      if (d.get("constant") instanceof String c) {
        data[i] = tensor(weights, c, null);
      } else if (d.get("fused") instanceof String text) {
        VectorKernel k = null;
        if (d.get("kernel") instanceof String cls) k = (VectorKernel) instantiate(loader, cls, VectorKernel.class);
        FusedLoop loop = new FusedLoop(PointwiseProgram.parse(text), k);
        data[i] = loop;
      } else {
        throw new TorchException("data[" + i + "] is neither a constant nor a fused kernel");
      }
    }
    String programName = string(man, "program");
    Class<?> c = loader.find(programName);
    if (!CompiledProgram.class.isAssignableFrom(c)) throw new TorchException(programName + " is not a compiled program");
    CompiledProgram program;
    try {
      program = (CompiledProgram) c.getConstructor(Object[].class).newInstance((Object) data);
    } catch (ReflectiveOperationException e) {
      throw new TorchException(programName + " cannot be constructed: " + e, e);
    }
    CompiledModel model = new CompiledModel(jar, man, inputOf, bound, program);
    model.inputs.addAll(userInputs);
    model.outputs.addAll(outs);
    model.buffers.addAll(buffers);
    return model;
  }

  private static byte[] readEntry(ZipFile zip, ZipEntry e, long max) throws IOException {
    if (e.getSize() > max) throw new TorchException("entry " + e.getName() + " is larger than the jar can hold");
    try (InputStream in = zip.getInputStream(e)) {
      byte[] b = in.readNBytes((int) Math.min(max, MAX_ENTRY_BYTES) + 1);
      if (b.length > max) throw new TorchException("entry " + e.getName() + " expands beyond any model this jar could hold");
      return b;
    }
  }

  private static Object instantiate(Loader l, String name, Class<?> type) {
    Class<?> c = l.find(name);
    if (!type.isAssignableFrom(c)) throw new TorchException(name + " is not a " + type.getSimpleName());
    try {
      return c.getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new TorchException(name + " cannot be constructed: " + e, e);
    }
  }

  /** Defines the jar's generated classes (only those, only from its entries); everything else comes from the runtime. */
  private static final class Loader extends ClassLoader {
    private final Map<String, byte[]> entries;
    private final Map<String, Object> digests;

    Loader(Map<String, byte[]> entries, Map<String, Object> digests) {
      super("tcompile-artifact", CompiledModel.class.getClassLoader());
      this.entries = entries;
      this.digests = digests;
    }

    Class<?> find(String internalName) {
      if (!internalName.startsWith(Artifact.PACKAGE) || !digests.containsKey(internalName + ".class"))
        throw new TorchException("class " + internalName + " is not one of the jar's listed classes");
      try {
        return loadClass(internalName.replace('/', '.'));
      } catch (ClassNotFoundException e) {
        throw new TorchException("class " + internalName + " is missing", e);
      }
    }

    @Override protected Class<?> findClass(String name) throws ClassNotFoundException {
      String entry = name.replace('.', '/') + ".class";
      byte[] b = entries.get(entry);
      if (b == null || !entry.startsWith(Artifact.PACKAGE) || !digests.containsKey(entry)) throw new ClassNotFoundException(name);
      return defineClass(name, b, 0, b.length);
    }
  }

  // --- manifest reading: wrong shapes of JSON are TorchExceptions ---

  private static byte[] need(Map<String, byte[]> entries, String name) {
    byte[] b = entries.get(name);
    if (b == null) throw new TorchException("entry " + name + " is missing");
    return b;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object o, String what) {
    if (!(o instanceof Map<?, ?> m)) throw new TorchException("manifest: " + what + " is not an object");
    return (Map<String, Object>) m;
  }

  private static Map<String, Object> object(Map<String, Object> m, String key) { return object(m.get(key), "'" + key + "'"); }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof List<?> l)) throw new TorchException("manifest: '" + key + "' is not a list");
    return (List<Object>) l;
  }

  private static String string(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof String s)) throw new TorchException("manifest: '" + key + "' is not a string");
    return s;
  }

  private static long integer(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof Long l)) throw new TorchException("manifest: '" + key + "' is not an integer");
    return l;
  }

  private static Spec spec(Map<String, Object> m) {
    String name = string(m, "name");
    DType dtype;
    try {
      dtype = DType.valueOf(string(m, "dtype"));
    } catch (IllegalArgumentException e) {
      throw new TorchException("manifest: unknown dtype " + m.get("dtype"));
    }
    List<Object> dims = list(m, "shape");
    int[] shape = new int[dims.size()];
    long numel = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) throw new TorchException("manifest: bad shape for " + name);
      shape[i] = (int) (long) d;
      numel *= shape[i];
      if (numel > Integer.MAX_VALUE) throw new TorchException("manifest: shape of " + name + " is too large");
    }
    return new Spec(name, dtype, shape);
  }

  private static NDArray tensor(Map<String, NDArray> weights, String name, Spec want) {
    NDArray a = weights.get(name);
    if (a == null) throw new TorchException("weight " + name + " is missing from " + Artifact.WEIGHTS);
    if (want != null && (a.dtype() != want.dtype() || !Arrays.equals(a.shape(), want.shape())))
      throw new TorchException("weight " + name + " is " + a.dtype() + Arrays.toString(a.shape()) + " but the program takes " + want);
    return a;
  }

  // --- running ---

  public Path path() { return path; }

  /** The inputs {@link #run} takes, in order (the weights are bound already). */
  public List<Spec> inputs() { return List.copyOf(inputs); }

  public List<Spec> outputs() { return List.copyOf(outputs); }

  /** The manifest's string entries ({@code tcompile} version, graph name, ...). */
  public String info(String key) { return manifest.get(key) instanceof String s ? s : null; }

  /** The memory plan's buffers, allocated once per call in flight. */
  public List<Spec> buffers() { return List.copyOf(buffers); }

  /** The jar's generated classes (internal names). */
  public List<String> classes() {
    List<String> c = new ArrayList<>();
    for (String e : object(manifest, "sha256").keySet()) if (e.endsWith(".class")) c.add(e.substring(0, e.length() - ".class".length()));
    return c;
  }

  /** Each generated method's bytes of code, as the writer measured them ("Class.method"). */
  public Map<String, Long> methodSizes() {
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    if (manifest.get("method_sizes") instanceof Map<?, ?> sizes)
      for (Map.Entry<?, ?> e : sizes.entrySet()) if (e.getValue() instanceof Long l) m.put(String.valueOf(e.getKey()), l);
    return m;
  }

  /** Fused kernels: how many, and how many of them with a generated vector loop. */
  public int[] fusedKernels() {
    int fused = 0, generated = 0;
    for (Object d : list(manifest, "data"))
      if (d instanceof Map<?, ?> m && m.get("fused") != null) { fused++; if (m.get("kernel") instanceof String) generated++; }
    return new int[]{fused, generated};
  }

  /** Bytes of the stored weights and constants. */
  public long weightBytes() {
    long b = 0;
    for (NDArray w : bound) if (w != null) b += (long) w.numel() * w.dtype().itemSize();
    return b;
  }

  public NDArray[] run(NDArray... in) {
    if (in.length != inputs.size())
      throw new TorchException("compiled model " + path.getFileName() + " takes " + inputs.size() + " inputs but was given " + in.length);
    for (int i = 0; i < in.length; i++) {
      Spec s = inputs.get(i);
      if (in[i] == null || in[i].dtype() != s.dtype() || !Arrays.equals(in[i].shape(), s.shape()))
        throw new TorchException("input " + i + " (" + s.name() + ") of compiled model " + path.getFileName() + " must be "
            + s.dtype().name().toLowerCase(java.util.Locale.ROOT) + Arrays.toString(s.shape()) + " but is "
            + (in[i] == null ? "null" : in[i].dtype().name().toLowerCase(java.util.Locale.ROOT) + Arrays.toString(in[i].shape())));
    }
    Frame f = null;
    for (int i = 0; i < SPARES && f == null; i++) f = spares.getAndSet(i, null);
    if (f == null) {
      NDArray[] arena = new NDArray[program.frameSize()];
      for (int b = 0; b < buffers.size(); b++) arena[b] = NDArray.empty(buffers.get(b).dtype(), buffers.get(b).shape());
      f = new Frame(arena, new NDArray[inputOf.length]);
    }
    NDArray[] args = f.args();
    for (int i = 0; i < args.length; i++) args[i] = inputOf[i] >= 0 ? in[inputOf[i]] : bound[i];
    NDArray[] out;
    try {
      out = program.run(args, f.arena(), null);
    } catch (TorchException e) {
      throw e;
    } catch (RuntimeException e) {
      // the digests rule out corruption: only a hand-edited manifest (buffers, kernels) can get here
      throw new TorchException("compiled model " + path.getFileName() + " is inconsistent with its manifest: " + e, e);
    } finally {
      // the kept frame must not hold the call's arrays
      Arrays.fill(args, null);
      Arrays.fill(f.arena(), buffers.size(), f.arena().length, null);
      for (int i = 0; i < SPARES; i++) if (spares.compareAndSet(i, null, f)) break;
    }
    if (out.length != outputs.size()) throw new TorchException("compiled model " + path.getFileName() + " is inconsistent: its program returned " + out.length + " outputs");
    for (int i = 0; i < out.length; i++)
      if (out[i].dtype() != outputs.get(i).dtype() || Shapes.numel(out[i].shape()) != Shapes.numel(outputs.get(i).shape())
          || !Arrays.equals(out[i].shape(), outputs.get(i).shape()))
        throw new TorchException("compiled model " + path.getFileName() + " is inconsistent: output " + i + " is not " + outputs.get(i));
    return out;
  }
}
