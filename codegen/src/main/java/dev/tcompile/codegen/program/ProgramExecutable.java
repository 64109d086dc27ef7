package dev.tcompile.codegen.program;

import dev.tcompile.TorchException;
import dev.tcompile.codegen.CompiledGraph;
import dev.tcompile.codegen.Donation;
import dev.tcompile.codegen.MemoryPlan;
import dev.tcompile.codegen.bytecode.KernelLoader;
import dev.tcompile.runtime.compiled.VectorKernel;
import dev.tcompile.codegen.bytecode.VectorKernelEmitter;
import dev.tcompile.codegen.fused.FusedKernel;
import dev.tcompile.ir.FusedOp;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.TensorType;
import dev.tcompile.ir.Value;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.compiled.CompiledProgram;
import dev.tcompile.runtime.compiled.Kernel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The bytecode backend's result: the graph as one generated program class ({@link ProgramEmitter}), its fused
 * nodes as generated Vector API loops where the kernel emitter covers them ({@link KernelLoader}, else the
 * interpreter's blocked loop), ops without a direct call through their {@code eval}. Inputs are checked as the
 * interpreter checks them; each call in flight gets its own set of the memory plan's buffers.
 */
public final class ProgramExecutable implements CompiledGraph {
  private final Graph graph;
  private final MemoryPlan plan;
  private final Donation donation;
  private final TensorType[] inputTypes;
  private final CompiledProgram program;
  private final List<String> notes = new ArrayList<>();
  private final byte[] classFile;
  private int generated;
  /**
   * Calls' working sets, reused by later calls: the arena (the memory plan's buffers, then the program's registers)
   * and the donation tables. Calls in flight at the same time each take their own; up to {@link #SPARES} are kept
   * (slots taken and returned with atomic swaps: no allocation, no lock).
   */
  private final AtomicReferenceArray<Frame> spares = new AtomicReferenceArray<>(SPARES);
  private static final int SPARES = 8;

  private record Frame(NDArray[] arena, NDArray[][] direct, NDArray[] chosen) {}

  /** {@code codeDump} (optional): where the program class, the kernel classes and their listings are written. */
  public ProgramExecutable(Graph graph, Path codeDump) {
    this.graph = graph;
    this.plan = new MemoryPlan(graph);
    this.donation = new Donation(graph);
    this.inputTypes = graph.inputs().stream().map(Value::type).toArray(TensorType[]::new);
    Path dir = codeDump == null ? null : codeDump.resolve(graph.name());
    ProgramEmitter.Emitted e = ProgramEmitter.emitHidden(graph, plan, ProgramLoader.CLASS_NAME, (k, n, kind) ->
        kind == ProgramEmitter.Kind.FUSED ? fused(n, dir) : evalHandle(n));
    if (dir != null) ProgramLoader.dump(e.bytes(), dir, "Program");
    if (GeneratedCodeCheck.ENABLED) GeneratedCodeCheck.verify(e.bytes(), "program of @" + graph.name());
    classFile = e.bytes();
    program = ProgramLoader.define(e);
  }

  private Kernel fused(Node n, Path dir) {
    FusedOp f = (FusedOp) n.op();
    VectorKernel gen = null;
    String small = KernelLoader.tooSmall(f);
    if (small != null) notes.add("%" + n.output().name() + " (" + f.body().name() + ") runs in the interpreter's loop: " + small);
    else try {
      gen = KernelLoader.load(f, dir);
      generated++;
    } catch (VectorKernelEmitter.Unsupported u) {
      notes.add("%" + n.output().name() + " (" + f.body().name() + ") runs in the interpreter's loop: " + u.getMessage());
    }
    return new FusedKernel(f, gen).loop();
  }

  /** An op the program does not call directly: its eval, refusing (as the interpreter does) a hidden alias of a planned buffer. */
  private Kernel evalHandle(Node n) {
    notes.add("%" + n.outputs().get(0).name() + " = " + n.op().name() + " runs through its eval (no direct kernel call)");
    boolean view = n.op().isView();
    int buffers = plan.buffers().size();   // the arena's first entries; registers follow
    return (arena, in) -> {
      NDArray[] outs = n.op().eval(n.attrs(), in);
      if (!view)
        for (NDArray o : outs)
          for (int b = 0; b < buffers; b++)
            if (o.sharesStorage(arena[b]))
              throw new IllegalStateException(n.op().name() + " returned an alias of its input without being a view op; the memory plan cannot follow it");
      return outs;
    };
  }

  @Override public Graph graph() { return graph; }

  @Override public MemoryPlan plan() { return plan; }

  @Override public int generatedKernels() { return generated; }

  @Override public List<String> kernelNotes() { return List.copyOf(notes); }

  /** The generated program's class file (as defined in-process, before the JVM names it). */
  public byte[] classFile() { return classFile.clone(); }

  private Frame frame() {
    for (int i = 0; i < SPARES; i++) {
      Frame f = spares.getAndSet(i, null);
      if (f != null) return f;
    }
    List<TensorType> types = plan.buffers();
    NDArray[] a = new NDArray[program.frameSize()];
    for (int i = 0; i < types.size(); i++) a[i] = NDArray.empty(types.get(i).dtype(), types.get(i).shape());
    return new Frame(a, new NDArray[graph.nodes().size()][], new NDArray[graph.outputs().size()]);
  }

  @Override public NDArray[] run(NDArray... inputs) { return run(inputs, null); }

  /**
   * Fused loops and matrix products write output {@code j} straight into {@code into[j]} when {@link Donation}
   * finds it safe; the rest is copied there at the end (as the interpreter does).
   */
  @Override public NDArray[] run(NDArray[] inputs, NDArray[] into) { return run(inputs, into, new NDArray[graph.outputs().size()]); }

  /** As {@link #run(NDArray[], NDArray[])}, the results in the caller's {@code results} array. */
  @Override public NDArray[] run(NDArray[] inputs, NDArray[] into, NDArray[] results) {
    if (inputs.length != inputTypes.length)
      throw new TorchException("graph @" + graph.name() + " takes " + inputTypes.length + " inputs but was given " + inputs.length);
    for (int i = 0; i < inputs.length; i++) {
      TensorType want = inputTypes[i];
      if (inputs[i].dtype() != want.dtype() || !Arrays.equals(inputs[i].shape(), want.shape()))
        throw new TorchException("input " + i + " of graph @" + graph.name() + " must be " + want + " but is "
            + TensorType.of(inputs[i].dtype(), inputs[i].shape()));
    }
    if (into != null && into.length != graph.outputs().size())
      throw new TorchException("graph @" + graph.name() + " has " + graph.outputs().size() + " outputs but was given " + into.length + " output buffers");
    Frame f = frame();
    NDArray[] out;
    try {
      out = program.runInto(inputs, f.arena(), into == null ? null : donation.directInto(inputs, into, f.direct(), f.chosen()), results);
    } catch (Throwable t) {
      // a failed call leaves registers set: the spare must not keep its arrays alive
      Arrays.fill(f.arena(), plan.buffers().size(), f.arena().length, null);
      throw t;
    } finally {
      if (into != null) {
        Arrays.fill(f.chosen(), null);
        for (NDArray[] d : f.direct()) if (d != null) Arrays.fill(d, null);
      }
      for (int i = 0; i < SPARES; i++) if (spares.compareAndSet(i, null, f)) break;
    }
    return Donation.copyInto(out, into);
  }
}
