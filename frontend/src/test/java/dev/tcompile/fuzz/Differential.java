package dev.tcompile.fuzz;

import dev.tcompile.CompileOptions;
import dev.tcompile.CompiledFn;
import dev.tcompile.GradGuard;
import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Runs one program eagerly and compiled, and says where they disagree. Legs, each against eager on the same
 * values: the interpreter (default pipeline) with grad, on a first set of input values (this call traces and
 * compiles) and on a second set (the cached program must read the new values, captured tensors included); the
 * interpreter under no_grad (its inference graph); and the bytecode backend (the default) the same way as the
 * interpreter (a build whose compiler refuses it with "not available yet" skips that leg).
 */
final class Differential {
  private Differential() {}

  /** Counts across programs, for the test's summary. */
  static final class Stats {
    int programs, ops, leaves, gradPrograms, identical, bothThrew, bytecodeSkipped, eagerFallbacks;
  }

  static final String BYTECODE_UNAVAILABLE = "not available yet";
  /** Probed once: while the backend is refused, tracing every program for it a second time would only cost time. */
  static final boolean BYTECODE_AVAILABLE = bytecodeAvailable();

  /**
   * A disagreement: {@code kind} (the leg and what differs, e.g. "interpreter, second input values: value") is
   * what the shrinker keeps fixed, so that shrinking does not wander off to another bug.
   */
  record Failure(String kind, String message) {
    static Failure of(String leg, String difference) {
      int end = difference.indexOf(' ');
      return new Failure(leg + ": " + (end < 0 ? difference : difference.substring(0, end)), leg + ": " + difference);
    }
  }

  /** Null when every leg agrees with eager; otherwise which leg, which values and how they differ. */
  static Failure check(Program p, long seed, Stats stats) {
    try {
      String d = legs(p, seed, stats);
      if (d == null) return null;
      int split = d.indexOf('|');
      return Failure.of(d.substring(0, split), d.substring(split + 1));
    } catch (RuntimeException | StackOverflowError e) {
      return new Failure("unexpected " + e.getClass().getName(),
          "unexpected " + e + " at " + Arrays.stream(e.getStackTrace()).limit(8).map(String::valueOf).toList());
    }
  }

  private static String legs(Program p, long seed, Stats stats) {
    Tensor[] captured = new Tensor[p.leaves().size()];
    TensorFn fn = p.function(captured);
    Function<int[], Tensor> weighting = weighting(seed);
    long[] sets = {seed, seed ^ 0x5DEECE66DL};
    CompiledFn interpreter = Torch.compile(fn);
    CompiledFn bytecode = Torch.compile(fn, new CompileOptions().backend(CompileOptions.Backend.BYTECODE));
    boolean bytecodeLive = BYTECODE_AVAILABLE;
    if (!bytecodeLive && stats != null) stats.bytecodeSkipped++;
    for (int s = 0; s < sets.length; s++) {
      // the first call passes aliased arguments as one tensor, the second as distinct ones (must retrace)
      boolean aliased = s == 0;
      Outcome eager = Outcome.run(fn, Inputs.load(p, captured, sets[s], aliased), weighting, true);
      Outcome compiled = Outcome.run(interpreter::apply, Inputs.load(p, captured, sets[s], aliased), weighting, true);
      String d = eager.disagreement(compiled);
      if (d != null) return "interpreter, " + which(s) + "|" + d;
      if (s == 0 && stats != null) count(stats, p, eager, compiled);
      if (compiled.requiresGrad() && !"CompiledFunctionBackward".equals(compiled.gradFn()) && stats != null && s == 0) stats.eagerFallbacks++;
      if (bytecodeLive) {
        Outcome b = Outcome.run(bytecode::apply, Inputs.load(p, captured, sets[s], aliased), weighting, true);
        if (b.error() != null && b.error().contains(BYTECODE_UNAVAILABLE)) {
          bytecodeLive = false;
          if (stats != null) stats.bytecodeSkipped++;
        } else {
          d = eager.disagreement(b);
          if (d != null) return "bytecode, " + which(s) + "|" + d;
        }
      }
    }
    try (GradGuard g = Torch.noGrad()) {
      Outcome eager = Outcome.run(fn, Inputs.load(p, captured, sets[0], true), weighting, false);
      Outcome compiled = Outcome.run(interpreter::apply, Inputs.load(p, captured, sets[0], true), weighting, false);
      // Known issue: a compiled result never aliases an input (CompiledFn copies it), so a program that returns
      // one of its inputs unchanged (`return x`, `x.contiguous()` on a contiguous x) gives, under no_grad, a copy
      // with requires_grad=false where eager (and PyTorch) return the input itself, requires_grad=true.
      // Values are still compared; only that flag is excused, and only in that case.
      if (eager.returnedInput() && compiled.error() == null) compiled = compiled.withRequiresGrad(eager.requiresGrad());
      String d = eager.disagreement(compiled);
      if (d != null) return "interpreter under no_grad, " + which(0) + "|" + d;
    }
    return null;
  }

  private static String which(int set) {
    return set == 0 ? "first input values (the tracing call)" : "second input values (the cached program, or a retrace when aliasing changed)";
  }

  private static void count(Stats stats, Program p, Outcome eager, Outcome compiled) {
    stats.programs++;
    stats.ops += p.opCount();
    stats.leaves += p.leaves().size();
    if (eager.error() != null) stats.bothThrew++;
    if (eager.requiresGrad()) stats.gradPrograms++;
    if (eager.identical(compiled)) stats.identical++;
  }

  /** The output's gradient: ones (backward of the sum) for even seeds, a fixed random weighting for odd ones. */
  static Function<int[], Tensor> weighting(long seed) {
    return shape -> {
      if ((seed & 1) == 0) return Torch.ones(shape);
      Torch.manualSeed(seed * 31 + 7);
      return Torch.randn(shape);
    };
  }

  /** Whether compiling for the bytecode backend is refused as not available (probed once). */
  static boolean bytecodeAvailable() {
    try {
      Torch.compile(xs -> xs[0].add(1.0), new CompileOptions().backend(CompileOptions.Backend.BYTECODE)).apply(Torch.ones(2));
      return true;
    } catch (TorchException e) {
      if (e.getMessage().contains(BYTECODE_UNAVAILABLE)) return false;
      throw e;
    }
  }
}
