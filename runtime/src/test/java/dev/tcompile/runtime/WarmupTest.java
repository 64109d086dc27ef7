package dev.tcompile.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.runtime.kernels.Conv2d;
import dev.tcompile.runtime.kernels.Gemm;
import dev.tcompile.runtime.kernels.Softmax;
import dev.tcompile.runtime.kernels.UnaryOp;
import dev.tcompile.runtime.kernels.VectorMath;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The background warm-up changes no result: a fresh JVM without it digests the outputs of the kernels it warms
 * (cold: interpreter and C1), and this JVM digests the same while a warm-up runs on another thread and again
 * after it; and it starts with the first array only when {@code -Dtcompile.warmup=true}.
 */
class WarmupTest {
  @Test void resultsAreTheSameWithAndWithoutTheWarmup() throws Exception {
    List<String> child = runChild();
    assertEquals("started false", child.get(0));
    String cold = child.get(1).replace("digest ", "");
    Thread w = new Thread(() -> Warmup.run(Warmup.DEFAULT_ROUNDS), "test-warmup");
    w.start();
    List<String> during = new ArrayList<>();
    while (w.isAlive()) during.add(Main.digest());                       // user work racing the warm-up
    w.join();
    during.add(Main.digest());
    for (String d : during) assertEquals(cold, d);
  }

  @Test void startsWithTheFirstArrayOnlyWhenAskedFor() throws Exception {
    List<String> on = runChild("-Dtcompile.warmup=true");
    assertEquals("started true", on.get(0));
    assertEquals(runChild().get(1), on.get(1));                          // and the same bits as without it
    String old = System.getProperty(Warmup.PROPERTY);
    try {
      for (String yes : new String[]{"true", "ON", "1"}) {
        System.setProperty(Warmup.PROPERTY, yes);
        assertTrue(Warmup.enabled(), yes);
      }
      for (String no : new String[]{"false", "off", "0", "maybe"}) {
        System.setProperty(Warmup.PROPERTY, no);
        assertFalse(Warmup.enabled(), no);
      }
      System.clearProperty(Warmup.PROPERTY);
      assertFalse(Warmup.enabled());
    } finally {
      if (old == null) System.clearProperty(Warmup.PROPERTY);
      else System.setProperty(Warmup.PROPERTY, old);
    }
  }

  /** Runs {@link Main} in a fresh JVM (same thread count as this one) and returns its two lines. */
  private static List<String> runChild(String... jvmArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-Dtcompile.threads=" + Parallel.threads()));
    cmd.addAll(List.of(jvmArgs));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child timed out");
    assertEquals(0, p.exitValue(), out);
    List<String> lines = out.lines().filter(l -> l.startsWith("started ") || l.startsWith("digest ")).toList();
    assertEquals(2, lines.size(), out);
    return lines;
  }

  public static final class Main {
    public static void main(String[] args) throws Exception {
      NDArray.wrap(new float[1], 1);                                     // the first array (starts the warm-up)
      System.out.println("started " + Warmup.started());
      System.out.println("digest " + digest());
    }

    /** Outputs of the warmed kernels on shapes unlike the warm-up's (the packed, parallel GEMM included). */
    static String digest() throws Exception {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      Random r = new Random(5);
      float[] a = gauss(r, 150 * 310), b = gauss(r, 310 * 140), c = gauss(r, 150 * 140);
      for (boolean ta : new boolean[]{false, true})
        for (boolean tb : new boolean[]{false, true}) {
          float[] out = c.clone();
          Gemm.sgemm(ta, tb, 150, 140, 310, 0.5f, a, 0, ta ? 150 : 310, b, 0, tb ? 310 : 140, 0.25f, out, 0, 140);
          add(md, out);
        }
      float[] v = new float[1], mv = new float[140];
      Gemm.sgemm(false, false, 1, 140, 310, 1f, a, 0, 310, b, 0, 140, 0f, mv, 0, 140);
      Gemm.sgemm(false, true, 1, 1, 310, 1f, a, 0, 310, b, 0, 310, 0f, v, 0, 1);
      add(md, mv);
      add(md, v);
      NDArray x = NDArray.wrap(gauss(r, 3 * 5 * 17 * 15), 3, 5, 17, 15), w = NDArray.wrap(gauss(r, 7 * 5 * 3 * 3), 7, 5, 3, 3);
      Conv2d.Params p = Conv2d.Params.of(1, 1, 1, 1);
      NDArray y = Conv2d.forward(x, w, NDArray.wrap(gauss(r, 7), 7), p, true);
      add(md, y.floats());
      add(md, Conv2d.backwardInput(y, w, x.shape(), p).floats());
      add(md, Conv2d.backwardWeight(y, x, w.shape(), p).floats());
      float[] in = gauss(r, 3001), o = new float[3001];
      for (UnaryOp op : new UnaryOp[]{UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.GELU, UnaryOp.SQRT, UnaryOp.LOG}) {
        float[] arg = in.clone();
        if (op == UnaryOp.LOG || op == UnaryOp.SQRT) for (int i = 0; i < arg.length; i++) arg[i] = Math.abs(arg[i]);
        VectorMath.apply(op, arg, 0, o, 0, arg.length);
        add(md, o);
      }
      NDArray logits = NDArray.wrap(gauss(r, 9 * 333), 9, 333);
      add(md, Softmax.forward(logits, 1, false).floats());
      add(md, Softmax.forward(logits, 1, true).floats());
      return HexFormat.of().formatHex(md.digest());
    }

    private static float[] gauss(Random r, int n) {
      float[] f = new float[n];
      for (int i = 0; i < n; i++) f[i] = (float) r.nextGaussian();
      return f;
    }

    private static void add(MessageDigest md, float[] v) {
      for (float f : v) {
        int bits = Float.floatToRawIntBits(f);
        md.update(new byte[]{(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
      }
    }
  }
}
