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
   * One parallel call. Participants claim task indices from {@code next} until none is left, so a worker the
   * OS has not scheduled yet (a busy or shared machine) simply gets fewer tasks, and the caller never waits for
   * a task nobody has started. A worker that wakes after the job is finished finds it exhausted.
   */
  private static final class Job {
    final Task task;
    final int count;
    /** The next task index to claim and the number of tasks finished (atomic through the handles below: one object per call). */
    volatile int next, done;
    final Thread caller;
    volatile Throwable failure;

    Job(Task task, int count, Thread caller) { this.task = task; this.count = count; this.caller = caller; }

    /** Claims and runs tasks until none is left. */
    void participate() {
      int t;
      while ((t = (int) NEXT.getAndAdd(this, 1)) < count) {
        try {
          task.run(t, count);
        } catch (Throwable e) {
          if (failure == null) failure = e;
        }
        if ((int) DONE.getAndAdd(this, 1) + 1 == count) LockSupport.unpark(caller);
      }
    }

    private static final VarHandle NEXT, DONE;
    static {
      try {
        NEXT = MethodHandles.lookup().findVarHandle(Job.class, "next", int.class);
        DONE = MethodHandles.lookup().findVarHandle(Job.class, "done", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  private static volatile Job current;

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
      Job job = new Job(task, count, Thread.currentThread());
      current = job;
      for (int w = 0; w < nw; w++) workers[w].wake();
      INSIDE.set(Boolean.TRUE);
      try {
        job.participate();
      } finally {
        INSIDE.set(Boolean.FALSE);
      }
      int spins = 0;
      while (job.done < count) {
        if (++spins < 20_000) Thread.onSpinWait();
        else LockSupport.parkNanos(50_000);
      }
      current = null; // do not keep the finished task (and what it captured) reachable
      Throwable f = job.failure;
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
    run(parts, (t, c) -> {
      int u0 = (int) ((long) units * t / c), u1 = (int) ((long) units * (t + 1) / c);
      int from = u0 * g, to = Math.min(n, u1 * g);
      if (from < to) body.run(from, to);
    });
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
    private Job last;

    Worker(int id) {
      thread = new Thread(this, "tcompile-kernel-" + (id + 1));
      thread.setDaemon(true);
    }

    void wake() { LockSupport.unpark(thread); }

    @Override public void run() {
      INSIDE.set(Boolean.TRUE);
      int spins = 0;
      while (true) {
        Job job = current;
        if (job == null || job == last) {
          // spin a little after a job (kernels often come in bursts), then park until woken
          if (++spins < 10_000) Thread.onSpinWait();
          else LockSupport.park(this);
          continue;
        }
        spins = 0;
        last = job;
        job.participate();
      }
    }
  }
}
