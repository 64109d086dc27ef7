package dev.tcompile;

import dev.tcompile.ir.GraphPrinter;
import dev.tcompile.ir.Node;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one trace produced — the graph's text, every constant's bits, and what feeds each input and write-back —
 * so a retrace forced by a host-state guard can reuse the compiled program when nothing that matters changed.
 */
record TraceFingerprint(String text, List<NDArray> constants, List<Tracer.Source> sources, List<Tracer.Source> writes) {
  static TraceFingerprint of(Tracer t) {
    List<NDArray> constants = new ArrayList<>();
    for (Node n : t.graph.nodes()) if (n.isConstant()) constants.add(n.payload());
    return new TraceFingerprint(GraphPrinter.print(t.graph), constants, List.copyOf(t.sources), t.mutationSources());
  }

  boolean sameProgram(TraceFingerprint o) {
    if (!text.equals(o.text) || constants.size() != o.constants.size() || !sameSources(sources, o.sources)
        || !sameSources(writes, o.writes)) return false;
    for (int i = 0; i < constants.size(); i++) if (!sameBits(constants.get(i), o.constants.get(i))) return false;
    return true;
  }

  /** Captured tensors compare by identity: the same program must read the same tensor objects. */
  private static boolean sameSources(List<Tracer.Source> a, List<Tracer.Source> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) {
      boolean same = switch (a.get(i)) {
        case Tracer.Captured c -> b.get(i) instanceof Tracer.Captured d && c.tensor() == d.tensor();
        default -> a.get(i).equals(b.get(i));
      };
      if (!same) return false;
    }
    return true;
  }

  private static boolean sameBits(NDArray a, NDArray b) {
    if (a.dtype() != b.dtype() || !Arrays.equals(a.shape(), b.shape())) return false;
    return switch (a.dtype()) {
      case INT64 -> Arrays.equals(a.toLongArray(), b.toLongArray());
      case BOOL -> Arrays.equals(a.toBoolArray(), b.toBoolArray());
      default -> Arrays.equals(a.toFloatArray(), b.toFloatArray());
    };
  }
}
