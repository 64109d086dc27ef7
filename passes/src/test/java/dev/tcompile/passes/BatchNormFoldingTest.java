package dev.tcompile.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import dev.tcompile.ir.Node;
import dev.tcompile.runtime.NDArray;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An eval-mode batch norm with constant statistics folds into the conv2d / addmm feeding it, with the weights
 * PyTorch 1.13's {@code fuse_conv_bn_eval} / {@code fuse_linear_bn_eval} compute (goldens from
 * {@code resources/batchnorm/fuse_goldens.py}); anything else stays as it was, with a note.
 */
class BatchNormFoldingTest {
  private static final String STATS = """
          %g = constant [1.5, 0.8] : f32[2]
          %be = constant [0.3, -0.4] : f32[2]
          %rm = constant [0.2, -0.6] : f32[2]
          %rv = constant [0.9, 2.5] : f32[2]
      """;

  private static final String CONV = """
      graph @g(%x: f32[1, 1, 3, 3]) {
        %w = constant [0.5, -1.0, 2.0, 0.25, 1.5, 0.75, -0.5, 3.0] : f32[2, 1, 2, 2]
        %b = constant [0.1, -0.2] : f32[2]
      """ + STATS + """
        %0 = conv2d(%x, %w, %b) {stride=[1, 1], padding=[0, 0], dilation=[1, 1], groups=1} : f32[1, 2, 2, 2]
        %1, %2, %3 = native_batch_norm(%0, %g, %be, %rm, %rv) {training=false, momentum=0.1, eps=1.0E-5, affine=true, running_stats=true} : f32[1, 2, 2, 2], f32[0], f32[0]
        %4 = relu(%1) : f32[1, 2, 2, 2]
        return %4
      }
      """;

  private static Node constant(Graph g, String name) {
    return g.nodes().stream().filter(n -> n.isConstant() && n.output().name().equals(name)).findFirst().orElseThrow();
  }

  @Test void convolutionTakesTheNormsScaleAndShift() {
    BatchNormFolding pass = new BatchNormFolding();
    Graph folded = new DeadCodeElimination().run(pass.run(GraphParser.parse(CONV)));
    assertEquals("""
        graph @g(%x: f32[1, 1, 3, 3]) {
          %1.folded_weight = constant [0.790565, -1.58113, 3.16226, 0.3952825, 0.75894517, 0.37947258, -0.25298172, 1.5178903] : f32[2, 1, 2, 2]
          %1.folded_bias = constant [0.14188701, -0.19761463] : f32[2]
          %1 = conv2d(%x, %1.folded_weight, %1.folded_bias) {stride=[1, 1], padding=[0, 0], dilation=[1, 1], groups=1} : f32[1, 2, 2, 2]
          %4 = relu(%1) : f32[1, 2, 2, 2]
          return %4
        }
        """, GraphPrinter.print(folded));
    // PyTorch 1.13 fuse_conv_bn_eval on the same module
    assertArrayEquals(new float[]{0.790565013885498f, -1.581130027770996f, 3.162260055541992f, 0.395282506942749f,
        0.7589451670646667f, 0.3794725835323334f, -0.2529817223548889f, 1.5178903341293335f},
        constant(folded, "1.folded_weight").payload().toFloatArray());
    assertArrayEquals(new float[]{0.14188700914382935f, -0.1976146250963211f}, constant(folded, "1.folded_bias").payload().toFloatArray());
    assertEquals(1, pass.notes().size());
    assertTrue(pass.notes().get(0).contains("folded into conv2d %0"), pass.notes().toString());
  }

  @Test void aConvolutionWithoutBiasGetsOne() {
    String noBias = CONV.replace("conv2d(%x, %w, %b)", "conv2d(%x, %w)");
    Graph folded = new BatchNormFolding().run(GraphParser.parse(noBias));
    Node conv = folded.nodes().stream().filter(n -> n.op().name().equals("conv2d")).findFirst().orElseThrow();
    assertEquals(3, conv.inputs().size());
    // (0 - mean) * rsqrt(var + eps) * gamma + beta
    float[] bias = conv.inputs().get(2).producer().payload().toFloatArray();
    assertEquals((float) ((0f - 0.2f) * (float) (1 / Math.sqrt(0.9f + 1e-5f)) * 1.5f + 0.3f), bias[0]);
  }

