package dev.tcompile.passes;

import dev.tcompile.ir.Graph;

/** One graph-to-graph rewrite with a name (for dumps and {@code CompileOptions.disable}). */
public interface Pass {
  String name();

  /** Returns a verified graph computing the same outputs; never mutates {@code g}. */
  Graph run(Graph g);

  /** What the last run decided and why (e.g. fusion's refusals), written into IR dumps as comments. */
  default java.util.List<String> notes() { return java.util.List.of(); }
}
