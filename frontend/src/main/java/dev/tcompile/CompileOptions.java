package dev.tcompile;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/** How {@code Torch.compile} compiles: backend, IR dumps, passes to skip. Fluent: {@code new CompileOptions().dumpIr(dir)}. */
public final class CompileOptions {
  /** Where compiled graphs run. */
  public enum Backend {
    /** The reference: each node runs its eager kernel, each fused node the interpreter's blocked vector loop. */
    INTERPRETER,
    /**
     * The default: fused kernels become generated Vector API bytecode (hidden classes); conv, matmul and the other
     * library ops run the runtime's kernels. Kernels the emitter does not cover yet run as with INTERPRETER.
     */
    BYTECODE
  }

  private Backend backend = Backend.BYTECODE;
  private Path dumpDir, codeDir;
  private final Set<String> disabled = new LinkedHashSet<>();
  private int recompileLimit = 8;
  private boolean freezeWeights = true;

  public CompileOptions backend(Backend b) { backend = b; return this; }

  /** Writes the IR after tracing, autodiff and every pass into {@code dir} (one numbered .tir file per step). */
  public CompileOptions dumpIr(Path dir) { dumpDir = dir; return this; }

  /** Writes every generated kernel class ({@code .class}) and its bytecode listing ({@code .txt}) into {@code dir}. */
  public CompileOptions dumpCode(Path dir) { codeDir = dir; return this; }

  public Path codeDumpDir() { return codeDir; }

  /** Skips passes by name ({@code "cse"}, {@code "dce"}). */
  public CompileOptions disable(String... passNames) { disabled.addAll(Set.of(passNames)); return this; }

  /** How many input signatures one function may compile before new ones run eagerly (with a warning). */
  public CompileOptions recompileLimit(int n) { recompileLimit = n; return this; }

  /**
   * For {@code Torch.compile(module)} in eval mode under no-grad: the module's parameters and buffers become
   * constants of the compiled program (frozen), so what depends on weights alone is computed once at compile time
   * (pre-transposed Linear weights...). A parameter changed in place afterwards (its version counter moves)
   * recompiles; writing its array directly, bypassing tensor ops, is not seen. On by default.
   */
  public CompileOptions freezeWeights(boolean freeze) { freezeWeights = freeze; return this; }

  public boolean freezesWeights() { return freezeWeights; }

  public Backend backend() { return backend; }
  public Path dumpDir() { return dumpDir; }
  public Set<String> disabled() { return Set.copyOf(disabled); }
  public int recompileLimit() { return recompileLimit; }
}
