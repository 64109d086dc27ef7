package dev.tcompile.float64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.CompiledFn;
import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.nn.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The float64 API around the ops (their values are in goldens/float64.json): creation with a dtype, conversions,
 * reading values back at full precision, in-place writes across float dtypes, gradients' dtype, safetensors F64,
 * and the kernels and optimisers that refuse float64 rather than computing it in float32. Expected values here follow from IEEE
 * double arithmetic (one rounding per element, which is what PyTorch's double kernels do for these ops).
 */
class Float64ApiTest {
  private static final DType F64 = DType.FLOAT64;

  @Test
  void dtypeNamesAndPromotion() {
    assertEquals("torch.float64", F64.torchName());
    assertEquals("Double", F64.legacyName());
    assertEquals(8, F64.itemSize());
    assertEquals("f64", F64.irName());
    assertSame(F64, DType.fromIrName("f64"));
    assertTrue(F64.isFloatingPoint());
    assertSame(F64, DType.promote(DType.FLOAT32, F64));
    assertSame(F64, DType.promote(DType.INT64, F64));
    assertSame(F64, DType.promote(DType.BOOL, F64));
    assertSame(DType.FLOAT32, DType.resultType(DType.FLOAT32, false, F64, true), "a float64 scalar tensor does not promote float32");
    assertSame(F64, DType.resultType(DType.INT64, false, F64, true), "but does promote an integer tensor");
  }

  @Test
  void creationWithDtype() {
    Tensor t = Torch.tensor(new double[]{0.1, 0.2, 1.0 / 3}, F64);
    assertEquals(F64, t.dtype());
    assertArrayEquals(new double[]{0.1, 0.2, 1.0 / 3}, t.toDoubleArray());
    assertEquals(0.1, t.select(0, 0).itemDouble());
    assertEquals(1.0 / 3, Torch.scalar(1.0 / 3, F64).itemDouble());
    assertArrayEquals(new int[]{2, 2}, Torch.tensor(new double[][]{{1, 2}, {3, 4}}, F64).shapeArray());
    assertEquals(F64, Torch.tensor(new double[][][]{{{1}}}, F64).dtype());
    assertArrayEquals(new double[]{0.5, 1.5}, Torch.fromArray(new double[]{0.5, 1.5}, 2).toDoubleArray());
    for (Tensor z : new Tensor[]{Torch.zeros(F64, 2, 3), Torch.ones(F64, 2), Torch.full(0.1, F64, 2), Torch.empty(F64, 1),
        Torch.eye(2, 3, F64), Torch.arange(0, 1, 0.25, F64), Torch.linspace(0, 1, 5, F64), Torch.rand(F64, 3), Torch.randn(F64, 3)})
      assertEquals(F64, z.dtype());
    assertArrayEquals(new double[]{1, 0, 0, 0, 1, 0}, Torch.eye(2, 3, F64).toDoubleArray());
    assertEquals(0.1, Torch.full(0.1, F64).itemDouble(), "no float32 rounding on the way");
    assertEquals(F64, Torch.randLike(Torch.ones(F64, 2)).dtype());
    assertEquals(F64, Torch.randnLike(Torch.ones(F64, 2)).dtype());
    assertEquals(F64, Torch.zerosLike(Torch.ones(F64, 2)).dtype());
  }

  @Test
  void conversions() {
    Tensor f = Torch.tensor(0.1f, 0.2f);
    Tensor d = f.toDouble();
    assertEquals(F64, d.dtype());
    assertArrayEquals(new double[]{0.1f, 0.2f}, d.toDoubleArray());
    assertSame(d, d.toDouble());
    assertEquals(DType.FLOAT32, d.toFloat().dtype());
    assertEquals(F64, f.type(F64).dtype());
    assertEquals("torch.DoubleTensor", d.typeName());
    assertEquals("torch.FloatTensor", f.typeName());
    assertTrue(d.isFloatingPoint());
    assertFalse(Torch.tensor(1L).isFloatingPoint());
    assertEquals((float) (1.0 / 3), Torch.scalar(1.0 / 3, F64).item(), "item() stays the float reading");
  }

  @Test
  void pythonScalarsComputeInDoubleWithFloat64Tensors() {
    Tensor t = Torch.tensor(new double[]{0.7, 1.1}, F64);
    assertArrayEquals(new double[]{0.7 * 0.1, 1.1 * 0.1}, t.mul(0.1).toDoubleArray());
    assertArrayEquals(new double[]{0.7 + 0.1, 1.1 + 0.1}, t.add(0.1).toDoubleArray());
    assertArrayEquals(new double[]{0.7 / 3, 1.1 / 3}, t.div(3L).toDoubleArray());
    assertEquals(DType.FLOAT32, Torch.tensor(0.7f).mul(0.1).dtype(), "a float32 tensor stays float32");
    assertEquals(DType.FLOAT32, Torch.tensor(1L, 2L).mul(0.5).dtype(), "an integer tensor becomes the default float32");
  }

  @Test
  void inPlaceWritesAcrossFloatDtypes() {
    Tensor t = Torch.tensor(new double[]{0.7, 1.1}, F64);
    t.mul_(0.1);
    assertArrayEquals(new double[]{0.7 * 0.1, 1.1 * 0.1}, t.toDoubleArray());
    Tensor f = Torch.tensor(1f, 2f);
    f.add_(Torch.tensor(new double[]{0.1, 0.2}, F64));
    assertEquals(DType.FLOAT32, f.dtype(), "a float32 tensor keeps its dtype when a float64 is added in place");
    assertArrayEquals(new float[]{(float) (1 + 0.1), (float) (2 + 0.2)}, f.toFloatArray());
    Tensor i = Torch.tensor(1L, 2L);
    TorchException e = assertThrows(TorchException.class, () -> i.add_(Torch.tensor(new double[]{0.5, 0.5}, F64)));
    assertEquals("result type Double can't be cast to the desired output type Long", e.getMessage());
  }

  @Test
  void gradientsTakeTheirInputsDtype() {
    Tensor w = Torch.tensor(new double[]{0.5, -1.5}, F64).requiresGrad_(true);
    Tensor x = Torch.tensor(2f, 3f).requiresGrad_(true);
    Tensor y = w.mul(x).sum();
    assertEquals(F64, y.dtype());
    y.backward();
    assertEquals(F64, w.grad().dtype());
    assertArrayEquals(new double[]{2, 3}, w.grad().toDoubleArray());
    assertEquals(DType.FLOAT32, x.grad().dtype(), "the float32 input's gradient is cast back, as PyTorch's validate_outputs");
    assertArrayEquals(new float[]{0.5f, -1.5f}, x.grad().toFloatArray());
    assertEquals("tensor(-3.5000, dtype=torch.float64, grad_fn=<SumBackward0>)", y.toString());
  }

  @Test
  void safetensorsRoundTripsFloat64(@TempDir Path dir) throws Exception {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("w", Torch.tensor(new double[]{0.1, 1.0 / 3, -2.5e-300, Double.MAX_VALUE}, F64).reshape(2, 2));
    Path p = dir.resolve("w.safetensors");
    Safetensors.save(m, p);
    String header = new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(header.contains("\"dtype\":\"F64\""), header);
    Tensor back = Safetensors.load(p).get("w");
    assertEquals(F64, back.dtype());
    assertArrayEquals(new int[]{2, 2}, back.shapeArray());
    assertArrayEquals(new double[]{0.1, 1.0 / 3, -2.5e-300, Double.MAX_VALUE}, back.toDoubleArray());
  }

  @Test
  void compiledFloat64IsDouble() {
    // a float64 constant inside a float32 program promotes as in eager mode
    Tensor c = Torch.tensor(new double[]{0.1}, F64);
    CompiledFn g = Torch.compile(t -> t[0].add(c.mul(3L)));
    Tensor out = g.apply(Torch.tensor(1f));
    assertEquals(F64, out.dtype());
    assertEquals(1.0f + 0.1 * 3, out.itemDouble(), 0);
    assertEquals(0.05f, Torch.compile(t -> t[0].mul(t[0]).sum()).apply(Torch.tensor(0.1f, 0.2f)).item(), 1e-7f);
  }

  @Test
  void float32OnlyKernelsRefuseFloat64AndMixedDtypesAreRefused() {
    Tensor x = Torch.ones(F64, 1, 1, 4, 4);
    TorchException conv = assertThrows(TorchException.class, () -> dev.tcompile.nn.F.conv2d(x, Torch.ones(1, 1, 2, 2)));
    assertEquals("expected scalar type Double but found Float", conv.getMessage()); // PyTorch 1.13's message
    Tensor p = Torch.tensor(new double[]{0.5}, F64);
    TorchException bce = assertThrows(TorchException.class, () -> dev.tcompile.nn.F.binaryCrossEntropy(p, Torch.tensor(1f)));
    assertEquals("Found dtype Float but expected Double", bce.getMessage()); // PyTorch 1.13's message
    TorchException ln = assertThrows(TorchException.class,
        () -> dev.tcompile.nn.F.layerNorm(Torch.ones(F64, 2, 3), new int[]{3}, Torch.ones(3), Torch.zeros(3), 1e-5));
    assertEquals("expected scalar type Double but found Float", ln.getMessage()); // PyTorch 1.13's message
    // LBFGS's scalars follow its parameters' dtype: float32 and float64 parameters together are refused
    Tensor w = Torch.ones(F64, 2).requiresGrad_(true), v = Torch.ones(2).requiresGrad_(true);
    TorchException mixed = assertThrows(TorchException.class, () -> new dev.tcompile.optim.LBFGS(java.util.List.of(w, v)));
    assertEquals("LBFGS: tcompile's LBFGS needs float32 or float64 parameters, all of one dtype; got [torch.float64, torch.float32]",
        mixed.getMessage());
  }
}
