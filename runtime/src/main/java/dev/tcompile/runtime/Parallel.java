package dev.tcompile.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The runtime's one persistent thread pool: kernels (sgemm, conv2d) split their work into a few coarse
 * tasks and run them here. Workers are daemon threads started once (lazily, on the first parallel call
 * that needs them) and parked between calls; no thread is created per call.
 *
 * <p>The calling thread takes part in every call, so {@code threads() == 1} means "everything on the caller";
 * tasks are claimed dynamically, so a worker that the OS is slow to schedule costs little. A call made from
 * inside a task (nested parallelism) runs all its tasks inline on that thread.
 *
 * <p>The thread count defaults to {@code Runtime.availableProcessors()}, or to the system property
 * {@code tcompile.threads} when set; {@link #setThreads} changes it at run time (benchmarks use 1 and 2).
 * Calls are serialised: two application threads calling kernels at once take turns for the pool.
 */
public final class Parallel {
  private Parallel() {}

  /** Body of a parallel loop: runs task {@code t} of {@code count}. */
  @FunctionalInterface
  public interface Task {
    void run(int t, int count);
  }

  /** Body of a parallel range loop: handles {@code [from, to)}. */
  @FunctionalInterface
  public interface Range {
    void run(int from, int to);
  }

  private static final int MAX = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static volatile int threads = initialThreads();
  private static final Object LOCK = new Object();
  private static Worker[] workers = new Worker[0];
  private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);

  /**
   * The pool's one job, reused call after call (calls are serialised, so one is enough, and a step allocates no
   * job). Participants claim task indices until none is left, so a worker the OS has not scheduled yet (a busy or
   * shared machine) simply gets fewer tasks, and the caller never waits for a task nobody has started.
   *
   * <p>{@code state} packs the call's generation (high 32 bits) and the next task index to claim (low 32 bits); a
   * claim is a compare-and-set on both, so a worker that read an older call's generation can never claim (or run)
   * a task of a later call, and a generation's indices only grow until the call is closed. Between calls the index
   * is {@link #CLOSED}. {@code task}, {@code count} and {@code caller} are written only while the job is closed
   * and read only after a successful claim or with the generation's state in hand (all volatile: one order).
   */
  private static final class Job {
    static final int CLOSED = Integer.MAX_VALUE;
    volatile long state = CLOSED;
    volatile Task task;
    volatile int count;
    /** Tasks of the current generation finished (atomic through the handle below). */
    volatile int done;
    volatile Thread caller;
    volatile Throwable failure;

    /** Claims and runs tasks of generation {@code gen} until none is left (or that call has closed). */
    void participate(int gen) {
      while (true) {
        long s = state;
        int idx = (int) s;
        if ((int) (s >>> 32) != gen || idx >= count) return;   // a later call, or nothing left to claim
        if (!STATE.compareAndSet(this, s, s + 1)) continue;
        // claimed task idx of generation gen: that call cannot close (nor task/count change) before it is done
        Task t = task;
        int n = count;
        try {
          t.run(idx, n);
        } catch (Throwable e) {
          if (failure == null) failure = e;
        }
        if ((int) DONE.getAndAdd(this, 1) + 1 == n) LockSupport.unpark(caller);
      }
    }

    /** Opens the next generation for {@code count} tasks of {@code task}; returns the generation. Under LOCK. */
    int open(Task task, int count, Thread caller) {
      int gen = (int) (state >>> 32) + 1;
      this.task = task;
      this.count = count;
      this.caller = caller;
      failure = null;
      done = 0;
      state = ((long) gen << 32) | 0L;   // published last: a claim sees this call's task and count
      return gen;
    }

    /** Closes the finished generation and drops the task (and what it references). Under LOCK. */
    void close(int gen) {
      state = ((long) gen << 32) | CLOSED;
      task = null;
      caller = null;
    }

    private static final VarHandle STATE, DONE;
    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(Job.class, "state", long.class);
        DONE = MethodHandles.lookup().findVarHandle(Job.class, "done", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  private static final Job JOB = new Job();

  private static int initialThreads() {
    String p = System.getProperty("tcompile.threads");
    if (p != null) {
      try { return Math.max(1, Integer.parseInt(p.trim())); } catch (NumberFormatException ignored) { }
    }
    return MAX;
  }

  /** Number of threads kernels split their work over (the caller included). */
  public static int threads() { return threads; }

  /** Sets the number of threads kernels use (at least 1); takes effect on the next parallel call. */
  public static void setThreads(int n) {
    if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
    threads = n;
  }

  /**
   * Runs {@code body} on the calling thread with every kernel call inside it kept on this thread (as a nested
   * call would be): it never takes the pool, so it never makes another thread's parallel call wait.
   */
  public static void runOnThisThread(Runnable body) {
    boolean was = INSIDE.get();
    INSIDE.set(Boolean.TRUE);
    try {
      body.run();
    } finally {
      INSIDE.set(was);
    }
  }

  /** True on a pool worker, or on a caller while it runs its own share of a parallel call. */
  public static boolean inParallelRegion() { return INSIDE.get(); }

  /**
   * Runs {@code task.run(t, count)} for every t in [0, count), in parallel over up to {@link #threads()} threads
   * (tasks are claimed dynamically, so {@code count} may exceed the thread count to balance the load), and
   * returns when all have finished. An exception thrown by a task is rethrown here (the other tasks still run).
   */
  public static void run(int count, Task task) {
    if (count <= 0) return;
    if (count == 1 || threads <= 1 || INSIDE.get()) {
      for (int t = 0; t < count; t++) task.run(t, count);
      return;
    }
    synchronized (LOCK) {
      int nw = Math.min(count, threads) - 1; // workers woken; the caller is the extra participant
      ensureWorkers(nw);
      Job job = JOB;
      int gen = job.open(task, count, Thread.currentThread());
      for (int w = 0; w < nw; w++) workers[w].wake();
      INSIDE.set(Boolean.TRUE);
      try {
        job.participate(gen);
      } finally {
        INSIDE.set(Boolean.FALSE);
      }
      int spins = 0;
      while (job.done < count) {
        if (++spins < 20_000) Thread.onSpinWait();
        else LockSupport.parkNanos(50_000);
      }
      Throwable f = job.failure;
      job.close(gen);   // do not keep the finished task (and what it references) reachable
      if (f instanceof RuntimeException re) throw re;
      if (f instanceof Error er) throw er;
      if (f != null) throw new RuntimeException(f);
    }
  }

  /**
   * Splits {@code [0, n)} into chunks that are multiples of {@code grain} (except the last), a few per thread
   * for load balance, and runs them in parallel. Runs inline when {@code n <= grain} or one thread is set.
   * The chunk bounds depend only on {@code n}, {@code grain} and {@link #threads()}, never on which thread claims
   * which chunk: a kernel that combines per-chunk results in chunk order is deterministic for a fixed thread count.
   */
  public static void forRange(int n, int grain, Range body) {
    if (n <= 0) return;
    final int g = Math.max(1, grain);
    final int units = (n + g - 1) / g;
    int parts = Math.min(4 * threads, units);
    if (threads <= 1 || parts <= 1 || INSIDE.get()) { body.run(0, n); return; }
    Chunks c = CHUNKS.take();
    try {
      c.n = n; c.grain = g; c.units = units; c.body = body;
      run(parts, c);
    } finally {
      CHUNKS.give(c);
    }
  }

  /** {@link #forRange}'s task: chunk t of count covers units [units*t/count, units*(t+1)/count) of grain elements. */
  private static final class Chunks extends Reusable implements Task {
    int n, grain, units;
    Range body;

    @Override public void run(int t, int c) {
      int u0 = (int) ((long) units * t / c), u1 = (int) ((long) units * (t + 1) / c);
      int from = u0 * grain, to = Math.min(n, u1 * grain);
      if (from < to) body.run(from, to);
    }

    @Override protected void clear() { body = null; }
  }

  private static final PerThread<Chunks> CHUNKS = new PerThread<>(Chunks::new);

  /**
   * An object a kernel fills and hands to {@link #run} (or uses otherwise) instead of a capturing lambda, reused
   * call after call through a {@link PerThread}: a kernel call in a steady state allocates nothing.
   */
  public abstract static class Reusable {
    private boolean taken;

    /** Drops what the call set (arrays, operands), so that the thread's copy keeps nothing alive between calls. */
    protected abstract void clear();
  }

  /**
   * One {@link Reusable} per calling thread. {@link #take} returns the thread's own, or a new one while that is
   * taken (a kernel called again from inside its own tasks on the same thread); {@link #give} clears it.
   * Workers only read the caller's object, during the call that filled it.
   */
  public static final class PerThread<T extends Reusable> {
    private final java.util.function.Supplier<T> make;
    private final ThreadLocal<T> local;

    public PerThread(java.util.function.Supplier<T> make) {
      this.make = make;
      this.local = ThreadLocal.withInitial(make);
    }

    public T take() {
      T r = local.get();
      if (((Reusable) r).taken) r = make.get();
      ((Reusable) r).taken = true;
      return r;
    }

    public void give(T r) {
      r.clear();
      ((Reusable) r).taken = false;
    }
  }

  private static void ensureWorkers(int n) {
    if (workers.length >= n) return;
    Worker[] w = java.util.Arrays.copyOf(workers, n);
    for (int i = workers.length; i < n; i++) {
      w[i] = new Worker(i);
      w[i].thread.start();
    }
    workers = w;
  }

  private static final class Worker implements Runnable {
    final Thread thread;
    /** The last generation this worker took part in. */
    private int last;

    Worker(int id) {
      thread = new Thread(this, "tcompile-kernel-" + (id + 1));
      thread.setDaemon(true);
    }

    void wake() { LockSupport.unpark(thread); }

    @Override public void run() {
      INSIDE.set(Boolean.TRUE);
      int spins = 0;
      while (true) {
        long s = JOB.state;
        int gen = (int) (s >>> 32);
        if ((int) s == Job.CLOSED || gen == last) {
          // spin a little after a job (kernels often come in bursts), then park until woken
          if (++spins < 10_000) Thread.onSpinWait();
          else LockSupport.park(this);
          continue;
        }
        spins = 0;
        last = gen;
        JOB.participate(gen);
      }
    }
  }
}
