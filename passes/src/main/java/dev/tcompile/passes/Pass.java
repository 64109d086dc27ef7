package dev.tcompile.passes;

import dev.tcompile.ir.Graph;

/** One graph-to-graph rewrite with a name (for dumps and {@code CompileOptions.disable}). */
public interface Pass {
  String name();

  /** Returns a verified graph computing the same outputs; never mutates {@code g}. */
  Graph run(Graph g);
}
