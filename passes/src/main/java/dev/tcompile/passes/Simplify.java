package dev.tcompile.passes;

import dev.tcompile.DType;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.Node;
import dev.tcompile.ir.OpDef;
import dev.tcompile.ir.Value;
import dev.tcompile.ir.Verifier;
import dev.tcompile.ir.ops.Elementwise;
import dev.tcompile.ir.ops.Views;
import dev.tcompile.runtime.kernels.BinaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Algebraic identities that hold bit for bit in float32 (NaN and signed zeros included), so the simplified graph
 * computes exactly what the traced one did: {@code x*1}, {@code 1*x}, {@code x/1}, {@code x-0} and {@code x+(-0)} (the
 * constant possibly reshaped or expanded, as a unit seed is) are {@code x} ({@code x+0} is not: it turns -0 into +0); a reshape or expand to the value's own shape, a permute
 * by the identity and a cast to the value's own dtype are the value; a permute of a permute is one permute; a
 * reshape of a reshape is one reshape; a cast of a cast of a bool is one cast.
 */
public final class Simplify implements Pass {
  private final List<String> notes = new ArrayList<>();

  @Override public String name() { return "simplify"; }

  @Override public List<String> notes() { return List.copyOf(notes); }

  @Override public Graph run(Graph g) {
    notes.clear();
    GraphCopier c = new GraphCopier(g.name()).withInputsOf(g);
    for (Node n : g.nodes()) {
      Value same = n.isConstant() ? null : identity(n);
      if (same != null) {
        c.map.put(n.output(), c.get(same));
        notes.add("%" + n.output().name() + " = " + n.op().name() + "(...) is %" + same.name());
        continue;
      }
      Node boolCast = n.isConstant() ? null : castOfBoolCast(n);
      if (boolCast != null) {
        Value in = c.get(boolCast.inputs().get(0));
        c.map.put(n.output(), sameType(in, n.output()) ? in
            : c.target.add(n.op(), n.attrs(), List.of(in), List.of(n.output().name()), null)[0]);
        notes.add("%" + n.output().name() + ": a cast of a cast of a bool is one cast");
        continue;
      }
      Node folded = n.isConstant() ? null : composedView(n);
      if (folded != null) {
        Value in = c.get(folded.inputs().get(0));
        Attrs combined = combinedAttrs(folded, n);
        boolean nothing = n.op() == Views.PERMUTE ? isIdentity(combined.getInts("dims")) : sameType(in, n.output());
        c.map.put(n.output(), nothing ? in : c.target.add(n.op(), combined, List.of(in), List.of(n.output().name()), null)[0]);
        notes.add("%" + n.output().name() + ": " + n.op().name() + " of " + n.op().name() + " is one " + n.op().name());
        continue;
      }
      c.copy(n);
    }
    return Verifier.verify(c.finish(g.outputs()));
  }

  /** The input this node returns unchanged, or null. */
  private static Value identity(Node n) {
    OpDef op = n.op();
    List<Value> in = n.inputs();
    if (n.outputs().size() != 1) return null;
    Value out = n.output();
    if (op == Views.RESHAPE || op == Views.EXPAND) return sameType(in.get(0), out) ? in.get(0) : null;
    if (op == Views.PERMUTE) return isIdentity(n.attrs().getInts("dims")) ? in.get(0) : null;
    if (op == Elementwise.CAST) return sameType(in.get(0), out) ? in.get(0) : null;
    if (op == Elementwise.MUL) {
      if (isScalar(in.get(1), 1.0) && sameType(in.get(0), out)) return in.get(0);
      if (isScalar(in.get(0), 1.0) && sameType(in.get(1), out)) return in.get(1);
    }
    if (op == Elementwise.DIV && isScalar(in.get(1), 1.0) && sameType(in.get(0), out)) return in.get(0);
    if (op == Elementwise.SUB && isScalar(in.get(1), 0.0) && sameType(in.get(0), out)) return in.get(0);
    if (op == Elementwise.binary(BinaryOp.ADD) && isNegativeZero(in.get(1)) && sameType(in.get(0), out)) return in.get(0);
    return null;
  }

  /**
   * For {@code cast(cast(b, A), B)} with {@code b} bool: the inner cast (a bool becomes exactly 0 or 1 in any
   * dtype, so the middle step changes nothing); else null. Other casts of casts round or truncate in between.
   */
  private static Node castOfBoolCast(Node n) {
    if (n.op() != Elementwise.CAST) return null;
    Node p = n.inputs().get(0).producer();
    return p != null && !p.isConstant() && p.op() == Elementwise.CAST && p.inputs().get(0).type().dtype() == DType.BOOL ? p : null;
  }

  /** For {@code permute(permute(x))} and {@code reshape(reshape(x))}: the inner node; else null. */
  private static Node composedView(Node n) {
    if (n.op() != Views.PERMUTE && n.op() != Views.RESHAPE) return null;
    Node p = n.inputs().get(0).producer();
    return p != null && p.op() == n.op() ? p : null;
  }

  private static Attrs combinedAttrs(Node inner, Node outer) {
    if (outer.op() == Views.RESHAPE) return outer.attrs();
    int[] p = inner.attrs().getInts("dims"), q = outer.attrs().getInts("dims");
    int[] r = new int[q.length];
    for (int i = 0; i < q.length; i++) r[i] = p[q[i] < 0 ? q[i] + p.length : q[i]];
    return Attrs.of("dims", r);
  }

  private static boolean isIdentity(int[] dims) {
    for (int i = 0; i < dims.length; i++) if (dims[i] != i && dims[i] != i - dims.length) return false;
    return true;
  }

  private static boolean sameType(Value a, Value b) { return a.type().equals(b.type()); }

  /** A float32 constant of one element equal to {@code v} (for 0: +0 or -0 alike). */
  /** A one-element constant equal to {@code x}, or a reshape or expand of one (a broadcast seed of 1, say). */
  private static boolean isScalar(Value v, double x) {
    Node p = v.producer();
    while (p != null && (p.op() == Views.RESHAPE || p.op() == Views.EXPAND)) p = p.inputs().get(0).producer();
    return p != null && p.isConstant() && p.payload().numel() == 1 && p.payload().dtype() == DType.FLOAT32 && p.payload().getDouble(0) == x;
  }

  private static boolean isNegativeZero(Value v) {
    Node p = v.producer();
    return p != null && p.isConstant() && p.payload().numel() == 1 && p.payload().dtype() == DType.FLOAT32
        && Double.doubleToRawLongBits(p.payload().getDouble(0)) == Double.doubleToRawLongBits(-0.0);
  }

  static boolean sameShape(int[] a, int[] b) { return Arrays.equals(a, b); }
}
