package dev.tcompile.runtime.compiled;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Parallel;
import dev.tcompile.runtime.Shapes;
import java.util.ArrayList;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import java.util.Arrays;
import java.util.List;

/**
 * A fused kernel's loop: runs a {@link PointwiseProgram} over its iteration space a block at a time, every
 * operation as one vector loop over the block ({@link BlockOps}), reading each input and writing each output
 * once. Inputs are read in place when dense and of the space's shape, as one scalar when they have one element,
 * and gathered through their (broadcast) strides otherwise. Sum epilogues accumulate in double per fixed chunk of
 * the space and are added up in chunk order; chunks run in parallel, and results do not depend on the thread count.
 * The interpreter, in-process programs and programs loaded from jars all run fused nodes through this class.
 */
public final class FusedLoop implements Kernel {
  /**
   * Elements per block: the live intermediates of a body (their scratch arrays are reused) stay in L1/L2, and the
   * per-operation overhead is spread over many vectors (tanh-GELU fwd+bwd on the interpreter: 1024 about 8% faster
   * than 512, 256 about 20% slower).
   */
  static final int BLOCK = 1024;
  /**
   * Elements per chunk, the unit of work split over {@link Parallel}: fixed, so results (sums included) are the
   * same for every thread count.
   */
  static final int CHUNK = 1 << 15;

  private static final ThreadLocal<BlockOps> OPS = ThreadLocal.withInitial(BlockOps::new);

  private final PointwiseProgram program;
  private final VectorKernel generated;
  /** The generated kernel's broadcast inputs' element counts (null: it reads dense and scalar inputs only). */
  private final long[] broadcastNumels;
  private final int[] space;
  private final int numel;
  private final int[][] nodeIn;
  private final int[] nodeOut, inputIds, outputIds;
  private final int numValues;
  private final Block[] constants;
  /** For each body node, which sum epilogue it is (-1: none); per sum, each space dim's stride into its output. */
  private final int[] reductionOf;
  /** Per node: the float output its value is (the operation then writes straight into the output array), or -1. */
  private final int[] directOutput;
  private final int[][] reducedStrides;
  private final int[] reducedNumel;
  private final boolean[] outputIsSum;
  /** For each body node, the values whose last reader it is: their scratch arrays can be reused after it. */
  private final int[][] freeAfter;

