package dev.tcompile.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tcompile.Autograd;
import dev.tcompile.CompiledFn;
import dev.tcompile.CustomFunction;
import dev.tcompile.FunctionCtx;
import dev.tcompile.GradFn;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CustomFunction against torch.autograd.Function in PyTorch 1.13 (goldens/custom_function.json). */
class CustomFunctionTest {
  private static final JsonObject G;

  static {
    try (var in = CustomFunctionTest.class.getResourceAsStream("/goldens/custom_function.json")) {
      G = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonObject g(String k) { return G.getAsJsonObject(k); }

  private static Tensor t(JsonObject v) {
    int[] shape = v.getAsJsonArray("shape").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
    List<JsonElement> vals = v.getAsJsonArray("values").asList();
    float[] f = new float[vals.size()];
    for (int i = 0; i < f.length; i++) f[i] = vals.get(i).getAsFloat();
    return Torch.fromArray(f, shape);
  }

  private static void same(JsonObject want, Tensor got, String what) {
    Tensor w = t(want);
    assertArrayEquals(w.shapeArray(), got.shapeArray(), what + " shape");
    float[] a = w.toFloatArray(), b = got.toFloatArray();
    for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-6f * Math.max(1f, Math.abs(a[i])), what + " element " + i);
  }

  private static String next(Tensor t) {
    StringBuilder sb = new StringBuilder("[");
    for (GradFn.Edge e : t.gradFn().nextEdges())
      sb.append(sb.length() > 1 ? ", " : "").append("[").append(e.fn() == null ? "None" : e.fn().name()).append(", ").append(e.inputNr()).append("]");
    return sb.append("]").toString();
  }

  private static String next(JsonObject c) {
    StringBuilder sb = new StringBuilder("[");
    for (JsonElement e : c.getAsJsonArray("next")) {
      var a = e.getAsJsonArray();
      sb.append(sb.length() > 1 ? ", " : "").append("[").append(a.get(0).isJsonNull() ? "None" : a.get(0).getAsString()).append(", ")
          .append(a.get(1).getAsInt()).append("]");
    }
    return sb.append("]").toString();
  }

  static final class MyExp extends CustomFunction {
    @Override protected Tensor forward(FunctionCtx ctx, Tensor... x) {
      Tensor y = x[0].exp();
      ctx.saveForBackward(y);
      return y;
    }

    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... g) { return new Tensor[]{g[0].mul(ctx.savedTensors().get(0))}; }
  }

