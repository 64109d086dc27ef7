package dev.tcompile.fuzz;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Shrinks a failing program by editing its choice list (delta debugging on the decisions, as Hypothesis does):
 * delete runs of choices (dropping ops and inputs), then lower single choices (smaller sizes, simpler options).
 * A candidate is kept when it still fails and is smaller: fewer nodes, then fewer input elements, then a shorter
 * or lexicographically smaller choice list; this order is well-founded, so shrinking ends.
 */
final class Shrinker {
  private Shrinker() {}

  record Result(Program program, Differential.Failure failure, int attempts) {}

  /**
   * @param build   rebuilds a program from choices
   * @param failure the failure of a program, or null when it passes; candidates must fail the same way (kind)
   */
  static Result shrink(Program start, Differential.Failure startFailure, Function<int[], Program> build,
                       Function<Program, Differential.Failure> failure, int maxAttempts, long maxMillis) {
    long deadline = System.currentTimeMillis() + maxMillis;
    Program best = start;
    Differential.Failure bestFailure = startFailure;
    int attempts = 0;
    boolean progress = true;
    while (progress && attempts < maxAttempts && System.currentTimeMillis() < deadline) {
      progress = false;
      for (int k : new int[]{8, 4, 2, 1}) {
        for (int i = best.choices().length - k; i >= 0 && attempts < maxAttempts && System.currentTimeMillis() < deadline; i--) {
          int[] c = best.choices();
          if (i + k > c.length) continue;
          int[] cand = new int[c.length - k];
          System.arraycopy(c, 0, cand, 0, i);
          System.arraycopy(c, i + k, cand, i, c.length - i - k);
          attempts++;
          Program p = build.apply(cand);
          if (smaller(p, best)) {
            Differential.Failure f = failure.apply(p);
            if (f != null && f.kind().equals(startFailure.kind())) { best = p; bestFailure = f; progress = true; }
          }
        }
      }
      for (int i = 0; i < best.choices().length && attempts < maxAttempts && System.currentTimeMillis() < deadline; i++) {
        int v = best.choices()[i];
        for (int lower : new int[]{0, v / 2, v - 1}) {
          if (lower >= v || lower < 0) continue;
          int[] cand = best.choices().clone();
          cand[i] = lower;
          attempts++;
          Program p = build.apply(cand);
          if (smaller(p, best)) {
            Differential.Failure f = failure.apply(p);
            if (f != null && f.kind().equals(startFailure.kind())) { best = p; bestFailure = f; progress = true; break; }
          }
        }
      }
    }
    return new Result(best, bestFailure, attempts);
  }

  static boolean smaller(Program a, Program b) {
    if (a.nodes().size() != b.nodes().size()) return a.nodes().size() < b.nodes().size();
    long ea = inputElements(a), eb = inputElements(b);
    if (ea != eb) return ea < eb;
    if (a.choices().length != b.choices().length) return a.choices().length < b.choices().length;
    return Arrays.compare(a.choices(), b.choices()) < 0;
  }

  static long inputElements(Program p) {
    long n = 0;
    for (Program.Leaf l : p.leaves()) n += StructuredOps.product(l.shape());
    return n;
  }
}
