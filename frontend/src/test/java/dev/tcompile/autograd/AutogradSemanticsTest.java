package dev.tcompile.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.Autograd;
import dev.tcompile.GradFn;
import dev.tcompile.GradGuard;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Autograd's observable behaviour against PyTorch 1.13 (goldens/autograd_semantics.json, written by
 * tools/goldens/autograd_semantics.py from the same programs) or against exactly known values.
 */
class AutogradSemanticsTest {
  private static final JsonObject GOLDEN = load();

  private static JsonObject load() {
    try (InputStream in = AutogradSemanticsTest.class.getResourceAsStream("/goldens/autograd_semantics.json")) {
      return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertPrints(String golden, Object actual) {
    assertEquals(GOLDEN.get(golden).getAsString(), String.valueOf(actual), golden);
  }

  /** Python's str(): None for null. */
  private static String py(Object o) { return o == null ? "None" : o.toString(); }

  private static Tensor leaf(float... v) { return Torch.tensor(v).requiresGrad_(true); }

  @Test
  void gradientsAccumulateAcrossBackwardCalls() {
    Tensor x = leaf(1, 2, 3);
    x.mul(x).sum().backward();
    assertPrints("accumulate.first", x.grad());
    Tensor first = x.grad();
    x.mul(x).sum().backward();
    assertPrints("accumulate.second", x.grad());
    assertSame(first, x.grad(), "the second gradient is added into the same tensor, in place");
  }

  @Test
  void retainGradKeepsANonLeafGradient() {
    Tensor x = leaf(1, 2, 3);
    Tensor y = x.mul(2L);
    y.retainGrad();
    assertTrue(y.retainsGrad());
    y.mul(y).sum().backward();
    assertPrints("retain_grad.y", y.grad());
    assertPrints("retain_grad.x", x.grad());
    Tensor other = x.mul(3L);
    other.sum().backward();
    assertNull(other.grad(), "without retainGrad a non-leaf keeps no gradient");
    x.retainGrad(); // a no-op on leaves
    assertFalse(x.retainsGrad());
  }

  @Test
  void backwardWithAGradientComputesAVectorJacobianProduct() {
    Tensor x = leaf(1, 2, 3);
    x.mul(x).backward(Torch.tensor(0.1f, 1f, 10f));
    assertPrints("vjp.x", x.grad());
    Tensor m = Torch.tensor(new float[][]{{1, 2}, {3, 4}}).requiresGrad_(true);
    m.matmul(Torch.tensor(0.5f, -1f)).backward(Torch.tensor(2f, -3f));
    assertPrints("vjp.matrix", m.grad());
  }

  @Test
  void retainGraphAllowsASecondBackward() {
    Tensor x = leaf(1, 2, 3);
    Tensor z = x.mul(x.exp()).sum();
    z.backward(null, true, false);
    assertPrints("retain_graph.first", x.grad());
    z.backward();
    assertPrints("retain_graph.second", x.grad());
    assertThrows(TorchException.class, z::backward, "the last backward freed the graph");
  }

  @Test
  void autogradGradWithAndWithoutCreateGraphAndAllowUnused() {
    Tensor x = leaf(1, 2, 3), w = leaf(4, 5, 6);
    Tensor g = Autograd.grad(new Tensor[]{x.pow(3L).sum()}, new Tensor[]{x}, null, true, true)[0];
    assertPrints("grad.first", g);
    assertTrue(g.requiresGrad());
    Tensor gg = Autograd.grad(new Tensor[]{g.sum()}, new Tensor[]{x}, null, false, false)[0];
    assertPrints("grad.second", gg);
    assertPrints("grad.leaves_untouched", "(" + py(x.grad()) + ", " + py(w.grad()) + ")");
    Tensor[] unused = Autograd.grad(new Tensor[]{x.mul(2L).sum()}, new Tensor[]{x, w}, null, false, false, true);
    assertPrints("grad.allow_unused", py(unused[0]) + " " + py(unused[1]));
    Tensor plain = Autograd.grad(new Tensor[]{x.mul(w).sum()}, new Tensor[]{x}, null, false, false)[0];
    assertPrints("grad.without_create_graph", plain);
    assertFalse(plain.requiresGrad(), "without createGraph the gradient has no history");
    assertNull(plain.gradFn());
  }

  @Test
  void createGraphWithoutRetainGraphFreesTheFirstGraphAsPyTorchDoes() {
    // the derivative of x**3 only reads the leaf, so its gradient graph stands alone
    Tensor x = leaf(1, 2, 3);
    Tensor g = Autograd.grad(new Tensor[]{x.pow(3.0)}, new Tensor[]{x}, new Tensor[]{Torch.ones(3)}, false, true)[0];
    assertEquals("tensor([ 6., 12., 18.])", Autograd.grad(new Tensor[]{g}, new Tensor[]{x}, new Tensor[]{Torch.ones(3)}, false, false)[0].toString());
    // tanh's derivative reads tanh's output, whose node was freed: PyTorch fails the same way
    Tensor t = Autograd.grad(new Tensor[]{x.tanh()}, new Tensor[]{x}, new Tensor[]{Torch.ones(3)}, false, true)[0];
    TorchException e = assertThrows(TorchException.class,
        () -> Autograd.grad(new Tensor[]{t}, new Tensor[]{x}, new Tensor[]{Torch.ones(3)}, false, false));
    assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"));
  }

  @Test
  void noGradAndEnableGradNest() {
    Tensor x = leaf(1, 2);
    assertTrue(Torch.isGradEnabled());
    try (GradGuard outer = Torch.noGrad()) {
      assertFalse(Torch.isGradEnabled());
      Tensor y = x.mul(2L);
      assertFalse(y.requiresGrad());
      assertNull(y.gradFn());
      assertTrue(y.isLeaf());
      try (GradGuard inner = Torch.enableGrad()) {
        assertTrue(Torch.isGradEnabled());
        assertEquals("MulBackward0", x.mul(2L).gradFn().name());
        try (GradGuard innermost = Torch.noGrad()) {
          assertFalse(x.mul(2L).requiresGrad());
        }
        assertTrue(Torch.isGradEnabled());
      }
      assertFalse(Torch.isGradEnabled());
    }
    assertTrue(Torch.isGradEnabled());
    assertTrue(x.mul(2L).requiresGrad());
  }

  @Test
  void gradModeIsPerThread() throws Exception {
    Tensor x = leaf(1, 2);
    CountDownLatch guardOpen = new CountDownLatch(1), otherDone = new CountDownLatch(1);
    AtomicReference<Object[]> seenByOther = new AtomicReference<>();
    Thread other = new Thread(() -> {
      try {
        guardOpen.await();
        seenByOther.set(new Object[]{Torch.isGradEnabled(), x.mul(2L).requiresGrad()});
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        otherDone.countDown();
      }
    });
    other.start();
    try (GradGuard g = Torch.noGrad()) {
      guardOpen.countDown();
      otherDone.await();
      assertFalse(Torch.isGradEnabled());
      assertFalse(x.mul(2L).requiresGrad());
    }
    other.join();
    assertArrayEquals(new Object[]{true, true}, seenByOther.get(), "a guard on one thread does not affect another");

    // and the other way round: a guard opened on another thread leaves this one recording
    Thread guarded = new Thread(() -> {
      try (GradGuard g = Torch.noGrad()) {
        guardOpen.countDown();
      }
    });
    guarded.start();
    guarded.join();
    assertTrue(Torch.isGradEnabled());
  }

  @Test
  void detachSharesStorageAndVersionCounter() {
    Tensor x = leaf(1, 2, 3), w = leaf(4, 5, 6);
    Tensor y = x.mul(w).sum();
    Tensor d = x.detach();
    assertFalse(d.requiresGrad());
    assertTrue(d.isLeaf());
    assertNull(d.gradFn());
    d.mul_(10L);
    assertEquals("tensor([10., 20., 30.], requires_grad=True)", x.toString(), "the detached alias writes x's storage");
    TorchException e = assertThrows(TorchException.class, y::backward);
    assertEquals("one of the variables needed for gradient computation has been modified by an inplace operation: "
        + "[torch.FloatTensor [3]] is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the "
        + "operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).", e.getMessage());
  }

  @Test
  void dataSharesStorageButNotTheVersionCounter() {
    Tensor x = leaf(1, 2, 3), w = leaf(4, 5, 6);
    Tensor y = x.mul(w).sum();
    Tensor data = x.data();
    assertFalse(data.requiresGrad());
    data.mul_(10L);
    y.backward(); // no version error: .data hides the write from autograd, which then reads the new values
    assertPrints("data.grad_w", w.grad());
    assertPrints("data.x", x);
  }

  @Test
  void requiresGradUnderscoreSetsTheFlagAndChains() {
    Tensor a = Torch.tensor(3f, 4f);
    assertFalse(a.requiresGrad());
    assertSame(a, a.requiresGrad_(true));
    assertTrue(a.requiresGrad());
    assertTrue(a.isLeaf());
    assertEquals("tensor([3., 4.], requires_grad=True)", a.toString());
    a.requiresGrad_(false);
    assertEquals("tensor([3., 4.])", a.toString());
    Tensor nonLeaf = Torch.tensor(1f).requiresGrad_(true).mul(2L);
    assertSame(nonLeaf, nonLeaf.requiresGrad_(true), "requires_grad_(True) on a non-leaf is allowed (it already requires grad)");
  }

  @Test
  void nextFunctionsFollowTheGraph() {
    Tensor x = leaf(1, 2), y = leaf(3, 4);
    GradFn sum = x.mul(y).sum().gradFn();
    assertEquals("SumBackward0", sum.name());
    assertEquals("<SumBackward0 object>", sum.toString());
    List<GradFn> mul = sum.nextFunctions();
    assertEquals(1, mul.size());
    assertEquals("MulBackward0", mul.get(0).name());
    List<GradFn> leaves = mul.get(0).nextFunctions();
    assertEquals(List.of("AccumulateGrad", "AccumulateGrad"), leaves.stream().map(GradFn::name).toList());
    assertEquals(List.of(), leaves.get(0).nextFunctions());
    assertTrue(leaves.get(0) != leaves.get(1), "one accumulator per leaf");
    assertSame(leaves.get(0), x.mul(3L).gradFn().nextFunctions().get(0), "a leaf keeps its accumulator");

    Tensor constant = Torch.tensor(3f, 4f);
    List<GradFn> half = x.mul(constant).sum().gradFn().nextFunctions().get(0).nextFunctions();
    assertEquals("AccumulateGrad", half.get(0).name());
    assertNull(half.get(1), "an input that needs no gradient has no edge (PyTorch's None)");
  }

  @Test
  void isLeaf() {
    Tensor x = leaf(1, 2);
    assertTrue(x.isLeaf());
    assertFalse(x.mul(2L).isLeaf());
    assertTrue(Torch.tensor(1f, 2f).mul(2L).isLeaf(), "results of ops on tensors that need no grad are leaves");
    assertTrue(x.mul(2L).detach().isLeaf());
    try (GradGuard g = Torch.noGrad()) {
      assertTrue(x.mul(2L).isLeaf());
    }
  }

  @Test
  void fanOutSumsTheGradientsOfEveryUse() {
    Tensor x = leaf(0.5f, -1f, 2f);
    x.mul(x).add(x.sin()).add(x).sum().backward();
    assertPrints("fan_out", x.grad());
    float[] g = x.grad().toFloatArray(), v = {0.5f, -1f, 2f};
    for (int i = 0; i < 3; i++) assertEquals(2 * v[i] + Math.cos(v[i]) + 1, g[i], 1e-6);
  }

  @Test
  void diamondGraphs() {
    Tensor x = leaf(0.5f, -1f, 2f);
    Tensor a = x.mul(2L);
    a.exp().mul(a.sin()).sum().backward();
    assertPrints("diamond", x.grad());
  }

  @Test
  void tenThousandOpChainsBackpropagateOnASmallStack() throws Exception {
    // a 256 KiB thread stack overflows long before 10,000 frames of a recursive engine
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Tensor[]> result = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        Tensor x = leaf(1, 2);
        Tensor y = x;
        for (int i = 0; i < 10_000; i++) y = y.mul(1.0001);
        y.sum().backward();
        result.set(new Tensor[]{y.detach(), x.grad()});
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "small-stack", 256 * 1024);
    t.start();
    t.join();
    if (failure.get() != null) throw new AssertionError("backward through a deep chain failed", failure.get());
    assertPrints("deep_chain.value", result.get()[0]);
    assertPrints("deep_chain.grad", result.get()[1]);
    JsonArray bits = GOLDEN.getAsJsonArray("deep_chain.grad_bits");
    float[] g = result.get()[1].toFloatArray();
    for (int i = 0; i < g.length; i++)
      assertEquals(bits.get(i).getAsInt(), Float.floatToRawIntBits(g[i]), "10,000 float32 products round as PyTorch's");
  }

  @Test
  void maxAlongADimHasTwoOutputs() {
    Tensor x = Torch.tensor(new float[][]{{1, 5, 2}, {7, 3, 7}}).requiresGrad_(true);
    Tensor.ValuesIndices r = x.max(1);
    assertPrints("max_dim.values", r.values());
    assertPrints("max_dim.indices", r.indices());
    assertFalse(r.indices().requiresGrad(), "int64 indices never require grad");
    assertSame(r.values().gradFn(), r.values().gradFn());
    r.values().mul(Torch.tensor(10f, 100f)).sum().backward();
    assertPrints("max_dim.grad", x.grad());
  }

  @Test
  void randomInPlaceFillsCutTheGradient() {
    Tensor x = leaf(1, 1, 1);
    Tensor u = x.mul(2L).uniform_(-1, 1);
    assertEquals("UniformBackward0", u.gradFn().name());
    for (float v : u.toFloatArray()) assertTrue(v >= -1 && v < 1);
    u.sum().backward();
    assertEquals("tensor([0., 0., 0.])", x.grad().toString());
    x.setGrad(null);
    Tensor n = x.mul(2L).normal_(0, 1);
    assertEquals("NormalBackward0", n.gradFn().name());
    n.sum().backward();
    assertEquals("tensor([0., 0., 0.])", x.grad().toString());
    Tensor z = Torch.zeros(2, 3);
    assertSame(z, z.uniform_(-1, 1), "in place: returns the tensor itself");
  }

  @Test
  void rootsThatAreInputsOrLeaves() {
    Tensor x = leaf(1, 2);
    Tensor[] self = Autograd.grad(new Tensor[]{x}, new Tensor[]{x}, new Tensor[]{Torch.ones(2)}, false, false);
    assertEquals("tensor([1., 1.])", self[0].toString(), "d x / d x");
    x.backward(Torch.tensor(3f, 4f));
    assertEquals("tensor([3., 4.])", x.grad().toString(), "backward from a leaf accumulates into it");
    Tensor y = x.mul(2L);
    assertEquals("tensor([5., 6.])", Autograd.grad(new Tensor[]{y}, new Tensor[]{y}, new Tensor[]{Torch.tensor(5f, 6f)}, true, false)[0].toString());
    Tensor z = y.mul(3L);
    Tensor[] both = Autograd.grad(new Tensor[]{z}, new Tensor[]{y, x}, new Tensor[]{Torch.ones(2)}, false, false);
    assertEquals("tensor([3., 3.]) tensor([6., 6.])", both[0] + " " + both[1], "an intermediate and a leaf behind it");
  }

  @Test
  void aGradientThatRequiresGradLeavesNoHistoryWithoutCreateGraph() {
    Tensor x = leaf(1, 2);
    x.mul(2L).backward(Torch.ones(2).requiresGrad_(true));
    assertEquals("tensor([2., 2.])", x.grad().toString());
    assertFalse(x.grad().requiresGrad());
  }

  /** A node and its next functions' names, as the golden script prints them. */
  private static String names(GradFn fn) {
    return fn.name() + " " + fn.nextFunctions().stream().map(f -> f == null ? "None" : "'" + f.name() + "'").toList();
  }

  @Test
  void aViewFollowsItsBaseAfterAnInPlaceWriteToTheBase() {
    Tensor x = leaf(1, 2, 3);
    Tensor b = x.mul(1L);
    Tensor v = b.narrow(0, 0, 2);
    b.mul_(2L);
    assertPrints("base_in_place.view", v);
    assertPrints("base_in_place.view_node", names(v.gradFn()));
    v.sum().backward();
    assertPrints("base_in_place.grad", x.grad());
  }

  @Test
  void anInPlaceWriteToAViewRewritesItsBasesHistory() {
    Tensor x = leaf(1, 2, 3);
    Tensor b = x.mul(1L);
    Tensor v = b.narrow(0, 0, 2);
    v.mul_(3L);
    assertPrints("view_in_place.base", b);
    assertPrints("view_in_place.base_node", names(b.gradFn()));
    assertPrints("view_in_place.view_node", names(v.gradFn()));
    b.mul(Torch.tensor(1f, 10f, 100f)).sum().backward();
    assertPrints("view_in_place.grad", x.grad());
  }

  @Test
  void inPlaceOnViewsWithOperandsThatRequireGrad() {
    Tensor x = leaf(1, 2, 3), w = Torch.scalar(5).requiresGrad_(true);
    Tensor b = x.mul(1L);
    b.select(0, 1).add_(w);
    assertPrints("view_add_other.base", b);
    b.mul(Torch.tensor(1f, 10f, 100f)).sum().backward();
    assertPrints("view_add_other.grads", x.grad() + " " + w.grad());

    Tensor w2 = Torch.scalar(2).requiresGrad_(true);
    Tensor c = Torch.zeros(3);
    c.slice(0, 1, 3, 1).add_(w2.mul(1L));
    assertPrints("view_of_constant.base", c);
    c.sum().backward();
    assertPrints("view_of_constant.grad", w2.grad());

    Tensor x6 = leaf(1, 2, 3, 4, 5, 6), w3 = leaf(2, 3);
    Tensor m = x6.mul(1L).view(2, 3);
    m.select(0, 1).narrow(0, 1, 2).mul_(w3);
    assertPrints("view_of_view.base", m);
    m.mul(Torch.arange(1.0, 7.0, 1.0).view(2, 3)).sum().backward();
    assertPrints("view_of_view.grads", x6.grad() + " " + w3.grad());

    Tensor x3 = leaf(1, 2, 3), w4 = leaf(7, 8);
    Tensor d = x3.mul(1L);
    d.slice(0, 0, 2, 1).copy_(w4);
    d.mul(Torch.tensor(1f, 10f, 100f)).sum().backward();
    assertPrints("view_copy.grads", x3.grad() + " " + w4.grad());
  }

  @Test
  void siblingViewsSeeEachOthersWrites() {
    Tensor x = leaf(1, 2, 3);
    Tensor b = x.mul(1L);
    Tensor v1 = b.slice(0, 0, 2, 1), v2 = b.slice(0, 1, 3, 1);
    v1.mul_(2L);
    assertPrints("sibling.view", v2);
    v2.mul(Torch.tensor(10f, 100f)).sum().backward();
    assertPrints("sibling.grad", x.grad());
  }

  @Test
  void higherOrderGradientsThroughCopySlices() {
    Tensor x = leaf(1, 2, 3);
    Tensor b = x.mul(1L);
    b.t().slice(0, 1, 3, 1).mul_(x.slice(0, 1, 3, 1));
    Tensor g = Autograd.grad(new Tensor[]{b.pow(2L).sum()}, new Tensor[]{x}, null, true, true)[0];
    assertEquals(GOLDEN.get("view_double.first").getAsString().replaceAll(", grad_fn=<\\w+>", ""),
        g.detach().toString(), "values (the node a derivative ends with is an implementation detail)");
    assertTrue(g.requiresGrad());
    assertPrints("view_double.second", Autograd.grad(new Tensor[]{g.sum()}, new Tensor[]{x}, null, false, false)[0]);
  }

  @Test
  void setGradChecksTheShape() {
    Tensor x = leaf(1, 2);
    x.setGrad(Torch.tensor(5f, 6f));
    x.mul(x).sum().backward();
    assertArrayEquals(new float[]{7, 10}, x.grad().toFloatArray());
    x.setGrad(null);
    assertNull(x.grad());
    assertNotNull(assertThrows(TorchException.class, () -> x.setGrad(Torch.ones(3))));
  }

  @Test
  void deepChainsAreAlsoFineForAutogradGrad() {
    Tensor x = leaf(1f);
    Tensor y = x;
    for (int i = 0; i < 10_000; i++) y = y.add(1L);
    assertEquals("[1.0]", Arrays.toString(Autograd.grad(new Tensor[]{y}, new Tensor[]{x}, null, false, false)[0].toFloatArray()));
  }
}