  static final class LinearFunction extends CustomFunction {
    @Override protected Tensor forward(FunctionCtx ctx, Tensor... in) {
      ctx.saveForBackward(in[0], in[1], in[2]);
      Tensor out = in[0].mm(in[1].t());
      return out.add_(in[2].unsqueeze(0).expandAs(out));
    }

    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... g) {
      List<Tensor> s = ctx.savedTensors();
      Tensor gi = ctx.needsInputGrad(0) ? g[0].mm(s.get(1)) : null;
      Tensor gw = ctx.needsInputGrad(1) ? g[0].t().mm(s.get(0)) : null;
      Tensor gb = ctx.needsInputGrad(2) ? g[0].sum(0, false) : null;
      return new Tensor[]{gi, gw, gb};
    }
  }

  static class MyCube extends CustomFunction {
    @Override protected Tensor forward(FunctionCtx ctx, Tensor... x) {
      ctx.saveForBackward(x[0]);
      return x[0].pow(3L);
    }

    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... g) {
      return new Tensor[]{g[0].mul(3L).mul(ctx.savedTensors().get(0).pow(2L))};
    }
  }

  static final class OnceCube extends MyCube {
    @Override protected boolean onceDifferentiable() { return true; }
  }

  static final class AddOneInPlace extends CustomFunction {
    @Override protected Tensor forward(FunctionCtx ctx, Tensor... x) {
      x[0].add_(1L);
      ctx.markDirty(x[0]);
      return x[0];
    }

    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... g) { return new Tensor[]{g[0]}; }
  }

  static final class TwiceAndMask extends CustomFunction {
    @Override protected Tensor[] forwardAll(FunctionCtx ctx, Tensor... x) {
      Tensor mask = x[0].gt(0.0).to(dev.tcompile.DType.FLOAT32);
      ctx.markNonDifferentiable(mask);
      ctx.saveForBackward(mask);
      return new Tensor[]{x[0].mul(2L), mask};
    }

    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... g) { return new Tensor[]{g[0].mul(2L).add(g[1])}; }
  }

  static final class SplitTwo extends CustomFunction {
    @Override protected Tensor[] forwardAll(FunctionCtx ctx, Tensor... x) { return new Tensor[]{x[0].mul(2L), x[0].mul(3L)}; }
    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... g) { return new Tensor[]{g[0].mul(2L).add(g[1].mul(3L))}; }
  }

  static final class Identity extends CustomFunction {
    @Override protected Tensor forward(FunctionCtx ctx, Tensor... x) { return x[0]; }
    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... g) { return new Tensor[]{g[0].mul(10L)}; }
  }

  static final class TooFew extends CustomFunction {
    @Override protected Tensor forward(FunctionCtx ctx, Tensor... x) { return x[0].add(x[1]); }
    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... g) { return new Tensor[]{g[0]}; }
  }

  static final class BadShape extends CustomFunction {
    @Override protected Tensor forward(FunctionCtx ctx, Tensor... x) { return x[0].mul(2L); }
    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... g) { return new Tensor[]{g[0].narrow(0, 0, 2)}; }
  }

  static final class SumToShape extends CustomFunction {
    @Override protected Tensor forward(FunctionCtx ctx, Tensor... x) { return x[0].mul(2L); }
    @Override protected Tensor[] backward(FunctionCtx ctx, Tensor... g) { return new Tensor[]{g[0].expand(2, 3).mul(2L)}; }
  }

  @Test
  void myExpMatchesPyTorch() {
    JsonObject c = g("exp");
    Tensor x = t(c.getAsJsonObject("x")).requiresGrad_(true);
    Tensor y = new MyExp().apply(x);
    same(c.getAsJsonObject("y"), y, "y");
    assertEquals(c.get("grad_fn").getAsString(), y.gradFn().name());
    assertEquals(next(c), next(y));
    y.backward(t(c.getAsJsonObject("up")));
    same(c.getAsJsonObject("grad"), x.grad(), "grad");
  }

  @Test
  void linearFunctionFromTheDocsMatchesPyTorch() {
    JsonObject c = g("linear");
    Tensor in = t(c.getAsJsonObject("input")).requiresGrad_(true), w = t(c.getAsJsonObject("weight")).requiresGrad_(true);
    Tensor b = t(c.getAsJsonObject("bias"));
    Tensor out = new LinearFunction().apply(in, w, b);
    same(c.getAsJsonObject("out"), out, "out");
    assertEquals("LinearFunctionBackward", out.gradFn().name());
    assertEquals(next(c), next(out));
    out.sum().backward();
    same(c.getAsJsonObject("grad_input"), in.grad(), "grad input");
    same(c.getAsJsonObject("grad_weight"), w.grad(), "grad weight");
    assertNull(b.grad());
  }

  @Test
  void backwardIsDifferentiableAgainUnderCreateGraph() {
    JsonObject c = g("cube");
    Tensor x = Torch.tensor(0.5f, -1f, 2f).requiresGrad_(true);
    Tensor z = new MyCube().apply(x);
    Tensor gr = Autograd.grad(new Tensor[]{z.sum()}, new Tensor[]{x}, null, false, true)[0];
    same(c.getAsJsonObject("g"), gr, "g");
    assertEquals(c.get("g_grad_fn").getAsString(), gr.gradFn().name());
    same(c.getAsJsonObject("gg"), Autograd.grad(new Tensor[]{gr.sum()}, new Tensor[]{x}, null, false, false)[0], "gg");
  }

  @Test
  void onceDifferentiableRunsItsBackwardWithoutRecording() {
    JsonObject c = g("once_g");
    Tensor x = Torch.tensor(0.5f, -1f, 2f).requiresGrad_(true);
    Tensor gr = Autograd.grad(new Tensor[]{new OnceCube().apply(x).sum()}, new Tensor[]{x}, null, false, true)[0];
    same(c.getAsJsonObject("g"), gr, "g");
    assertEquals(c.get("requires_grad").getAsBoolean(), gr.requiresGrad());
    TorchException e = assertThrows(TorchException.class, () -> gr.sum().backward());
    assertEquals(G.get("once_error").getAsString(), e.getMessage());
  }

  @Test
  void onceDifferentiableResultsRefuseASecondDerivativeWhenTheirGradientRequiresGrad() {
    Tensor x = Torch.tensor(0.5f, -1f, 2f).requiresGrad_(true);
    Tensor up = Torch.ones(3).requiresGrad_(true);
    Tensor gr = Autograd.grad(new Tensor[]{new OnceCube().apply(x)}, new Tensor[]{x}, new Tensor[]{up}, false, true)[0];
    TorchException e = assertThrows(TorchException.class, () -> gr.sum().backward());
    assertEquals("trying to differentiate twice a function that was marked with @once_differentiable", e.getMessage());
  }

  @Test
  void markDirtyRebasesTheInputsHistory() {
    JsonObject c = g("dirty");
    Tensor a = Torch.tensor(1f, 2f).requiresGrad_(true);
    Tensor a2 = a.clone();
    int v0 = a2.version();
    Tensor r = new AddOneInPlace().apply(a2);
    assertSame(a2, r);
    same(c.getAsJsonObject("value"), a2, "value");
    assertEquals(c.get("grad_fn").getAsString(), a2.gradFn().name());
    assertEquals(c.get("version_bump").getAsInt(), a2.version() - v0);
    r.backward(Torch.tensor(1f, 5f));
    same(c.getAsJsonObject("grad"), a.grad(), "grad");
    TorchException e = assertThrows(TorchException.class, () -> new AddOneInPlace().apply(Torch.ones(2).requiresGrad_(true)));
    assertEquals(G.get("dirty_leaf").getAsString(), e.getMessage());
  }

  @Test
  void nonDifferentiableOutputsAndMaterializedGrads() {
    JsonObject c = g("mask");
    Tensor x = Torch.tensor(1f, -2f, 3f).requiresGrad_(true);
    Tensor[] r = new TwiceAndMask().applyAll(x);
    assertEquals(c.get("twice_grad_fn").getAsString(), r[0].gradFn().name());
    assertFalse(r[1].requiresGrad());
    same(c.getAsJsonObject("mask"), r[1], "mask");
    r[0].sum().add(r[1].mul(5L).sum()).backward();
    same(c.getAsJsonObject("grad"), x.grad(), "grad");

    Tensor s = Torch.tensor(1f, 2f).requiresGrad_(true);
    Tensor[] pq = new SplitTwo().applyAll(s);
    assertSame(pq[0].gradFn(), pq[1].gradFn());
    pq[0].sum().backward(); // the second output's gradient arrives as zeros
    same(g("materialize").getAsJsonObject("grad"), s.grad(), "materialized grad");
  }

  @Test
  void anInputReturnedAsIsBecomesANewTensorWithTheFunctionsHistory() {
    Tensor i = Torch.tensor(1f, 2f).requiresGrad_(true);
    Tensor o = new Identity().apply(i);
    assertNotSame(i, o);
    assertEquals(g("identity").get("grad_fn").getAsString(), o.gradFn().name());
    o.sum().backward();
    same(g("identity").getAsJsonObject("grad"), i.grad(), "grad");
  }

  @Test
  void badGradientsAreReportedAsPyTorchReportsThem() {
    TorchException e = assertThrows(TorchException.class,
        () -> new TooFew().apply(Torch.ones(2).requiresGrad_(true), Torch.ones(2).requiresGrad_(true)).sum().backward());
    assertEquals(G.get("too_few").getAsString(), e.getMessage());
    e = assertThrows(TorchException.class, () -> new BadShape().apply(Torch.ones(3).requiresGrad_(true)).sum().backward());
    assertEquals(G.get("bad_shape").getAsString(), e.getMessage());
    Tensor st = Torch.ones(3).requiresGrad_(true);
    new SumToShape().apply(st).sum().backward();
    same(g("sum_to").getAsJsonObject("grad"), st.grad(), "summed-down grad");
  }

  @Test
  void savedTensorsModifiedInPlaceAreCaught() {
    Tensor x = Torch.randn(3).requiresGrad_(true);
    Tensor y = new MyExp().apply(x);
    y.mul_(2L);
    TorchException e = assertThrows(TorchException.class, () -> y.sum().backward());
    assertTrue(e.getMessage().startsWith("one of the variables needed for gradient computation has been modified by an inplace operation"), e.getMessage());
  }

  @Test
  void withoutGradNothingIsRecorded() {
    Tensor x = Torch.randn(3);
    Tensor y = new MyExp().apply(x);
    assertNull(y.gradFn());
    try (var g = Torch.noGrad()) { assertNull(new MyExp().apply(Torch.randn(3).requiresGrad_(true)).gradFn()); }
  }

  @Test
  void insideCompileACustomFunctionIsAGraphBreakThatStillComputesGradients() {
    Tensor x = Torch.randn(2, 3).requiresGrad_(true);
    CompiledFn f = Torch.compile(xs -> new MyExp().apply(xs[0].mul(2L)).sum());
    Tensor out = f.apply(x);
    out.backward();
    Tensor want = x.mul(2L).exp().mul(2L);
    float[] a = want.toFloatArray(), b = x.grad().toFloatArray();
    for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-5f * Math.abs(a[i]));
  }
}
