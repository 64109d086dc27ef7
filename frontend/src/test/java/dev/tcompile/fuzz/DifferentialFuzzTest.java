package dev.tcompile.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Differential fuzzing: random well-typed programs run eagerly and compiled (see {@link Differential} for the
 * legs) must agree on values, gradients, shapes, dtypes and requires_grad. A disagreement fails the test with
 * the shrunk program (Java and traced IR), the seed and the command line that replays it.
 *
 * <p>Profiles (system properties): {@code tcompile.fuzz.programs} (default {@value #CI_PROGRAMS}, sized for the
 * CI run; e.g. 50000 locally), {@code tcompile.fuzz.seed} (base seed), {@code tcompile.fuzz.from} (first program
 * index), {@code tcompile.fuzz.seconds} (stop early past this wall time; default {@value #CI_SECONDS}),
 * {@code tcompile.fuzz.failures} (how many failing programs to collect before stopping, default 3),
 * {@code tcompile.fuzz.ops} (the most ops per program, default 12; larger values also make programs longer on average).
 */
class DifferentialFuzzTest {
  static final int CI_PROGRAMS = 2000;
  static final int CI_SECONDS = 120;
  static final long DEFAULT_SEED = 20261204L;

  /** Program {@code index}'s seed: its choices and its first set of input values. */
  static long programSeed(long base, long index) {
    long z = base * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 29);
  }

  /**
   * The fuzzer's tensors are small: generate loops for them all (not only those over KernelLoader.MIN_ELEMENTS),
   * unless {@code -Dtcompile.kernels.minElements} asks for another threshold.
   */
  @org.junit.jupiter.api.BeforeAll
  static void generateLoopsForSmallKernels() {
    setByUs = System.getProperty("tcompile.kernels.minElements") == null;
    if (setByUs) System.setProperty("tcompile.kernels.minElements", "1");
  }

  private static boolean setByUs;

  @org.junit.jupiter.api.AfterAll
  static void restoreTheThreshold() { if (setByUs) System.clearProperty("tcompile.kernels.minElements"); }

  @Test
  void compiledProgramsAgreeWithEager() {
    int programs = Integer.getInteger("tcompile.fuzz.programs", CI_PROGRAMS);
    long base = Long.getLong("tcompile.fuzz.seed", DEFAULT_SEED);
    long from = Long.getLong("tcompile.fuzz.from", 0L);
    long seconds = Long.getLong("tcompile.fuzz.seconds", (long) CI_SECONDS);
    int maxFailures = Integer.getInteger("tcompile.fuzz.failures", 3);
    long start = System.nanoTime();
    Differential.Stats stats = new Differential.Stats();
    List<String> failures = new ArrayList<>();
    long index = from;
    for (; index < from + programs && failures.size() < maxFailures; index++) {
      if (System.nanoTime() - start > seconds * 1_000_000_000L) {
        System.out.println("fuzz: time budget of " + seconds + " s reached after " + (index - from) + " programs");
        break;
      }
      long seed = programSeed(base, index);
      Program p = ProgramGenerator.generate(Choices.fresh(seed), seed);
      Differential.Failure failure = Differential.check(p, seed, stats);
      if (failure != null) failures.add(report(p, failure, seed, base, index));
    }
    double secs = (System.nanoTime() - start) / 1e9;
    System.out.printf("fuzz: %d programs (%d ops, %d inputs; %d with gradients; %d bit-identical to eager; %d where eager and compiled"
            + " threw the same error; %d ran eagerly after a graph break; bytecode leg skipped for %d: %s) in %.1f s, %d disagreements%n",
        index - from, stats.ops, stats.leaves, stats.gradPrograms, stats.identical, stats.bothThrew, stats.eagerFallbacks,
        stats.bytecodeSkipped, Differential.BYTECODE_AVAILABLE ? "available" : "backend not available yet", secs, failures.size());
    if (!failures.isEmpty()) fail(failures.size() + " compiled program(s) disagree with eager:\n\n" + String.join("\n\n", failures));
  }

  /** The failure, shrunk, with everything needed to reproduce it. */
  static String report(Program original, Differential.Failure failure, long seed, long base, long index) {
    Shrinker.Result r = Shrinker.shrink(original, failure, choices -> ProgramGenerator.generate(Choices.replay(choices), seed),
        p -> Differential.check(p, seed, null), 3000, 60_000);
    Program p = r.program();
    Program pruned = p.pruned();
    Differential.Failure prunedFailure = Differential.check(pruned, seed, null);
    if (prunedFailure != null && prunedFailure.kind().equals(failure.kind())) {
      p = pruned;
      r = new Shrinker.Result(pruned, prunedFailure, r.attempts());
    }
    return "program #" + index + " (seed " + seed + "): " + failure.message() + "\n"
        + "shrunk: " + r.failure().message() + "\n"
        + "shrunk program (" + p.opCount() + " ops, from " + original.opCount() + "; " + r.attempts() + " shrink attempts):\n"
        + p.describe()
        + "traced IR (first input values):\n" + traced(p, seed)
        + "original program:\n" + original.describe()
        + "replay: ./mvnw -pl frontend -am test -Dtest=DifferentialFuzzTest -Dsurefire.failIfNoSpecifiedTests=false"
        + " -Dtcompile.fuzz.seed=" + base + " -Dtcompile.fuzz.from=" + index + " -Dtcompile.fuzz.programs=1";
  }

  static String traced(Program p, long seed) {
    try {
      Tensor[] captured = new Tensor[p.leaves().size()];
      Inputs in = Inputs.load(p, captured, seed, true);
      return Torch.trace(p.function(captured), in.args).toString();
    } catch (RuntimeException e) {
      return "(tracing failed: " + e + ")\n";
    }
  }
}
