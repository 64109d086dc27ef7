package dev.tcompile.cli.demo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Per-step timings for the start-up measurements ({@code tcompile demo --step-times FILE}): each training step's
 * wall time (batch loading included) and the process's CPU time over it (all threads, JIT compilers and GC
 * included), so a first epoch can be compared with a steady one step by step, and on a shared machine by CPU time
 * as well as wall time. The file is CSV, {@code epoch,step,wall_ms,cpu_ms}, after a comment line with the JVM's
 * uptime at the first step.
 */
public final class StepTimes {
  private final StringBuilder csv = new StringBuilder();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private int epoch;
  private int step;
  private long wall;
  private long cpu;

  /** Starts an epoch's timings: the next {@link #stepDone} measures from now. */
  public void startEpoch(int epoch) {
    if (csv.isEmpty()) {
      csv.append("# JVM uptime at the first step: ").append(ManagementFactory.getRuntimeMXBean().getUptime()).append(" ms\n");
      csv.append("epoch,step,wall_ms,cpu_ms\n");
    }
    this.epoch = epoch;
    step = 0;
    wall = System.nanoTime();
    cpu = os.getProcessCpuTime();
  }

  /** Records the step that ends now. */
  public void stepDone() {
    long w = System.nanoTime(), c = os.getProcessCpuTime();
    csv.append(String.format(Locale.ROOT, "%d,%d,%.3f,%.3f%n", epoch, ++step, (w - wall) / 1e6, (c - cpu) / 1e6));
    wall = w;
    cpu = c;
  }

  public void write(Path file) throws IOException { Files.writeString(file, csv); }
}
