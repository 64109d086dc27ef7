package dev.tcompile.codegen;

import dev.tcompile.codegen.program.ProgramExecutable;
import dev.tcompile.ir.Graph;

/** Turns an optimised graph into something that runs it. */
public interface Backend {
  String name();

  CompiledGraph compile(Graph g);

  /** The reference backend: {@link Interpreter}. */
  Backend INTERPRETER = new Backend() {
    @Override public String name() { return "interpreter"; }
    @Override public CompiledGraph compile(Graph g) { return new Interpreter(g); }
  };

  /**
   * The graph as one generated program class (hidden class) calling the runtime's kernels directly, fused nodes
   * as generated Vector API loops; fused bodies the kernel emitter does not cover run in the interpreter's loop,
   * ops without a direct call through their eval ({@link ProgramExecutable#kernelNotes()} says which).
   */
  Backend BYTECODE = bytecode(null);

  /** {@link #BYTECODE}, writing the program class, each kernel class and their listings under {@code codeDump}. */
  static Backend bytecode(java.nio.file.Path codeDump) {
    return new Backend() {
      @Override public String name() { return "bytecode"; }
      @Override public CompiledGraph compile(Graph g) { return new ProgramExecutable(g, codeDump); }
    };
  }
}