  /**
   * With {@code generated}, the kernel's bytecode loop (inputs dense or scalar) runs each chunk's whole vectors
   * whenever the inputs are laid out as it expects, and the blocked loop finishes the tail.
   */
  public FusedLoop(PointwiseProgram program, VectorKernel generated) {
    this.program = program;
    this.generated = generated;
    this.broadcastNumels = generated == null ? null : generated.broadcastInputNumels();
    space = program.space();
    numel = (int) Shapes.numel(space);
    List<PointwiseProgram.Insn> insns = program.insns();
    int n = insns.size(), numIn = program.numInputs();
    nodeIn = new int[n][];
    nodeOut = new int[n];
    constants = new Block[n];
    BlockOps ops = new BlockOps();
    for (int k = 0; k < n; k++) {
      PointwiseProgram.Insn in = insns.get(k);
      nodeIn[k] = switch (in.code()) {
        case CONST -> new int[0];
        case UNARY, CAST, SUM -> new int[]{in.a()};
        case BINARY -> new int[]{in.a(), in.b()};
        case WHERE -> new int[]{in.a(), in.b(), in.c()};
      };
      nodeOut[k] = numIn + k;
      if (in.code() == PointwiseProgram.Code.CONST) constants[k] = ops.constant(in.value(), in.dtype());
    }
    numValues = program.numValues();
    inputIds = new int[numIn];
    for (int i = 0; i < numIn; i++) inputIds[i] = i;
    outputIds = program.outputs().stream().mapToInt(PointwiseProgram.Output::value).toArray();
    reductionOf = new int[n];
    List<int[]> strides = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      reductionOf[k] = -1;
      PointwiseProgram.Insn in = insns.get(k);
      if (in.code() != PointwiseProgram.Code.SUM) continue;
      reductionOf[k] = strides.size();
      boolean[] reduced = in.reduced();
      int[] st = new int[space.length];
      int step = 1;
      for (int d = space.length - 1; d >= 0; d--) { st[d] = reduced[d] ? 0 : step; if (!reduced[d]) step *= space[d]; }
      strides.add(st);
      sizes.add(step);
    }
    freeAfter = lastReads(insns, numIn);
    reducedStrides = strides.toArray(int[][]::new);
    reducedNumel = sizes.stream().mapToInt(Integer::intValue).toArray();
    outputIsSum = new boolean[outputIds.length];
    int sumOutputs = 0;
    for (int i = 0; i < outputIds.length; i++) {
      int v = outputIds[i];
      outputIsSum[i] = v >= numIn && insns.get(v - numIn).code() == PointwiseProgram.Code.SUM;
      long want = outputIsSum[i] ? reducedNumel[reductionOf[v - numIn]] : numel;
      if (outputIsSum[i] && reductionOf[v - numIn] != sumOutputs++)
        throw new TorchException("malformed pointwise program: sums must be output in the order they are computed");
      if (Shapes.numel(program.outputs().get(i).shape()) != want)
        throw new TorchException("malformed pointwise program: output " + i + " has " + Shapes.numel(program.outputs().get(i).shape())
            + " elements, its values " + want);
    }
    if (sumOutputs != reducedNumel.length) throw new TorchException("malformed pointwise program: a sum that is not an output");
    directOutput = new int[n];
    Arrays.fill(directOutput, -1);
    for (int i = outputIds.length - 1; i >= 0; i--)
      if (outputIds[i] >= numIn && !outputIsSum[i] && outs(program, i) == DType.FLOAT32) directOutput[outputIds[i] - numIn] = i;
    int sums = reducedNumel.length;
    calls = ThreadLocal.withInitial(() -> new Call(this));
    int numOut = outputIds.length;
    sumInputs = ThreadLocal.withInitial(() -> {
      float[][] a = new float[sums][];
      for (int r = 0; r < a.length; r++) a[r] = new float[CHUNK];
      return new SumBuffers(a, new float[numOut][]);
    });
  }

  public PointwiseProgram program() { return program; }

  public NDArray[] run(NDArray... in) { return run(new NDArray[outputIds.length], in); }

  /**
   * Runs into {@code into}: dense arrays of the outputs' types (a memory plan's buffers, which must not be among
   * the inputs), or null entries for fresh arrays.
   */
  @Override public NDArray[] run(NDArray[] into, NDArray... in) {
    if (in.length != inputIds.length) throw new TorchException("fused kernel takes " + inputIds.length + " inputs, given " + in.length);
    NDArray[] out = new NDArray[outputIds.length];
    if (into.length != out.length) throw new TorchException("fused kernel writes " + out.length + " outputs, given " + into.length + " buffers");
    Call call = calls.get();
    for (int i = 0; i < in.length; i++) call.inputs[i].set(in[i]);
    for (int i = 0; i < out.length; i++) out[i] = output(i, into[i]);
    execute(call, out);
    return out;
  }

  /** As {@link #run(NDArray[], NDArray...)} on a program's frame ({@link Kernel#runInFrame}), allocating nothing. */
  @Override public void runInFrame(NDArray[] frame, NDArray[][] direct, int node, int[] ins, int[] outs, int[] planned) {
    if (ins.length != inputIds.length || outs.length != outputIds.length || planned.length != outs.length)
      throw new TorchException("fused kernel takes " + inputIds.length + " inputs and writes " + outputIds.length + " outputs, given "
          + ins.length + " and " + outs.length);
    Call call = calls.get();
    NDArray[] out = call.outputs;
    for (int i = 0; i < ins.length; i++) call.inputs[i].set(frame[ins[i]]);
    for (int o = 0; o < out.length; o++) out[o] = output(o, ProgramSupport.buffer(direct, node, o, frame, planned[o]));
    try {
      execute(call, out);
      for (int o = 0; o < out.length; o++) frame[outs[o]] = out[o];
    } finally {
      Arrays.fill(out, null);
    }
  }

  /** Output i's array: {@code buffer} (checked: dense, of the output's type), or a fresh one when null. */
  private NDArray output(int i, NDArray buffer) {
    PointwiseProgram.Output o = program.outputs().get(i);
    if (buffer == null) return NDArray.empty(o.dtype(), o.shape());
    if (buffer.dtype() != o.dtype() || !Arrays.equals(buffer.shape(), o.shape()) || !buffer.isDense())
      throw new TorchException("fused kernel output " + i + " is " + o.dtype() + Arrays.toString(o.shape()) + ", its buffer "
          + buffer.dtype() + Arrays.toString(buffer.shape()));
    return buffer;
  }

  /** Runs the loop with the call's inputs set, into {@code out}; lets go of the inputs at the end. */
  private void execute(Call call, NDArray[] out) {
    try {
      call.start(this, out);
      // fixed chunks, whatever the thread count: each keeps its own partial sums, added in chunk order at the end
      int chunks = call.partial.length;
      if (chunks > 1 && Parallel.threads() > 1) Parallel.run(chunks, call.task);
      else for (int t = 0; t < chunks; t++) call.chunk(t);
      int r = 0;
      for (int i = 0; i < out.length; i++) {
        if (!outputIsSum[i]) continue;
        float[] d = out[i].floats();
        for (int o = 0; o < reducedNumel[r]; o++) {
          double sum = 0;
          for (double[][] p : call.partial) sum += p[r][o];
          d[out[i].offset() + o] = (float) sum;
        }
        r++;
      }
    } finally {
      call.finish();
    }
  }

  /** Per calling thread, what one call of this loop needs, reused call after call (a step allocates none of it). */
  private final ThreadLocal<Call> calls;

  /**
   * One thread's call: its inputs, the generated loop's arguments, the chunks' partial sums, the chunk task. It holds
   * the loop and the arrays only during a call: a thread's map keeps it after the loop is dropped, and it must not
   * keep the loop or its generated kernel (a hidden class) alive.
   */
  private static final class Call {
    final Input[] inputs;
    /** The outputs of a frame call ({@link #runInFrame}), empty between calls. */
    final NDArray[] outputs;
    /** The generated loop's arguments (null when the loop has none). */
    final Generated generated;
    final double[][][] partial;
    /** During a call: the loop, its generated-loop arguments (null: the blocked loop runs everything), its outputs. */
    FusedLoop loop;
    Generated g;
    NDArray[] out;
    final Parallel.Task task = (t, count) -> chunk(t);

    Call(FusedLoop l) {
      inputs = new Input[l.inputIds.length];
      for (int i = 0; i < inputs.length; i++) inputs[i] = new Input(l.space);
      outputs = new NDArray[l.outputIds.length];
      generated = l.generated == null ? null : new Generated(l.inputIds.length, l.outputIds.length);
      int chunks = (int) ((l.numel + (long) CHUNK - 1) / CHUNK);
      partial = new double[chunks][l.reducedNumel.length][];
      for (double[][] p : partial) for (int r = 0; r < l.reducedNumel.length; r++) p[r] = new double[l.reducedNumel[r]];
    }

    void start(FusedLoop loop, NDArray[] out) {
      this.loop = loop;
      this.out = out;
      g = generated != null && generated.fill(loop.generated, loop.broadcastNumels, loop.numel, inputs, out) ? generated : null;
      for (double[][] p : partial) for (double[] q : p) Arrays.fill(q, 0);
    }

    void chunk(int t) { loop.chunk(g, inputs, out, t * CHUNK, Math.min(loop.numel, (t + 1) * CHUNK), partial[t]); }

    /** Lets go of the call's loop and arrays (the thread keeps this object, not what the call used). */
    void finish() {
      for (Input in : inputs) in.set(null);
      if (generated != null) generated.clear();
      g = null;
      out = null;
      loop = null;
    }
  }

  private void chunk(Generated g, Input[] inputs, NDArray[] out, int from, int to, double[][] partial) {
    if (g != null) {
      float[][] fout = g.fout;
      if (reducedNumel.length > 0) {
        SumBuffers mine = sumInputs.get();
        fout = mine.fout;
        System.arraycopy(g.fout, 0, fout, 0, fout.length);
        for (int i = 0, r = 0; i < out.length; i++) if (outputIsSum[i]) fout[i] = mine.sums[r++];
      }
      int stop = g.kernel.run(g.fin, g.bin, g.off, g.scalars, fout, g.bout, OPS.get().vector, from, to);
      // the sums' inputs, added block by block as the interpreter adds them (the same double sums)
      for (int k = 0; k < nodeOut.length; k++) {
        if (reductionOf[k] < 0) continue;
        float[] values = fout[outputOf(k)];
        for (int b = from; b < stop; b += BLOCK)
          accumulate(values, b - from, b, Math.min(BLOCK, stop - b), partial[reductionOf[k]], reducedStrides[reductionOf[k]]);
      }
      if (reducedNumel.length > 0) Arrays.fill(fout, null);
      from = stop;
    }
    range(inputs, out, from, to, partial);
  }

  /** Per thread, one chunk-sized buffer per sum, where a generated loop leaves the values each sum adds up. */
  private record SumBuffers(float[][] sums, float[][] fout) {}

  private final ThreadLocal<SumBuffers> sumInputs;

  private static DType outs(PointwiseProgram p, int i) { return p.outputs().get(i).dtype(); }

  /** Which body output node k's value is. */
  private int outputOf(int k) {
    for (int i = 0; i < outputIds.length; i++) if (outputIds[i] == nodeOut[k]) return i;
    throw new IllegalStateException("a sum that is not an output");
  }

  /** The generated loop's arguments, refilled for each call of one thread. */
  private static final class Generated {
    /** The kernel, during a call only (so a thread's reused arguments do not keep its class alive). */
    VectorKernel kernel;
    final float[][] fin, fout;
    final boolean[][] bin, bout;
    final int[] off;
    final float[] scalars;

    Generated(int numIn, int numOut) {
      fin = new float[numIn][];
      bin = new boolean[numIn][];
      off = new int[numIn];
      scalars = new float[numIn];
      fout = new float[numOut][];
      bout = new boolean[numOut][];
    }

    /** Fills the arguments for one call; false when an input or output is laid out otherwise than the loop reads. */
    boolean fill(VectorKernel kernel, long[] broadcastNumels, long numel, Input[] inputs, NDArray[] out) {
      clear();
      this.kernel = kernel;
      for (int i = 0; i < inputs.length; i++) {
        Input in = inputs[i];
        if (in.scalar) {
          if (in.a.dtype() == DType.FLOAT32) scalars[i] = in.one.fs;
          else if (in.a.dtype() == DType.BOOL) scalars[i] = in.a.getDouble(0) != 0 ? 1f : 0f; // a mask of all-true or all-false
          else return false;
          continue;
        }
        // a broadcast input is read as the contiguous array of the shape the kernel was generated for; an input of
        // the space's size must be of the space's shape (dense), as for kernels without broadcast inputs
        if (!in.dense && (broadcastNumels == null || in.a.numel() == numel || !in.a.isContiguous()
            || in.a.numel() != broadcastNumels[i])) return false;
        if (in.a.dtype() == DType.FLOAT32) fin[i] = in.a.floats(); else bin[i] = in.a.bools();
        off[i] = in.a.offset();
      }
      for (int j = 0; j < out.length; j++) {
        if (out[j].offset() != 0) return false;
        if (out[j].dtype() == DType.FLOAT32) fout[j] = out[j].floats(); else bout[j] = out[j].bools();
      }
      return true;
    }

    void clear() {
      kernel = null;
      Arrays.fill(fin, null);
      Arrays.fill(bin, null);
      Arrays.fill(fout, null);
      Arrays.fill(bout, null);
    }
  }

  private void range(Input[] inputs, NDArray[] out, int from, int to, double[][] partial) {
    BlockOps ops = OPS.get();
    Scratch scratch = ops.scratch;
    Block[] env = ops.env(numValues);
    boolean[] owns = ops.owns(numValues);
    List<PointwiseProgram.Insn> insns = program.insns();
    // outputs written by the operations themselves: not into an input's array (a donated buffer is read element for
    // element by later operations of the same block, so it is written only by the block's final stores)
    long direct = 0;
    for (int o = 0; o < Math.min(out.length, 64); o++) {
      boolean shared = false;
      for (Input in : inputs) shared |= in.a.sharesStorage(out[o]);
      if (!shared) direct |= 1L << o;
    }
    for (int start = from; start < to; start += BLOCK) {
      int len = Math.min(BLOCK, to - start);
      ops.len = len;
      scratch.reset();
      for (int i = 0; i < inputs.length; i++) env[inputIds[i]] = inputs[i].block(i, start, len, ops);
      for (int k = 0; k < nodeOut.length; k++) {
        int r = reductionOf[k];
        if (constants[k] != null) env[nodeOut[k]] = constants[k];
        else if (r >= 0) accumulate(env[nodeIn[k][0]], start, len, partial[r], reducedStrides[r]);
        else {
          PointwiseProgram.Insn n = insns.get(k);
          long handed = scratch.handed();
          int o = directOutput[k];
          ops.target(o < 0 || o >= 64 || (direct & (1L << o)) == 0 ? null : ops.outCursor(o, out[o].floats(), start));
          env[nodeOut[k]] = switch (n.code()) {
            case UNARY -> ops.unary(n.unary(), env[n.a()]);
            case BINARY -> ops.binary(n.binary(), env[n.a()], env[n.b()]);
            case WHERE -> ops.where(env[n.a()], env[n.b()], env[n.c()]);
            case CAST -> ops.cast(env[n.a()], n.dtype());
            default -> throw new IllegalStateException(n.code() + " is not an element operation");
          };
          ops.target(null);
          // each operation takes at most one array, for its result: if it took one, the value owns it
          owns[nodeOut[k]] = scratch.handed() != handed;
        }
        for (int v : freeAfter[k]) if (owns[v]) { scratch.release(env[v]); owns[v] = false; }
      }
      for (int i = 0; i < out.length; i++) if (!outputIsSum[i]) store(env[outputIds[i]], out[i], start, len);
      Arrays.fill(owns, false);
    }
    Arrays.fill(env, 0, numValues, null);
    ops.dropCursors();   // the thread's cursors (and the values' blocks) must not keep the inputs' arrays alive after this call
  }

  /**
   * Where each computed value is read for the last time (outputs: never, within a block). {@code where} and a cast
   * to the same dtype may return an operand's block itself, so such operands live as long as the result does.
   */
  private int[][] lastReads(List<PointwiseProgram.Insn> insns, int numIn) {
    int n = insns.size();
    int[] last = new int[numIn + n];
    Arrays.fill(last, -1);
    for (int k = 0; k < n; k++) for (int a : nodeIn[k]) last[a] = k;
    for (int v : outputIds) last[v] = n;
    for (int k = n - 1; k >= 0; k--) {
      PointwiseProgram.Insn in = insns.get(k);
      int until = last[nodeOut[k]] < 0 ? k : last[nodeOut[k]];
      if (in.code() == PointwiseProgram.Code.WHERE || in.code() == PointwiseProgram.Code.CAST)
        for (int j = in.code() == PointwiseProgram.Code.WHERE ? 1 : 0; j < nodeIn[k].length; j++)
          last[nodeIn[k][j]] = Math.max(last[nodeIn[k][j]], until);
    }
    List<List<Integer>> free = new ArrayList<>();
    for (int k = 0; k < n; k++) free.add(new ArrayList<>());
    for (int k = 0; k < n; k++) {
      int v = nodeOut[k];
      int at = last[v] < 0 ? k : last[v];   // a value nothing reads is given back at once
      if (at < n) free.get(at).add(v);
    }
    int[][] r = new int[n][];
    for (int k = 0; k < n; k++) r[k] = free.get(k).stream().mapToInt(Integer::intValue).toArray();
    return r;
  }

  /** Adds elements [start, start+len) of the space into their places in a sum's output, a row run at a time. */
  private void accumulate(Block v, int start, int len, double[] acc, int[] ost) {
    if (!v.scalar) { accumulate(v.f, v.off, start, len, acc, ost); return; }
    if (space.length == 0) { acc[0] += v.fs; return; }
    RowRuns r = OPS.get().runs;
    for (r.start(space, ost, 0, start, len); r.next(); ) {
      if (r.stride == 0) acc[r.offset] += (double) v.fs * r.run;
      else for (int j = 0; j < r.run; j++) acc[r.offset + j * r.stride] += v.fs;
    }
  }

  /** {@link #accumulate(Block, int, int, double[], int[])} for values {@code f[off..off+len)}. */
  private void accumulate(float[] f, int off, int start, int len, double[] acc, int[] ost) {
    if (space.length == 0) { acc[0] += f[off]; return; }
    RowRuns r = OPS.get().runs;
    for (r.start(space, ost, 0, start, len); r.next(); ) {
      int i = off + r.i, o = r.offset, run = r.run, st = r.stride;
      if (st == 0) acc[o] += sumRun(f, i, run);
      else for (int j = 0; j < run; j++) acc[o + j * st] += f[i + j];
    }
  }

  /**
   * The double sum of {@code n} floats from {@code b}: eight interleaved partial sums combined as a fixed tree, so
   * the adds do not wait on each other (one running sum is bound by the add's latency) and the order is fixed.
   * The eight sums are the lanes of one 8-lane double vector (or two of 4), which gives the scalar loop's bits.
   */
  static double sumRun(float[] f, int b, int n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int j = 0;
    if (DL == 8 && n >= 64) {
      DoubleVector acc = DoubleVector.zero(D8);
      for (; j + 8 <= n; j += 8) acc = acc.add(FloatVector.fromArray(F8, f, b + j).convertShape(VectorOperators.F2D, D8, 0));
      s0 = acc.lane(0); s1 = acc.lane(1); s2 = acc.lane(2); s3 = acc.lane(3);
      s4 = acc.lane(4); s5 = acc.lane(5); s6 = acc.lane(6); s7 = acc.lane(7);
    } else if (DL == 4 && n >= 64) {
      DoubleVector lo = DoubleVector.zero(D4), hi = DoubleVector.zero(D4);
      for (; j + 8 <= n; j += 8) {
        lo = lo.add(FloatVector.fromArray(F4, f, b + j).convertShape(VectorOperators.F2D, D4, 0));
        hi = hi.add(FloatVector.fromArray(F4, f, b + j + 4).convertShape(VectorOperators.F2D, D4, 0));
      }
      s0 = lo.lane(0); s1 = lo.lane(1); s2 = lo.lane(2); s3 = lo.lane(3);
      s4 = hi.lane(0); s5 = hi.lane(1); s6 = hi.lane(2); s7 = hi.lane(3);
    }
    for (; j + 8 <= n; j += 8) {
      s0 += f[b + j]; s1 += f[b + j + 1]; s2 += f[b + j + 2]; s3 += f[b + j + 3];
      s4 += f[b + j + 4]; s5 += f[b + j + 5]; s6 += f[b + j + 6]; s7 += f[b + j + 7];
    }
    for (; j < n; j++) s0 += f[b + j];
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /** Double lanes of the machine's vectors, and the species sumRun uses for them (an 8-lane or a 4-lane shape). */
  private static final int DL = DoubleVector.SPECIES_PREFERRED.length();
  private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512, D4 = DoubleVector.SPECIES_256;
  private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256, F4 = FloatVector.SPECIES_128;

  private static void store(Block v, NDArray out, int start, int len) {
    if (out.dtype() == DType.FLOAT32) {
      float[] d = out.floats();
      if (!v.scalar && v.f == d && v.off == start) return;     // the operation wrote it there
      if (v.scalar) Arrays.fill(d, start, start + len, v.fs);
      else System.arraycopy(v.f, v.off, d, start, len);
    } else {
      boolean[] d = out.bools();
      if (v.scalar) Arrays.fill(d, start, start + len, v.bs);
      else System.arraycopy(v.b, v.off, d, start, len);
    }
  }

  /**
   * How one input is read: in place, as a scalar, or gathered through strides broadcast to the space. One per input
   * and calling thread, set to each call's array ({@link #set}).
   */
  private static final class Input {
    NDArray a;
    boolean dense, scalar;
    final int[] shape, strides;
    Block one;
    /** This input's own float scalar block, refilled per call (made once). */
    private Block own;

    Input(int[] space) {
      shape = space;
      strides = new int[space.length];
    }

    /** Reads {@code a} (null: lets go of the last call's array). */
    void set(NDArray a) {
      this.a = a;
      if (a == null) return;
      scalar = a.numel() == 1;
      dense = !scalar && Arrays.equals(a.shape(), shape) && a.isContiguous();
      Shapes.broadcastStrides(a.shape(), a.strides(), shape, strides);
      if (!scalar) return;
      if (a.dtype() == DType.BOOL) {
        boolean v = a.getDouble(0) != 0;
        if (one == null || one.dtype != DType.BOOL || one.bs != v) one = Block.scalar(v);
      } else {
        // the call's thread alone sets it, before the call's blocks (on any thread) read it
        if (own == null) own = Block.ownScalar();
        own.fs = (float) a.getDouble(0);
        one = own;
      }
    }

    /** Elements [start, start+len) of the space, for input {@code i} of the kernel. */
    Block block(int i, int start, int len, BlockOps ops) {
      Scratch scratch = ops.scratch;
      if (scalar) return one;
      if (a.dtype() == DType.FLOAT32) {
        if (dense) return ops.cursor(i, a.floats(), a.offset() + start);
        float[] d = scratch.floats();
        gather(ops.runs, a.floats(), null, d, null, start, len);
        return scratch.wrap(d);
      }
      if (dense) return Block.of(a.bools(), a.offset() + start);
      boolean[] d = scratch.bools();
      gather(ops.runs, null, a.bools(), null, d, start, len);
      return scratch.wrap(d);
    }

    /** Copies elements [start, start+len) of the space (row-major) from the strided source, a row run at a time. */
    private void gather(RowRuns r, float[] sf, boolean[] sb, float[] df, boolean[] db, int start, int len) {
      for (r.start(shape, strides, a.offset(), start, len); r.next(); ) {
        int i = r.i, off = r.offset, run = r.run, st = r.stride;
        if (sf != null) {
          if (st == 1) System.arraycopy(sf, off, df, i, run);
          else if (st == 0) Arrays.fill(df, i, i + run, sf[off]);
          else for (int j = 0; j < run; j++) df[i + j] = sf[off + j * st];
        } else {
          for (int j = 0; j < run; j++) db[i + j] = sb[off + j * st];
        }
      }
    }
  }
}
