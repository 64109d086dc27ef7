package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels give the same bits on every JIT tier: a fresh JVM limited to C1 (where the Vector API runs
 * its per-lane Java fallback) digests the outputs of exp, log, tanh, sigmoid, GELU and its backward, softmax and its backward,
 * sums and sgemm; this JVM digests the same after warming them up under C2. The JDK's own lanewise EXP/LOG/TANH
 * and reduceLanes(ADD) fail this (SVML vs java.lang.Math, and a different lane order).
 */
class JitTierDeterminismTest {
  @Test void c1FallbackAndC2GiveTheSameBits() throws Exception {
    for (int i = 0; i < 200; i++) Main.digest();                       // C2 compiles the kernels
    String warm = Main.digest();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1",
        "-Dtcompile.threads=1", "-cp", System.getProperty("java.class.path"), Main.class.getName());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child timed out");
    assertEquals(0, p.exitValue(), out);
    String cold = out.lines().filter(l -> l.startsWith("digest ")).findFirst().orElse("none: " + out).replace("digest ", "");
    assertEquals(warm, cold);
  }

  public static final class Main {
    public static void main(String[] args) throws Exception { System.out.println("digest " + digest()); }

    static String digest() throws Exception {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      Random r = new Random(11);
      int n = 4099;
      float[] x = new float[n], y = new float[n];
      for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian() * 4;
      for (UnaryOp op : new UnaryOp[]{UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.GELU, UnaryOp.SQRT, UnaryOp.LOG, UnaryOp.ERF}) {
        float[] in = x.clone();
        if (op == UnaryOp.LOG || op == UnaryOp.SQRT) for (int i = 0; i < n; i++) in[i] = Math.abs(in[i]);
        VectorMath.apply(op, in, 0, y, 0, n);
        add(md, y);
      }
      VectorMath.geluBackward(x, 1, x, 0, y, 0, n - 1);   // GELU's backward, the gradient shifted by one element
      add(md, y);
      NDArray logits = NDArray.wrap(x.clone(), 1, n);
      NDArray sm = Softmax.forward(logits, 1, false), lsm = Softmax.forward(logits, 1, true);
      add(md, sm.floats());
      add(md, lsm.floats());
      add(md, Softmax.backward(logits, sm, 1, false).floats());
      add(md, Softmax.backward(logits, lsm, 1, true).floats());
      add(md, new float[]{(float) FloatSums.row(x, 0, n, false), Gemm.dot(x, 0, x, 1, n - 1)});
      int m = 13, k = 77, c = 11;                                       // transB sgemm: the dot-product kernels
      float[] a = new float[m * k], b = new float[c * k], out = new float[m * c];
      System.arraycopy(x, 0, a, 0, a.length);
      System.arraycopy(x, a.length, b, 0, b.length);
      Gemm.sgemm(false, true, m, c, k, 1f, a, 0, k, b, 0, k, 0f, out, 0, c);
      add(md, out);
      add(md, Conv2d.backwardBias(NDArray.wrap(java.util.Arrays.copyOf(x, 2 * 3 * 25), 2, 3, 5, 5)).floats());
      return HexFormat.of().formatHex(md.digest());
    }

    private static void add(MessageDigest md, float[] v) {
      for (float f : v) {
        int b = Float.floatToRawIntBits(f);
        md.update(new byte[]{(byte) (b >>> 24), (byte) (b >>> 16), (byte) (b >>> 8), (byte) b});
      }
    }
  }
}