  @Test void linearTakesTheNormsScaleAndShift() {
    Graph g = GraphParser.parse("""
        graph @g(%x: f32[4, 3]) {
          %wt = constant [0.5, 0.25, -1.0, 1.5, 2.0, 0.75] : f32[3, 2]
          %b = constant [0.1, -0.2] : f32[2]
        """ + STATS + """
          %0 = addmm(%b, %x, %wt) : f32[4, 2]
          %1, %2, %3 = native_batch_norm(%0, %g, %be, %rm, %rv) {training=false, momentum=0.1, eps=1.0E-5, affine=true, running_stats=true} : f32[4, 2], f32[0], f32[0]
          return %1
        }
        """);
    Graph folded = new DeadCodeElimination().run(new BatchNormFolding().run(g));
    Node addmm = folded.nodes().get(folded.nodes().size() - 1);
    assertEquals("addmm", addmm.op().name());
    // PyTorch 1.13 fuse_linear_bn_eval: the fused weight, transposed as the frozen graph holds it, and bias
    assertArrayEquals(new float[]{0.790565013885498f, 0.12649086117744446f, -1.581130027770996f, 0.7589451670646667f,
        3.162260055541992f, 0.3794725835323334f}, addmm.inputs().get(2).producer().payload().toFloatArray());
    assertArrayEquals(new float[]{0.14188700914382935f, -0.1976146101951599f}, addmm.inputs().get(0).producer().payload().toFloatArray());
    assertSame(folded.inputs().get(0), addmm.inputs().get(1));
  }

  /** Runs a graph node by node with each op's kernel (the interpreter's semantics). */
  static NDArray[] evaluate(Graph g, NDArray... inputs) {
    java.util.Map<dev.tcompile.ir.Value, NDArray> env = new java.util.IdentityHashMap<>();
    for (int i = 0; i < inputs.length; i++) env.put(g.inputs().get(i), inputs[i]);
    for (Node n : g.nodes()) {
      if (n.isConstant()) { env.put(n.output(), n.payload()); continue; }
      NDArray[] out = n.op().eval(n.attrs(), n.inputs().stream().map(env::get).toArray(NDArray[]::new));
      for (int o = 0; o < out.length; o++) env.put(n.outputs().get(o), out[o]);
    }
    return g.outputs().stream().map(env::get).toArray(NDArray[]::new);
  }

  private static NDArray input(int... shape) {
    java.util.Random r = new java.util.Random(7);
    int n = 1;
    for (int s : shape) n *= s;
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
    return NDArray.wrap(a, shape);
  }

