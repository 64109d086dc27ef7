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
}
