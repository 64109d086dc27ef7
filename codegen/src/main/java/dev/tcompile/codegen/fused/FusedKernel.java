package dev.tcompile.codegen.fused;

import dev.tcompile.ir.FusedOp;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.compiled.FusedLoop;
import dev.tcompile.runtime.compiled.VectorKernel;

/**
 * A fused node's loop: its body recorded as a {@link dev.tcompile.runtime.compiled.PointwiseProgram} and run by the
 * runtime's {@link FusedLoop} (blocked vector loops, fixed chunks, sums added in chunk order), optionally with the
 * node's generated vector loop for whole vectors.
 */
public final class FusedKernel {
  private final FusedOp op;
  private final FusedLoop loop;

  public FusedKernel(FusedOp op) { this(op, null); }

  public FusedKernel(FusedOp op, VectorKernel generated) {
    this.op = op;
    this.loop = new FusedLoop(PointwisePrograms.of(op), generated);
  }

  public FusedOp op() { return op; }

  public FusedLoop loop() { return loop; }

  public NDArray[] run(NDArray... in) { return loop.run(in); }

  /** Runs into {@code into}: planned buffers of the outputs' types (not among the inputs), or null entries for fresh arrays. */
  public NDArray[] run(NDArray[] into, NDArray... in) { return loop.run(into, in); }
}
