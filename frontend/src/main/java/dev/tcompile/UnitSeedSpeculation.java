package dev.tcompile;

import dev.tcompile.codegen.Compiler;
import java.util.function.Supplier;

/**
 * Speculation for a compiled function whose result is a loss: once its calls have been differentiated with a unit
 * seed ({@code loss.backward()}) a few times in a row, each call runs forward and backward as one program
 * ({@link Compiler#unitSeedProgram}) and keeps the gradients for its backward, instead of saving activations for a
 * second pass over memory. The gradients are the bits {@code backward(1.0)} gives, so the guard is the seed: a
 * backward with any other seed, a second backward (retain_graph) or calls never differentiated end the speculation,
 * and that call's node recomputes its saved values and runs the ordinary backward. Each miss doubles the streak
 * needed to speculate again, so a function used both ways settles on the ordinary path.
 */
final class UnitSeedSpeculation {
  /** Unit-seed backwards in a row before speculating. */
  static final int FIRST_STREAK = 2;
  /** Speculative calls in a row whose gradients were never taken before speculation stops. */
  static final int UNUSED_LIMIT = 3;

  private final String name;
  private final Supplier<Compiler.UnitSeedProgram> build;
  private Compiler.UnitSeedProgram program;
  private boolean impossible;
  private boolean on;
  private int streak, needed = FIRST_STREAK, unused;

  /** {@code name}: the compiled function's, for the debug log ({@link CompileLog}). */
  UnitSeedSpeculation(String name, Supplier<Compiler.UnitSeedProgram> build) {
    this.name = name;
    this.build = build;
  }

  /** The program to run this call with, or null to run the ordinary forward. */
  synchronized Compiler.UnitSeedProgram forCall() {
    if (!on) return null;
    if (++unused > UNUSED_LIMIT) { miss(UNUSED_LIMIT + " calls in a row were not differentiated"); return null; }
    return program;
  }

  /** An ordinary node's first backward: whether its seed was exactly one. */
  synchronized void observed(boolean unitSeed) {
    if (on || impossible) return;
    if (!unitSeed) { streak = 0; return; }
    if (++streak < needed) return;
    if (program == null) program = build.get();
    if (program == null) { impossible = true; return; }
    on = true;
    unused = 0;
    CompileLog.note(name, "forward and backward run as one program from now on (" + streak + " unit-seed backwards in a row)");
  }

  /** A speculative node's gradients were used. */
  synchronized void hit() { unused = 0; }

  /** A speculative node needed the ordinary backward after all, because of {@code why}. */
  synchronized void miss(String why) {
    if (on) CompileLog.note(name, "forward and backward run separately again: " + why);
    on = false;
    streak = 0;
    unused = 0;
    needed = Math.min(needed * 2, 1 << 20);
  }

  /** Whether calls currently run speculatively (for tests). */
  synchronized boolean active() { return on; }
}