  private static void assertSameBits(NDArray want, NDArray got) {
    assertArrayEquals(want.shape(), got.shape());
    float[] a = want.toFloatArray(), b = got.toFloatArray();
    for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "element " + i);
  }

  @Test void aConvOutputWithOtherReadersKeepsItsConvAndTheNormBecomesAMultiplyAdd() {
    String shared = CONV.replace("return %4", "%5 = add(%4, %0) : f32[1, 2, 2, 2]\n  return %5");
    BatchNormFolding pass = new BatchNormFolding();
    Graph g = GraphParser.parse(shared), out = pass.run(g);
    assertEquals(List.of("%1 (batch_norm) stays apart from %0 (conv2d): its output is read elsewhere",
        "%1 = native_batch_norm(%0) became a per-channel multiply-add"), pass.notes());
    String text = GraphPrinter.print(new DeadCodeElimination().run(out));
    assertTrue(text.contains("""
          %1.bn_scale = constant [1.58113, 0.50596344] : f32[2, 1, 1]
          %1.scaled = mul(%0, %1.bn_scale) : f32[1, 2, 2, 2]
          %1.bn_shift = constant [-0.016225994, -0.09642193] : f32[2, 1, 1]
          %1 = add(%1.scaled, %1.bn_shift) : f32[1, 2, 2, 2]
        """) && !text.contains("native_batch_norm"), text);
    NDArray x = input(1, 1, 3, 3);
    assertSameBits(evaluate(g, x)[0], evaluate(out, x)[0]);   // the eval kernel's own multiply-add
  }

  @Test void aNormAfterAnythingElseBecomesTheKernelsMultiplyAdd() {
    Graph g = GraphParser.parse("""
        graph @g(%x: f32[3, 2, 5]) {
        """ + STATS + """
          %0 = relu(%x) : f32[3, 2, 5]
          %1, %2, %3 = native_batch_norm(%0, %g, %be, %rm, %rv) {training=false, momentum=0.1, eps=1.0E-5, affine=true, running_stats=true} : f32[3, 2, 5], f32[0], f32[0]
          return %1
        }
        """);
    Graph out = new BatchNormFolding().run(g);
    assertTrue(!GraphPrinter.print(out).contains("native_batch_norm"), GraphPrinter.print(out));
    NDArray x = input(3, 2, 5);
    assertSameBits(evaluate(g, x)[0], evaluate(out, x)[0]);
  }

  @Test void statisticsThatAreInputsLeaveTheNormAlone() {
    String statsAsInputs = CONV.replace("graph @g(%x: f32[1, 1, 3, 3]) {", "graph @g(%x: f32[1, 1, 3, 3], %rv: f32[2]) {")
        .replaceAll("(?m)^ *%rv = constant.*\n", "");
    BatchNormFolding pass = new BatchNormFolding();
    Graph h = GraphParser.parse(statsAsInputs);
    assertSame(h, pass.run(h));
    assertEquals(List.of("%1 (batch_norm) stays: its running_var %rv is not a constant"), pass.notes());
  }

  @Test void trainingModeNormsAreLeftAlone() {
    String training = CONV.replace("training=false", "training=true").replace("f32[1, 2, 2, 2], f32[0], f32[0]", "f32[1, 2, 2, 2], f32[2], f32[2], f32[2], f32[2]")
        .replace("%1, %2, %3 = native", "%1, %2, %3, %5, %6 = native");
    BatchNormFolding pass = new BatchNormFolding();
    Graph g = GraphParser.parse(training);
    assertSame(g, pass.run(g));
    assertTrue(pass.notes().isEmpty());
  }

  @Test void frozenInputsBecomeFoldable() {
    String withInputs = """
        graph @g(%x: f32[1, 1, 3, 3], %w: f32[2, 1, 2, 2], %rm: f32[2], %rv: f32[2]) {
          %0 = conv2d(%x, %w) {stride=[1, 1], padding=[0, 0], dilation=[1, 1], groups=1} : f32[1, 2, 2, 2]
          %1, %2, %3 = native_batch_norm(%0, %rm, %rv) {training=false, momentum=0.1, eps=1.0E-5, affine=false, running_stats=true} : f32[1, 2, 2, 2], f32[0], f32[0]
          return %1
        }
        """;
    Graph g = GraphParser.parse(withInputs);
    Graph frozen = InputsAsConstants.apply(g, new NDArray[]{null, NDArray.wrap(new float[]{1, 2, 3, 4, 5, 6, 7, 8}, 2, 1, 2, 2),
        NDArray.wrap(new float[]{0.5f, -1}, 2), NDArray.wrap(new float[]{4, 0.25f}, 2)});
    Graph folded = new DeadCodeElimination().run(new BatchNormFolding().run(frozen));
    assertEquals(3, folded.nodes().size(), GraphPrinter.print(folded));   // weight, bias, conv
    float r0 = (float) (1 / Math.sqrt(4f + 1e-5f)), r1 = (float) (1 / Math.sqrt(0.25f + 1e-5f));
    assertArrayEquals(new float[]{r0, 2 * r0, 3 * r0, 4 * r0, 5 * r1, 6 * r1, 7 * r1, 8 * r1}, constant(folded, "1.folded_weight").payload().toFloatArray());
    assertArrayEquals(new float[]{-0.5f * r0, 1 * r1}, constant(folded, "1.folded_bias").payload().toFloatArray());
  }
}
