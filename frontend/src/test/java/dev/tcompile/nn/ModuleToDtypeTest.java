package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.optim.SGD;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code module.double()} / {@code module.float()} / {@code module.to(dtype)} and {@code tensor.data = other}, as PyTorch does them. */
class ModuleToDtypeTest {
  private static Module mlp() {
    Torch.manualSeed(4);
    return new Sequential(new Linear(5, 7), new ReLU(), new Linear(7, 3));
  }

  @Test void doubleConvertsParametersInPlaceOfTheirDataKeepingTheObjects() {
    Module m = mlp();
    List<Parameter> before = m.parameters();
    List<float[]> values = before.stream().map(Tensor::toFloatArray).toList();
    assertSame(m, m.toDouble());
    List<Parameter> after = m.parameters();
    for (int i = 0; i < before.size(); i++) {
      Parameter p = after.get(i);
      assertSame(before.get(i), p, "the same Parameter object");
      assertEquals(DType.FLOAT64, p.dtype());
      assertEquals(true, p.requiresGrad());
      double[] d = p.toDoubleArray();
      for (int j = 0; j < d.length; j++) assertEquals((double) values.get(i)[j], d[j], "parameter " + i + " element " + j);
    }
  }

  @Test void aDoubleModuleComputesInDoubleAndItsOptimiserStepsTheSameParameters() {
    Module m = mlp();
    SGD opt = new SGD(m.parameters(), 0.1, 0.9);                 // built before the conversion, as ported code often does
    m.toDouble();
    Torch.manualSeed(5);
    Tensor x = Torch.randn(4, 5).toDouble();
    Tensor y = m.forward(x);
    assertEquals(DType.FLOAT64, y.dtype());
    // the same function written out in double
    List<Parameter> p = m.parameters();
    Tensor want = x.matmul(p.get(0).detach().t()).add(p.get(1).detach()).relu().matmul(p.get(2).detach().t()).add(p.get(3).detach());
    assertArrayEquals(want.toDoubleArray(), y.toDoubleArray(), 0.0);
    y.sum().backward();
    for (Parameter q : p) assertEquals(DType.FLOAT64, q.grad().dtype());
    double[] w = p.get(0).toDoubleArray(), g = p.get(0).grad().toDoubleArray();
    opt.step();
    double[] stepped = m.parameters().get(0).toDoubleArray();
    for (int j = 0; j < w.length; j++) assertEquals(w[j] - 0.1 * g[j], stepped[j], 1e-15, "first SGD step at " + j);
    assertEquals(DType.FLOAT64, m.parameters().get(0).dtype());
  }

  @Test void gradientsAndFloatingBuffersConvertIntegerBuffersStay() {
    Torch.manualSeed(6);
    Module m = new Sequential(new Linear(3, 4), new BatchNorm1d(4));
    m.forward(Torch.randn(8, 3)).sum().backward();
    m.toDouble();
    for (Parameter p : m.parameters()) assertEquals(DType.FLOAT64, p.grad().dtype());
    assertEquals(DType.FLOAT64, m.namedBuffers().get("1.running_mean").dtype());
    assertEquals(DType.FLOAT64, m.namedBuffers().get("1.running_var").dtype());
    assertEquals(DType.INT64, m.namedBuffers().get("1.num_batches_tracked").dtype());
    assertEquals(1L, m.namedBuffers().get("1.num_batches_tracked").toLongArray()[0]);
    m.toFloat();
    for (Parameter p : m.parameters()) { assertEquals(DType.FLOAT32, p.dtype()); assertEquals(DType.FLOAT32, p.grad().dtype()); }
    assertEquals(DType.FLOAT32, m.namedBuffers().get("1.running_mean").dtype());
  }

  @Test void onlyFloatingDtypesAreAccepted() {
    var e = assertThrows(TorchException.class, () -> mlp().to(DType.INT64));
    assertEquals("nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.int64", e.getMessage());
  }

  @Test void setDataReplacesTheArrayButNotTheTensor() {
    Tensor t = Torch.ones(3).requiresGrad_(true);
    int version = t.version();
    Tensor view = t.detach().view(3);
    t.setData(Torch.arange(4).toDouble());
    assertEquals(DType.FLOAT64, t.dtype());
    assertArrayEquals(new double[]{0, 1, 2, 3}, t.toDoubleArray());
    assertEquals(version, t.version(), "PyTorch's set_data does not bump the version");
    assertArrayEquals(new float[]{1, 1, 1}, view.toFloatArray(), "a view taken before keeps the old array");
    assertThrows(TorchException.class, () -> t.view(4).setData(Torch.zeros(4)));
    assertThrows(TorchException.class, () -> t.setData(Torch.zeros(DType.INT64, 4)), "a tensor that requires grad keeps a floating dtype");
  }

  /** A compiled module with its weights frozen in (eval, no grad) sees new data given to a weight: it recompiles. */
  @Test void frozenWeightsGivenNewDataAreNotStale() {
    Module m = mlp();
    m.eval();
    Module f = Torch.compile(m);
    Tensor x = Torch.randn(2, 5);
    try (var g = Torch.noGrad()) {
      float[] first = f.forward(x).toFloatArray();
      Parameter w = m.parameters().get(2);
      w.setData(w.detach().mul(2));
      float[] eager = m.forward(x).toFloatArray();
      float[] compiled = f.forward(x).toFloatArray();
      assertArrayEquals(eager, compiled, 1e-5f);
      assertEquals(false, java.util.Arrays.equals(first, compiled));
      m.toDouble();
      Tensor xd = x.toDouble();
      assertArrayEquals(m.forward(xd).toDoubleArray(), f.forward(xd).toDoubleArray(), 1e-12);
    }
  }
}
