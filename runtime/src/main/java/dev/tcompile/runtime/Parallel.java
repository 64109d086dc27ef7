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
 * each thread runs its own block of a call's tasks first and then helps with the others', so a worker that the OS
 * is slow to schedule costs little. A call made from
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
   * job). The tasks are cut into one contiguous block per participant: the caller's is the first, worker w's the
   * (w+2)-th. A participant runs its own block from the front, then takes what is left of the others from their
   * backs, so a worker the OS has not scheduled yet (a busy or shared machine) simply gets fewer tasks and the caller
   * never waits for a task nobody has started. Home blocks are why: kernels that run one after another split their
   * data the same way (batch first), so each thread keeps reading what it wrote itself, in its own cache. Where the
   * two vCPUs of a VM sit on different L3 caches, tasks claimed first-come from one counter moved most of a train
   * step's data between the caches on every kernel (MNIST CNN step: 10-11 ms instead of 7).
   *
   * <p>Each block is one long: the call's generation (high 32 bits), its end and its next unclaimed unit (16 bits
   * each). A claim is a compare-and-set on the whole word, so a worker that read an older call's generation can
   * never claim (or run) a unit of a later call. A unit is {@code unit} consecutive tasks (more than one only when a
   * call has over 65,535 tasks). {@code task}, {@code count}, {@code unit} and the blocks are written only while the
   * job is closed, before {@code state} publishes the generation; a claim reads them after that.
   */
  private static final class Job {
    static final int CLOSED = Integer.MAX_VALUE;
    static final int MAX_UNITS = 0xFFFF;
    /** The open call's generation (high 32 bits) and 0, or {@link #CLOSED} in the low bits between calls. */
    volatile long state = CLOSED;
    final long[] blocks = new long[Math.max(MAX, 64)];
    volatile int parts;
    volatile Task task;
    volatile int count, unit, units;
    /** Units of the current generation finished (atomic through the handle below). */
    volatile int done;
    volatile Thread caller;
    volatile Throwable failure;

    /** Runs the units of generation {@code gen} it can claim: its home block's first, then the others' from their backs. */
    void participate(int gen, int home) {
      int n = parts;
      if (home < n) for (int u; (u = claim(home, gen, true)) >= 0; ) runUnit(u);
      for (int k = 1; k <= n; k++) {   // every block, its own last (whose front is done): a home past the last block
        int b = (home + k) % n;        // still visits them all
        for (int u; (u = claim(b, gen, false)) >= 0; ) runUnit(u);
      }
    }

    /** Claims the next unit of block {@code b} (from its front, or its back), or -1 when none is left or the call is over. */
    private int claim(int b, int gen, boolean front) {
      while (true) {
        long s = (long) BLOCK.getVolatile(blocks, b);
        int next = (int) s & 0xFFFF, end = (int) (s >>> 16) & 0xFFFF;
        if ((int) (s >>> 32) != gen || next >= end) return -1;
        long t = front ? s + 1 : s - (1L << 16);
        if (BLOCK.compareAndSet(blocks, b, s, t)) return front ? next : end - 1;
      }
    }

    /** Runs the tasks of a claimed unit (its call cannot close, nor task/count change, before it is done). */
    private void runUnit(int u) {
      Task t = task;
      int n = count, per = unit;
      try {
        for (int i = u * per, e = Math.min(n, i + per); i < e; i++) t.run(i, n);
      } catch (Throwable e) {
        if (failure == null) failure = e;
      }
      if ((int) DONE.getAndAdd(this, 1) + 1 == units) LockSupport.unpark(caller);
    }

    /** Opens the next generation for {@code count} tasks of {@code task} over {@code participants}; returns the generation. Under LOCK. */
    int open(Task task, int count, int participants, Thread caller) {
      int gen = (int) (state >>> 32) + 1;
      int per = (count + MAX_UNITS - 1) / MAX_UNITS, u = (count + per - 1) / per;
      int n = Math.min(Math.min(participants, u), blocks.length);   // participants past the last block only help
      this.task = task;
      this.count = count;
      this.unit = per;
      this.units = u;
      this.parts = n;
      this.caller = caller;
      failure = null;
      done = 0;
      for (int b = 0; b < n; b++) {
        long from = (long) u * b / n, to = (long) u * (b + 1) / n;
        BLOCK.setVolatile(blocks, b, ((long) gen << 32) | (to << 16) | from);
      }
      state = (long) gen << 32;   // published last: a participant sees this call's blocks, task and count
      return gen;
    }

    /** Closes the finished generation and drops the task (and what it references). Under LOCK. */
    void close(int gen) {
      state = ((long) gen << 32) | CLOSED;
      task = null;
      caller = null;
    }

    private static final VarHandle DONE;
    private static final VarHandle BLOCK = MethodHandles.arrayElementVarHandle(long[].class);
    static {
      try {
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
      int gen = job.open(task, count, nw + 1, Thread.currentThread());
      for (int w = 0; w < nw; w++) workers[w].wake();
      INSIDE.set(Boolean.TRUE);
      try {
        job.participate(gen, 0);
      } finally {
        INSIDE.set(Boolean.FALSE);
      }
      int spins = 0, units = job.units;
      while (job.done < units) {
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
    /** Its block of each call's tasks (the caller's is 0). */
    private final int home;

    Worker(int id) {
      home = id + 1;
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
        JOB.participate(gen, home);
      }
    }
  }
}
