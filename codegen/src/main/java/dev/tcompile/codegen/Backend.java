package dev.tcompile.codegen;

import dev.tcompile.ir.Graph;

/** Turns an optimised graph into something that runs it. */
public interface Backend {
  String name();

  Executable compile(Graph g);

  /** The reference backend: {@link Interpreter}. */
  Backend INTERPRETER = new Backend() {
    @Override public String name() { return "interpreter"; }
    @Override public Executable compile(Graph g) { return new Interpreter(g); }
  };

  /**
   * Fused kernels as generated Vector API bytecode (hidden classes), the rest of the graph sequenced as by the
   * interpreter; kernels the emitter does not cover yet run in the interpreter's loop.
   */
  Backend BYTECODE = bytecode(null);

  /** {@link #BYTECODE}, writing each generated class and its listing under {@code codeDump}. */
  static Backend bytecode(java.nio.file.Path codeDump) {
    return new Backend() {
      @Override public String name() { return "bytecode"; }
      @Override public Executable compile(Graph g) { return new Interpreter(g, true, codeDump); }
    };
  }
}
