package dev.tcompile.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.ir.FusedOp;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import dev.tcompile.ir.Node;
import org.junit.jupiter.api.Test;

/** The fusion pass as IR before and after, its refusals, and the fused text format's round trip. */
class FusionTest {
  private static String fuse(Fusion f, String before) {
    return GraphPrinter.print(new DeadCodeElimination().run(f.run(GraphParser.parse(before))));
  }

  @Test void aVerticalChainThroughBroadcastsAndScalarsWithItsSumBecomesOneKernel() {
    String before = """
        graph @g(%x: f32[4, 3], %b: f32[3]) {
          %0 = add(%x, %b) : f32[4, 3]
          %1 = constant 2.0 : f32[]
          %2 = mul(%0, %1) : f32[4, 3]
          %3 = tanh(%2) : f32[4, 3]
          %4 = sum(%3) : f32[]
          return %4
        }
        """;
    String after = """
        graph @g(%x: f32[4, 3], %b: f32[3]) {
          %4 = fused(%x, %b) graph @fused0(%x: f32[4, 3], %b: f32[3]) {
            %0 = add(%x, %b) : f32[4, 3]
            %1 = constant 2.0 : f32[]
            %2 = mul(%0, %1) : f32[4, 3]
            %3 = tanh(%2) : f32[4, 3]
            %4 = sum(%3) : f32[]
            return %4
          } : f32[]
          return %4
        }
        """;
    assertEquals(after, fuse(new Fusion(), before));
    assertEquals(after, GraphPrinter.print(GraphParser.parse(after)), "fused nodes print and parse back");
  }

  /**
   * A sum alone stays the runtime's reduction kernel when its reduced dims are one run; over N, H and W of an image
   * batch (a bias gradient) that kernel would copy the input first, so it becomes a kernel of its own.
   */
  @Test void aLoneSumBecomesAKernelOnlyWhenItsReducedDimsAreApart() {
    String apart = """
        graph @g(%x: f32[2, 3, 4, 5]) {
          %0 = sum(%x) {dims=[0, 2, 3], keepdim=false} : f32[3]
          return %0
        }
        """;
    String text = dev.tcompile.ir.GraphPrinter.print(new Fusion().run(dev.tcompile.ir.GraphParser.parse(apart)));
    assertTrue(text.contains("%0 = fused(%x)"), text);
    String together = apart.replace("dims=[0, 2, 3]", "dims=[2, 3]").replace("f32[3]", "f32[2, 3]");
    String kept = dev.tcompile.ir.GraphPrinter.print(new Fusion().run(dev.tcompile.ir.GraphParser.parse(together)));
    assertTrue(!kept.contains("fused("), kept);
  }

  @Test void siblingsReadingOneInputShareAKernelAndEveryEscapingValueIsAnOutput() {
    String before = """
        graph @g(%x: f32[8]) {
          %0 = exp(%x) : f32[8]
          %1 = sigmoid(%x) : f32[8]
          %2 = sum(%0) : f32[]
          %3 = sum(%1) : f32[]
          %4 = neg(%0) : f32[8]
          return %2, %3, %4
        }
        """;
    Graph g = new DeadCodeElimination().run(new Fusion().run(GraphParser.parse(before)));
    long kernels = g.nodes().stream().filter(n -> n.op() instanceof FusedOp).count();
    assertEquals(1, kernels, GraphPrinter.print(g));
    Node k = g.nodes().stream().filter(n -> n.op() instanceof FusedOp).findFirst().orElseThrow();
    assertEquals(3, k.outputs().size(), "exp, sigmoid and neg all leave the kernel");
  }

  @Test void aMergeThatWouldMakeACycleIsRefusedWithItsReason() {
    // %2 needs the softmax of %0, so %0 and %2 cannot be one kernel that runs before or after it
    String before = """
        graph @g(%x: f32[8]) {
          %0 = exp(%x) : f32[8]
          %1 = softmax(%0) {dim=0} : f32[8]
          %2 = mul(%0, %1) : f32[8]
          return %2
        }
        """;
    Fusion f = new Fusion();
    Graph g = new DeadCodeElimination().run(f.run(GraphParser.parse(before)));
    assertEquals(2, g.nodes().stream().filter(n -> n.op() instanceof FusedOp).count(), GraphPrinter.print(g));
    assertTrue(f.notes().stream().anyMatch(s -> s.contains("cycle through %1 (softmax)")), f.notes().toString());
  }

  @Test void differentIterationSpacesStayApartWithTheReasonNoted() {
    String before = """
        graph @g(%x: f32[4, 3]) {
          %0 = exp(%x) : f32[4, 3]
          %1 = sum(%0) {dims=[1], keepdim=false} : f32[4]
          %2 = expand(%1) {shape=[2, 4]} : f32[2, 4]
          %3 = relu(%2) : f32[2, 4]
          return %3, %0
        }
        """;
    Fusion f = new Fusion();
    String out = fuse(f, before);
    assertTrue(out.contains("sum(%0)"), out);
    assertEquals(2, GraphParser.parse(out).nodes().stream().filter(n -> n.op() instanceof FusedOp).count(), out);
  }

