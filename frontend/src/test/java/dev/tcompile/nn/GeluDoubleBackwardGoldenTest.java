package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.Autograd;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Torch;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact GELU's backward as one op, {@code gelu_backward(grad, x)}, against PyTorch 1.13 under create_graph
 * (goldens/gelu_backward, made by make_gelu_double_backward.py there: 449 x over [-12, 12] with random g and gg):
 * the first derivative's node is GeluBackwardBackward0, and the second derivatives (d/dx and d/dg of
 * {@code sum(gg * gelu'(x) g)}) match in float32 and float64; gradgradcheck in float64.
 *
 * <p>Tolerances: float32 PyTorch evaluates erf and exp with its own approximations, and the formulas cancel (1 + erf
 * for negative x; 2 pdf - x^2 pdf near |x| = sqrt 2), so values are held within a few float32 roundings of the
 * terms' size: |g| 2^-21 for g (cdf + x pdf), |gg g| (2 + x^2) pdf 2^-20 for the x derivative. float64 within 1e-14 of
 * the same sizes.
 */
class GeluDoubleBackwardGoldenTest {
  record Row(float x, float g, float gg, float d32, float dx32, float dg32, double d64, double dx64, double dg64) {}

  static List<Row> rows() throws Exception {
    List<Row> rows = new ArrayList<>();
    try (var in = new BufferedReader(new InputStreamReader(GeluDoubleBackwardGoldenTest.class.getResourceAsStream(
        "/goldens/gelu_backward/gelu_double_backward.txt"), StandardCharsets.US_ASCII))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("#") || line.isBlank()) continue;
        String[] c = line.trim().split(" ");
        float[] f = new float[6];
        for (int i = 0; i < 6; i++) f[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(c[i], 16));
        double[] d = new double[3];
        for (int i = 0; i < 3; i++) d[i] = Double.longBitsToDouble(Long.parseUnsignedLong(c[6 + i], 16));
        rows.add(new Row(f[0], f[1], f[2], f[3], f[4], f[5], d[0], d[1], d[2]));
      }
    }
    return rows;
  }

  static float[] col(List<Row> rows, java.util.function.Function<Row, Float> f) {
    float[] v = new float[rows.size()];
    for (int i = 0; i < v.length; i++) v[i] = f.apply(rows.get(i));
    return v;
  }

  /** [d, dx, dg]: the first derivative with create_graph and the second derivatives, in {@code dtype}. */
  static Tensor[] derivatives(List<Row> rows, DType dtype) {
    Tensor x = Torch.tensor(col(rows, Row::x)).to(dtype).requiresGrad_(true);
    Tensor g = Torch.tensor(col(rows, Row::g)).to(dtype).requiresGrad_(true);
    Tensor gg = Torch.tensor(col(rows, Row::gg)).to(dtype);
    Tensor d = Autograd.grad(new Tensor[]{F.gelu(x)}, new Tensor[]{x}, new Tensor[]{g}, true, true)[0];
    assertEquals("GeluBackwardBackward0", d.gradFn().name());
    Tensor[] second = Autograd.grad(new Tensor[]{d}, new Tensor[]{x, g}, new Tensor[]{gg}, false, false);
    return new Tensor[]{d.detach(), second[0], second[1]};
  }

  static double pdf(double x) { return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI); }

  @Test void gradFnNamesAsPyTorch() {
    Tensor x = Torch.randn(5).requiresGrad_(true);
    Tensor y = F.gelu(x);
    assertEquals("GeluBackward0", y.gradFn().name());
    Tensor d = Autograd.grad(new Tensor[]{y.sum()}, new Tensor[]{x}, true)[0];
    assertEquals("GeluBackwardBackward0", d.gradFn().name());
    // PyTorch: next_functions ((None, 0), (AccumulateGrad, 0)): the sum's gradient needs none, x is a leaf
    assertNull(d.gradFn().nextFunctions().get(0));
    assertEquals("AccumulateGrad", d.gradFn().nextFunctions().get(1).name());
    Tensor dd = Autograd.grad(new Tensor[]{d.sum()}, new Tensor[]{x}, true)[0];
    assertEquals("MulBackward0", dd.gradFn().name());   // gelu_double_backward's gg * g * (...)
    // without create_graph the gradient carries no node
    Tensor plain = Autograd.grad(new Tensor[]{F.gelu(x).sum()}, new Tensor[]{x})[0];
    assertNull(plain.gradFn());
  }

  @Test void float32SecondDerivativesMatchPyTorch() throws Exception {
    List<Row> rows = rows();
    Tensor[] t = derivatives(rows, DType.FLOAT32);
    float[] d = t[0].toFloatArray(), dx = t[1].toFloatArray(), dg = t[2].toFloatArray();
    double worstDx = 0;
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      double tolD = Math.abs(r.g()) * 0x1p-21 + 2 * Math.ulp((float) r.d64());
      assertTrue(Math.abs(d[i] - r.d64()) <= tolD && Math.abs(d[i] - r.d32()) <= tolD + Math.abs(r.d32() - r.d64()),
          "d at " + r.x() + ": " + d[i] + ", PyTorch " + r.d32() + " / " + r.d64());
      double tolG = Math.abs(r.gg()) * 0x1p-21 + 2 * Math.ulp((float) r.dg64());
      assertTrue(Math.abs(dg[i] - r.dg64()) <= tolG && Math.abs(dg[i] - r.dg32()) <= tolG + Math.abs(r.dg32() - r.dg64()),
          "d/dg at " + r.x() + ": " + dg[i] + ", PyTorch " + r.dg32() + " / " + r.dg64());
      double size = Math.abs((double) r.gg() * r.g()) * (2 + (double) r.x() * r.x()) * pdf(r.x());
      double tolX = size * 0x1p-20 + Float.MIN_VALUE;
      assertTrue(Math.abs(dx[i] - r.dx64()) <= tolX && Math.abs(dx[i] - r.dx32()) <= tolX + Math.abs(r.dx32() - r.dx64()),
          "d/dx at " + r.x() + ": " + dx[i] + ", PyTorch " + r.dx32() + " / " + r.dx64());
      if (size > 0) worstDx = Math.max(worstDx, Math.abs(dx[i] - r.dx32()) / (size * 0x1p-23));
    }
    System.out.println("gelu double backward float32: max |d/dx - PyTorch| = " + worstDx + " x 2^-23 of the terms' size");
  }

  @Test void float64SecondDerivativesMatchPyTorch() throws Exception {
    List<Row> rows = rows();
    Tensor[] t = derivatives(rows, DType.FLOAT64);
    assertEquals(DType.FLOAT64, t[1].dtype());
    double[] d = t[0].toDoubleArray(), dx = t[1].toDoubleArray(), dg = t[2].toDoubleArray();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      assertEquals(r.d64(), d[i], Math.abs(r.g()) * 1e-15 + 1e-300, "d at " + r.x());
      assertEquals(r.dg64(), dg[i], Math.abs(r.gg()) * 1e-15 + 1e-300, "d/dg at " + r.x());
      double size = Math.abs((double) r.gg() * r.g()) * (2 + (double) r.x() * r.x()) * pdf(r.x());
      assertEquals(r.dx64(), dx[i], size * 1e-14 + 1e-300, "d/dx at " + r.x());
    }
  }

  /** PyTorch's gradgradcheck: the first derivative (a function of x and g) against finite differences, in float64. */
  @Test void gradgradcheckFloat64() {
    Torch.manualSeed(3);
    Tensor x = Torch.randn(2, 5).mul(2).to(DType.FLOAT64).detach().requiresGrad_(true);
    Tensor g = Torch.randn(2, 5).to(DType.FLOAT64).detach().requiresGrad_(true);
    TensorFn first = t -> {
      try (var on = Torch.enableGrad()) {
        return Autograd.grad(new Tensor[]{F.gelu(t[0])}, new Tensor[]{t[0]}, new Tensor[]{t[1]}, true, true)[0];
      }
    };
    assertTrue(Autograd.gradcheck(t -> F.gelu(t[0]), x));
    assertTrue(Autograd.gradcheck(first, x, g));
    // and once more: the second derivative's own derivative (gelu_backward's backward recorded under create_graph)
    TensorFn second = t -> {
      try (var on = Torch.enableGrad()) {
        Tensor d = first.apply(t);
        return Autograd.grad(new Tensor[]{d.mul(d).sum()}, new Tensor[]{t[0]}, true)[0];
      }
    };
    assertTrue(Autograd.gradcheck(second, x, g));
  }
}
