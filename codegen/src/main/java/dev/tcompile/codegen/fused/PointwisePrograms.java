package dev.tcompile.codegen.fused;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.ir.FusedOp;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.PointwiseOps;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.ops.Reductions;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.compiled.PointwiseProgram;
import dev.tcompile.runtime.compiled.PointwiseProgram.Code;
import dev.tcompile.runtime.compiled.PointwiseProgram.Insn;
import dev.tcompile.runtime.kernels.BinaryOp;
import dev.tcompile.runtime.kernels.UnaryOp;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fused node's body as a runtime {@link PointwiseProgram}: each body op's {@code body} runs once against a
 * recorder that appends the operations it performs, in the order the interpreter's blocked loop performs them.
 */
public final class PointwisePrograms {
  private PointwisePrograms() {}

  public static PointwiseProgram of(FusedOp op) {
    Graph body = op.body();
    int[] space = op.iterationSpace();
    Recorder r = new Recorder();
    Map<Value, Integer> id = new IdentityHashMap<>();
    DType[] inputs = new DType[body.inputs().size()];
    for (Value v : body.inputs()) { inputs[id.size()] = v.type().dtype(); r.types.add(v.type().dtype()); id.put(v, id.size()); }
    r.base = inputs.length;
    for (Node n : body.nodes()) {
      int out;
      if (n.isConstant()) {
        NDArray c = n.payload();
        out = r.constant(c.getDouble(0), c.dtype() == DType.BOOL ? DType.BOOL : DType.FLOAT32);
      } else if (FusedOp.isReduction(n)) {
        out = r.add(new Insn(Code.SUM, id.get(n.inputs().get(0)), -1, -1, null, null, null, 0,
            Reductions.reducedDims(n.attrs(), space.length)), DType.FLOAT32);
      } else {
        List<Integer> args = new ArrayList<>();
        for (Value in : n.inputs()) args.add(id.get(in));
        out = n.op().body(r, n.attrs(), args);
      }
      id.put(n.output(), out);
    }
    List<PointwiseProgram.Output> outs = new ArrayList<>();
    for (Value v : body.outputs()) outs.add(new PointwiseProgram.Output(id.get(v), v.type().dtype(), v.type().shape()));
    return new PointwiseProgram(space, inputs, r.insns, outs);
  }

  /** Values are ids; each call appends one instruction. */
  private static final class Recorder implements PointwiseOps<Integer> {
    final List<Insn> insns = new ArrayList<>();
    final List<DType> types = new ArrayList<>();
    int base;

    int add(Insn i, DType t) { insns.add(i); types.add(t); return base + insns.size() - 1; }

    @Override public DType dtype(Integer x) { return types.get(x); }

    @Override public Integer constant(double value, DType dtype) {
      if (dtype != DType.FLOAT32 && dtype != DType.BOOL) throw new TorchException("fused kernels compute in float32 and bool, not " + dtype);
      return add(new Insn(Code.CONST, -1, -1, -1, null, null, dtype, value, null), dtype);
    }

    @Override public Integer unary(UnaryOp op, Integer x) { return add(new Insn(Code.UNARY, x, -1, -1, op, null, null, 0, null), DType.FLOAT32); }

    @Override public Integer binary(BinaryOp op, Integer a, Integer b) {
      return add(new Insn(Code.BINARY, a, b, -1, null, op, null, 0, null), op.isLogical() || op.isComparison() ? DType.BOOL : DType.FLOAT32);
    }

    @Override public Integer where(Integer c, Integer a, Integer b) { return add(new Insn(Code.WHERE, c, a, b, null, null, null, 0, null), types.get(a)); }

    @Override public Integer cast(Integer x, DType to) { return add(new Insn(Code.CAST, x, -1, -1, null, null, to, 0, null), to); }
  }
}