  @Test void viewsAloneAreNotKernels() {
    String before = """
        graph @g(%x: f32[3]) {
          %0 = expand(%x) {shape=[2, 3]} : f32[2, 3]
          %1 = softmax(%0) {dim=1} : f32[2, 3]
          return %1
        }
        """;
    assertEquals(GraphPrinter.print(GraphParser.parse(before)), fuse(new Fusion(), before));
  }

  @Test void malformedFusedBodiesAreParseErrorsWithAPosition() {
    String notPointwise = """
        graph @g(%x: f32[4]) {
          %1 = fused(%x) graph @f(%x: f32[4]) {
            %0 = softmax(%x) {dim=0} : f32[4]
            return %0
          } : f32[4]
          return %1
        }
        """;
    var e = org.junit.jupiter.api.Assertions.assertThrows(dev.tcompile.ir.IrParseException.class, () -> GraphParser.parse(notPointwise));
    assertTrue(e.getMessage().startsWith("2:18:") && e.getMessage().contains("softmax in @f is not pointwise"), e.getMessage());
  }

  @Test void sumsJoinTheKernelThatComputesTheirInputAsEpilogues() {
    String before = """
        graph @g(%x: f32[64, 10], %b: f32[10]) {
          %0 = add(%x, %b) : f32[64, 10]
          %1 = relu(%0) : f32[64, 10]
          %2 = sum(%1) {dims=[0], keepdim=false} : f32[10]
          %3 = sum(%1) : f32[]
          %4 = mul(%1, %3) : f32[64, 10]
          return %2, %4
        }
        """;
    Fusion f = new Fusion();
    Graph g = new DeadCodeElimination().run(f.run(GraphParser.parse(before)));
    String text = GraphPrinter.print(g);
    Node first = g.nodes().get(0);
    assertTrue(first.op() instanceof FusedOp, text);
    assertEquals(3, first.outputs().size(), "relu, and both sums, leave the first kernel:\n" + text);
    assertTrue(f.notes().stream().anyMatch(s -> s.contains("%4 (mul)") && s.contains("%3")), f.notes().toString());
    assertEquals(text, GraphPrinter.print(GraphParser.parse(text)), "round trip");
  }

  /**
   * Found by the differential fuzzer: merging the [1, 1] kernels of %4/%7 and %9 (siblings reading %g) would close
   * a cycle through the [1] kernel as a whole: it feeds %9 (through %5) and reads %7's sum (through %8), though
   * none of its single nodes lies on a path between them. Kernels count as units in the cycle check.
   */
  @Test void aCycleThroughAnotherKernelAsAWholeIsRefused() {
    String before = """
        graph @g(%x1: f32[1, 1], %x0: f32[1], %g: f32[1, 1]) {
          %2 = constant 0.0 : f32[]
          %0 = sub(%x0, %x0) : f32[1]
          %1 = abs(%0) : f32[1]
          %3 = gt(%1, %2) : bool[1]
          %5 = where(%3, %1, %2) : f32[1]
          %4 = mul(%g, %x1) : f32[1, 1]
          %7 = sum(%4) {dims=[0], keepdim=true} : f32[1, 1]
          %8 = reshape(%7) {shape=[1]} : f32[1]
          %9 = mul(%g, %5) : f32[1, 1]
          %11 = where(%3, %8, %2) : f32[1]
          %12 = sign(%0) : f32[1]
          %13 = mul(%11, %12) : f32[1]
          return %13, %9
        }
        """;
    Graph g = new DeadCodeElimination().run(new Fusion().run(GraphParser.parse(before)));
    String text = GraphPrinter.print(g);
    assertEquals(text, GraphPrinter.print(GraphParser.parse(text)), "a well-ordered graph that parses back");
  }

  /**
   * Found by the differential fuzzer: %8 comes before %12 in the node order, yet once %7 and %17 share a kernel it
   * depends on %12 through that kernel; merging {%12} with {%13, %14} must be refused whatever order the merges
   * are tried in.
   */
  @Test void aNodeEarlierInTheOrderCanStillDependOnAKernelThroughAnother() {
    String before = """
        graph @g(%2: bool[], %x1: i64[1], %0: f32[1, 1], %grad_5: f32[1, 1]) {
          %6 = neg(%grad_5) : f32[1, 1]
          %7 = sum(%6) {dims=[0, 1], keepdim=true} : f32[1, 1]
          %8 = reshape(%7) {shape=[]} : f32[]
          %9 = sum(%grad_5) {dims=[0, 1], keepdim=true} : f32[1, 1]
          %10 = reshape(%9) {shape=[]} : f32[]
          %11 = constant 0.0 : f32[]
          %12 = where(%2, %10, %11) : f32[]
          %13 = where(%2, %11, %10) : f32[]
          %14 = add(%8, %13) : f32[]
          %15 = nll_loss_backward(%12, %x1) {reduction="mean", ignore_index=-100L, input_shape=[1, 1]} : f32[1, 1]
          %16 = log_softmax_backward(%15, %0) {dim=1} : f32[1, 1]
          %17 = add(%grad_5, %16) : f32[1, 1]
          return %17, %14
        }
        """;
    String text = GraphPrinter.print(new DeadCodeElimination().run(new Fusion().run(GraphParser.parse(before))));
    assertEquals(text, GraphPrinter.print(GraphParser.parse(text)), "a well-ordered graph that parses back");
  }
}
