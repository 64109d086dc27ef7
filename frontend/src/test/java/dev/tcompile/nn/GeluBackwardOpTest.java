package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.CompileOptions;
import dev.tcompile.CompiledFn;
import dev.tcompile.DType;
import dev.tcompile.Dispatcher;
import dev.tcompile.Tensor;
import dev.tcompile.TensorFn;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.ir.Attrs;
import dev.tcompile.ir.GraphParser;
import dev.tcompile.ir.GraphPrinter;
import dev.tcompile.ir.ops.GeluBackward;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gelu_backward(grad, x) as one op: eager, the interpreter's fused loops and the bytecode backend give the same bits
 * for GELU's forward and backward (odd lengths, a broadcast gradient, float64), the compiled backward runs the op
 * (one pass), and the op itself broadcasts and refuses integer tensors as PyTorch does.
 */
class GeluBackwardOpTest {
  static float[] randn(int n, long seed, float scale) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian() * scale;
    return v;
  }

  static Tensor gb(Tensor g, Tensor x) { return Dispatcher.apply1(GeluBackward.GELU_BACKWARD, Attrs.EMPTY, g, x); }

  /** Forward y and x's gradient of sum(gelu(x) * w), eagerly or compiled with backend b (null: eager). */
  static Tensor[] run(CompileOptions.Backend b, Tensor xv, Tensor w) {
    TensorFn f = xs -> F.gelu(xs[0]).mul(xs[1]);
    TensorFn loss = xs -> f.apply(xs).sum();
    Tensor x = xv.detach().requiresGrad_(true);
    Tensor y;
    if (b == null) {
      y = f.apply(x, w);
      loss.apply(x, w).backward();
    } else {
      CompiledFn cf = Torch.compile(f, new CompileOptions().backend(b));
      CompiledFn cl = Torch.compile(loss, new CompileOptions().backend(b));
      try (var off = Torch.noGrad()) { y = cf.apply(xv, w); }
      cl.apply(x, w).backward();
    }
    return new Tensor[]{y.detach(), x.grad()};
  }

  static void assertSameBits(Tensor want, Tensor got, String what) {
    assertEquals(want.dtype(), got.dtype(), what);
    assertArrayEquals(want.shapeArray(), got.shapeArray(), what);
    if (want.dtype() == DType.FLOAT64) {
      double[] a = want.toDoubleArray(), b = got.toDoubleArray();
      for (int i = 0; i < a.length; i++)
        assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), what + " element " + i);
    } else {
      GeluErfGoldenTest.assertBits(want.toFloatArray(), got.toFloatArray(), what);
    }
  }

  /** Eager == interpreter == bytecode, forward and backward: lengths around the vector width, block and threshold. */
  @Test void eagerInterpreterAndBytecodeAgree() {
    for (int n : new int[]{1, 7, 33, 1001, 4099, 10_007}) {
      Tensor x = Torch.tensor(randn(n, n, 4f));
      for (Tensor w : new Tensor[]{Torch.tensor(randn(n, n + 1, 1f)), Torch.scalar(randn(1, n + 2, 1f)[0])}) {
        Tensor[] eager = run(null, x, w);
        for (CompileOptions.Backend b : CompileOptions.Backend.values()) {
          Tensor[] c = run(b, x, w);
          String what = b + " n=" + n + " w" + java.util.Arrays.toString(w.shapeArray());
          assertSameBits(eager[0], c[0], what + " forward");
          assertSameBits(eager[1], c[1], what + " backward");
        }
      }
    }
  }

  /** A gradient broadcast along rows ([3, n] input times a [n] weight) and float64, eager against both backends. */
  @Test void broadcastGradientAndFloat64Agree() {
    int n = 1031;
    Tensor x = Torch.tensor(randn(3 * n, 9, 3f)).reshape(3, n), w = Torch.tensor(randn(n, 10, 1f));
    for (Tensor[] in : new Tensor[][]{{x, w}, {x.to(DType.FLOAT64), w.to(DType.FLOAT64)}}) {
      Tensor[] eager = run(null, in[0], in[1]);
      for (CompileOptions.Backend b : CompileOptions.Backend.values()) {
        Tensor[] c = run(b, in[0], in[1]);
        assertSameBits(eager[0], c[0], b + " " + in[0].dtype() + " forward");
        assertSameBits(eager[1], c[1], b + " " + in[0].dtype() + " backward");
      }
    }
  }

  /** The op broadcasts grad against x (as TensorIterator would) and reads a stride-0 gradient in place. */
  @Test void opBroadcastsItsGradient() {
    int n = 777;
    Tensor x = Torch.tensor(randn(4 * n, 1, 3f)).reshape(4, n);
    Tensor row = Torch.tensor(randn(n, 2, 1f)), col = Torch.tensor(randn(4, 3, 1f)).reshape(4, 1);
    for (Tensor g : new Tensor[]{row, col, Torch.scalar(0.75), Torch.tensor(0.5f), row.expand(4, n), Torch.tensor(randn(4 * n, 4, 1f)).reshape(n, 4).t()}) {
      Tensor full = g.expand(4, n).contiguous();
      assertSameBits(gb(full, x), gb(g, x), "grad " + java.util.Arrays.toString(g.shapeArray()));
    }
    // x strided (a transposed view) and x broadcast against a larger gradient
    Tensor xt = Torch.tensor(randn(4 * n, 5, 3f)).reshape(n, 4).t();
    Tensor g = Torch.tensor(randn(4 * n, 6, 1f)).reshape(4, n);
    assertSameBits(gb(g, xt.contiguous()), gb(g, xt), "strided x");
    Tensor xr = Torch.tensor(randn(n, 7, 3f));
    assertSameBits(gb(g, xr.expand(4, n).contiguous()), gb(g, xr), "broadcast x");
    assertArrayEquals(new int[]{0, 3}, gb(Torch.zeros(0, 3), Torch.zeros(1, 3)).shapeArray());
  }

  @Test void integerInputsAreRefusedAsPyTorch() {
    TorchException e = assertThrows(TorchException.class, () -> gb(Torch.tensor(1L, 2L), Torch.tensor(1L, 2L)));
    assertEquals("\"GeluBackwardKernelImpl\" not implemented for 'Long'", e.getMessage());
    assertThrows(TorchException.class, () -> gb(Torch.ones(3), Torch.ones(4)));
  }

  /** The compiled backward of F.gelu(x).sum() holds one gelu_backward op, not the erf/exp/mul chain of primitives. */
  @Test void compiledBackwardRunsTheOp(@TempDir Path dir) throws Exception {
    CompiledFn f = Torch.compile(xs -> F.gelu(xs[0]).sum(), new CompileOptions().dumpIr(dir));
    Tensor x = Torch.randn(1000).requiresGrad_(true);
    f.apply(x).backward();
    String all;
    try (Stream<Path> s = Files.walk(dir)) {
      all = String.join("\n", s.filter(Files::isRegularFile).map(p -> {
        try { return Files.readString(p); } catch (java.io.IOException ex) { throw new java.io.UncheckedIOException(ex); }
      }).toList());
    }
    assertTrue(all.contains("gelu_backward("), all);
    assertFalse(all.contains("erf("), all);
    try (Stream<Path> s = Files.walk(dir)) {   // and every dump holding it parses back to the same text
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(p);
        if (text.contains("gelu_backward(")) assertEquals(text, GraphPrinter.print(GraphParser.parse(text)), p.toString());
      }
    }
  }
}
