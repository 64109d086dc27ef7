package dev.tcompile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Torch;
import dev.tcompile.TracedGraph;
import dev.tcompile.ir.GraphFiles;
import dev.tcompile.nn.Linear;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tcompile inspect on a saved graph, and on files that are missing, malformed or incomplete. */
class InspectCommandTest {
  /** Linear(20, 8) frozen: weight (160 floats) in the safetensors file, bias (8) inline; x0 is [512, 20]
   * (a [512, 8] result: enough elements for a generated loop, see KernelLoader.MIN_ELEMENTS). */
  private static Path savedLinear(Path dir) {
    Torch.manualSeed(1);
    Linear fc = new Linear(20, 8);
    var g = TracedGraph.of(xs -> xs[0].matmul(fc.weight().t()).add(fc.bias()).relu().add(xs[0].sum()), Torch.randn(512, 20))
        .frozen(t -> t == fc.weight() ? "fc.weight" : t == fc.bias() ? "fc.bias" : null);
    Path tir = dir.resolve("linear.tir");
    GraphFiles.save(g, tir);
    return tir;
  }

  @Test void summarisesSignatureOpsConstantsAndPasses(@TempDir Path dir) {
    Path tir = savedLinear(dir);
    CliRun r = CliRun.of("inspect", tir.toString());
    assertEquals(0, r.code(), r.err());
    String out = r.out();
    assertTrue(out.startsWith(tir + ": graph @fn\nsignature (1 inputs, 1 outputs)\n  in   %x0: f32[512, 20]\n  out  %"), out);
    assertTrue(out.contains(": f32[512, 8]\nnodes: "), out);
    assertTrue(out.contains("\nconstants: 2, 168 elements, 672 B\n  %fc.weight          f32[8, 20], 640 B\n  %fc.bias            f32[8], 32 B\n"), out);
    assertTrue(out.matches("(?s).*\n  relu +1\n.*"), out);
    // the weight's transpose is folded into a constant at compile time: 5 nodes remain
    assertTrue(out.matches("(?s).*\npasses \\(the compiler's pipeline, \\d+ ms to compile\\): 8 nodes traced, inference 5 nodes after\n"
        + "  graph/fold: \\d+ us\n  graph/bnfold: \\d+ us\n  graph/simplify: \\d+ us\n.*  inference/fuse: \\d+ us\n.*"), out);
    // matmul, then bias add (the bias read per row), relu and the broadcast sum as one generated kernel
    assertTrue(out.contains("\nkernels: 3\n  inference 3 launched, 1 fused (1 generated as bytecode)\n"), out);
    assertTrue(out.matches("(?s).*\n    program class: \\d+ methods, largest \\d+ B of code\n.*"), out);
    // the product [512, 8] and the sum's few floats go to planned buffers (matmul and sum write into given buffers)
    assertTrue(out.matches("(?s).*\nplanned memory\n  inference peak live [\\d.]+ KiB, 2 reused buffer\\(s\\) of 16.0 KiB for 16.0 KiB of kernel intermediates\n"), out);
  }

  @Test void badInputIsAOneLineError(@TempDir Path dir) throws Exception {
    CliRun.of("inspect", dir.resolve("nope.tir").toString()).failsWith(2, "tcompile inspect: no such file: ");
    Path text = Files.writeString(dir.resolve("model.txt"), "hello");
    CliRun.of("inspect", text.toString()).failsWith(2, "tcompile inspect: expected a .tir graph or a compiled .jar, got ");

    Path bad = Files.writeString(dir.resolve("bad.tir"), "graph @g(%x: f32[2]) {\n  %y = frobnicate(%x) : f32[2]\n  return %y\n}\n");
    String err = CliRun.of("inspect", bad.toString()).failsWith(1, "tcompile inspect: 2:").err();
    assertTrue(err.contains("bad.tir") && err.contains("frobnicate"), err);

    Path tir = savedLinear(dir);
    Files.delete(dir.resolve("linear.safetensors"));
    CliRun.of("inspect", tir.toString()).failsWith(1, "tcompile inspect: ");
    CliRun.of("inspect", "--deep", tir.toString()).failsWith(2, "tcompile inspect: Unknown option: '--deep'");
    CliRun.of("inspect").failsWith(2, "tcompile inspect: Missing required parameter: 'MODEL'");
  }

  @Test void verboseShowsTheStackTrace(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.tir"), "graph @g( {");
    CliRun r = CliRun.of("inspect", "--verbose", bad.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("\tat dev.tcompile."), r.err());
    String last = r.err().strip().substring(r.err().strip().lastIndexOf('\n') + 1);
    assertTrue(last.startsWith("tcompile inspect: ") && last.contains("bad.tir"), r.err());
    CliRun before = CliRun.of("--verbose", "inspect", bad.toString());
    assertTrue(before.err().contains("\tat dev.tcompile."), "--verbose before the subcommand: " + before.err());
  }
}
