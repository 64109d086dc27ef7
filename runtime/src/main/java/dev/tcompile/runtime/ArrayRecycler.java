package dev.tcompile.runtime;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Hot float arrays for eager autograd's gradients, as PyTorch's caching allocator reuses a freed block. A fresh
 * 4 MB array costs several times what rewriting a used one does here (the JVM zeroes it and its memory is cold),
 * and the eager backward of a chain of pointwise ops makes one per op, each dead once the next node has read it.
 *
 * <p>Ownership is proven, never guessed: the autograd engine {@linkplain #open opens a recording} per backward
 * pass, and only arrays of at least {@link #MIN_FLOATS} floats (4 MB) allocated while it records (inside the eager
 * derivative rules and the engine's own gradient sums) are <em>born</em> there. The engine {@linkplain #release
 * releases} a born array once no pending gradient, node output, hook, leaf gradient or capture can reach it; a
 * released array goes to this thread's pool, and the next {@link NDArray#empty} of that many floats on this thread
 * while it records takes it back, zeroed as a fresh array would be (unless it is
 * {@linkplain NDArray#emptyToOverwrite to be overwritten} whole). An array handed to anything the engine does not control is
 * {@linkplain Recording#escape escaped} and never comes back. {@code -Dtcompile.recycle=false} turns it off.
 */
public final class ArrayRecycler {
  private ArrayRecycler() {}

  /**
   * The smallest array recycled: 1M floats (4 MB; {@code -Dtcompile.recycle.min=N} floats to change it). Measured on
   * the build machine: tanh-GELU's eager forward and backward on 1M floats 1.6-1.8x faster with its arrays recycled,
   * while the eager MNIST CNN step, whose arrays are 64 KB-3 MB, ran 10-15% slower with those recycled (cause not
   * found; its old generation did not grow faster), so they are not.
   */
  public static final int MIN_FLOATS = Integer.getInteger("tcompile.recycle.min", 1 << 20);
  /**
   * Arrays kept per size (a backward needs only the few its rules have in flight at once), and bytes kept per thread
   * in all. Held through soft references: under memory pressure the collector takes them back before it would throw
   * OutOfMemoryError.
   */
  static final int PER_SIZE = 16;
  static final long MAX_BYTES = 128L << 20;

  static final boolean ENABLED = !"false".equals(System.getProperty("tcompile.recycle"));

  /** One backward pass's born arrays. */
  public static final class Recording implements AutoCloseable {
    private final State state;
    private final Recording outer;
    private final Map<float[], Boolean> born = new IdentityHashMap<>();
    /** Born since the last {@link #beginRule}. */
    private final java.util.ArrayList<float[]> recent = new java.util.ArrayList<>();
    private boolean on;

    private Recording(State state, Recording outer) { this.state = state; this.outer = outer; }

    /** Records (or stops recording) the arrays allocated on this thread from now on; returns the previous setting. */
    public boolean recording(boolean on) {
      boolean was = this.on;
      this.on = on;
      return was;
    }

    /** Starts recording one eager derivative rule's arrays. */
    public void beginRule() {
      recent.clear();
      on = true;
    }

    /**
     * Stops recording the rule and releases its temporaries: the arrays it allocated that none of its
     * {@code results} shares (a rule computes its gradients from its inputs and saved values and keeps nothing).
     */
    public void endRule(java.util.List<? extends NDArray> results) {
      on = false;
      for (float[] f : recent) {
        boolean kept = false;
        for (NDArray r : results) if (r != null && r.data() == f) { kept = true; break; }
        if (!kept && born.remove(f) != null) state.give(f);
      }
      recent.clear();
    }

    /** {@code a}'s storage will never be released by this pass (it reached something the engine does not control). */
    public void escape(NDArray a) {
      if (a != null && a.data() instanceof float[] f) born.remove(f);
    }

    /** Whether {@code a}'s storage was born in this pass and not yet released or escaped. */
    public boolean owns(NDArray a) { return a.data() instanceof float[] f && born.containsKey(f); }

    /** Gives {@code a}'s storage, born here and reachable from nothing, to this thread's pool. */
    public void release(NDArray a) {
      if (!(a.data() instanceof float[] f) || born.remove(f) == null) return;
      state.give(f);
    }

    @Override public void close() {
      born.clear();
      recent.clear();
      state.current = outer;
    }
  }

  /** One size's pooled arrays, newest last, and when the size was last given or taken. */
  private static final class Bucket {
    final ArrayDeque<SoftReference<float[]>> arrays = new ArrayDeque<>(PER_SIZE);
    long lastUse;
  }

  private static final class State {
    final HashMap<Integer, Bucket> free = new HashMap<>();
    long bytes, clock;
    Recording current;

    float[] take(int n, boolean zero) {
      Bucket b = free.get(n);
      if (b == null) return null;
      b.lastUse = ++clock;
      float[] a = null;
      while (a == null && !b.arrays.isEmpty()) {
        a = b.arrays.pollLast().get();
        bytes -= 4L * n;
      }
      if (a == null) return null;
      if (zero) Arrays.fill(a, 0f);
      return a;
    }

    /**
     * Keeps {@code a}; over the byte budget, the sizes used longest ago go first (a program whose shapes changed
     * must not find its pool full of sizes it no longer makes).
     */
    void give(float[] a) {
      long need = 4L * a.length;
      if (need > MAX_BYTES) return;
      Bucket b = free.computeIfAbsent(a.length, k -> new Bucket());
      b.lastUse = ++clock;
      if (b.arrays.size() >= PER_SIZE) return;
      while (bytes + need > MAX_BYTES) evictOldestOtherThan(a.length);
      b.arrays.addLast(new SoftReference<>(a));
      bytes += need;
    }

    private void evictOldestOtherThan(int n) {
      Integer oldest = null;
      for (var e : free.entrySet())
        if (e.getKey() != n && !e.getValue().arrays.isEmpty() && (oldest == null || e.getValue().lastUse < free.get(oldest).lastUse)) oldest = e.getKey();
      if (oldest == null) { // only this size is kept: its oldest array goes
        free.get(n).arrays.pollFirst();
        bytes -= 4L * n;
        return;
      }
      bytes -= 4L * oldest * free.remove(oldest).arrays.size();
    }
  }

  private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

  /** Starts a recording on this thread (nested passes get their own); null when recycling is off. */
  public static Recording open() {
    if (!ENABLED) return null;
    State s = STATE.get();
    Recording r = new Recording(s, s.current);
    s.current = r;
    return r;
  }

  /**
   * An array of n floats: while a backward pass records, from this thread's pool when it has one (zeroed, or with
   * {@code zero} false holding whatever it held, for a caller that writes every element); else new. Only the
   * recorded code takes pooled arrays, so they circulate among gradients and come back: handed to a forward, a
   * pooled array (by then long-lived, in the old generation) would become a saved value that is never recycled and
   * dies there.
   */
  static float[] floats(int n, boolean zero) {
    if (n < MIN_FLOATS || !ENABLED) return new float[n];
    State s = STATE.get();
    Recording r = s.current;
    if (r == null || !r.on) return new float[n];
    float[] a = s.take(n, zero);
    if (a == null) a = new float[n];
    r.born.put(a, Boolean.TRUE);
    r.recent.add(a);
    return a;
  }

  /** Bytes this thread's pool holds, counting arrays the collector may have taken back (for tests). */
  public static long pooledBytes() { return STATE.get().bytes; }
}
