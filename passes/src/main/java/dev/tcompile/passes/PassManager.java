package dev.tcompile.passes;

import dev.tcompile.TorchException;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphPrinter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs a straight list of passes, skipping disabled ones, optionally writing the IR after each step to a dump
 * directory ({@code 00-traced.tir}, {@code 01-dce.tir}, ...) and recording how long each pass took.
 */
public final class PassManager {
  private final List<Pass> passes;
  private final Set<String> disabled;
  private final Path dumpDir;
  private final List<String> timings = new ArrayList<>();

  public PassManager(List<Pass> passes, Set<String> disabled, Path dumpDir) { this(passes, disabled, dumpDir, 0); }

  /** {@code firstDump} continues another manager's numbering in the same dump directory. */
  public PassManager(List<Pass> passes, Set<String> disabled, Path dumpDir, int firstDump) {
    this.passes = List.copyOf(passes);
    this.disabled = Set.copyOf(disabled);
    this.dumpDir = dumpDir;
    this.dumpCounter = firstDump;
  }

  /** How many dumps this manager has written (the next one's number). */
  public int dumpCount() { return dumpCounter; }

  public Graph run(Graph g, String stage) {
    for (Pass p : passes) {
      if (disabled.contains(p.name())) continue;
      long t0 = System.nanoTime();
      g = p.run(g);
      timings.add(stage + "/" + p.name() + ": " + (System.nanoTime() - t0) / 1000 + " us");
      dump(g, stage + "-" + p.name(), p.notes());
    }
    return g;
  }

  private int dumpCounter;

  /** Writes {@code g}'s text to the dump directory (no-op without one). */
  public void dump(Graph g, String label) { dump(g, label, List.of()); }

  /** Writes {@code g}'s text, then the pass's notes as {@code //} comments (the text still parses). */
  public void dump(Graph g, String label, List<String> notes) {
    if (dumpDir == null) return;
    StringBuilder text = new StringBuilder(GraphPrinter.print(g));
    for (String n : notes) text.append("// ").append(n.replace('\n', ' ')).append('\n');
    try {
      Files.createDirectories(dumpDir);
      Files.writeString(dumpDir.resolve(String.format("%02d-%s.tir", dumpCounter++, label)), text);
    } catch (IOException e) {
      throw new TorchException("cannot write IR dump to " + dumpDir + ": " + e.getMessage(), e);
    }
  }

  public List<String> timings() { return List.copyOf(timings); }
}
